/**
 * Every fault the harness can inject, by name (`--fault`). A new fault is a file of this folder
 * implementing `Fault` (see `fault.ts`), added here.
 */
import type { Fault } from './fault.ts';
import { crashInCs } from './crash-in-cs.ts';
import { hangInCs } from './hang-in-cs.ts';
import { pauseInCs } from './pause-in-cs.ts';
import { crashServer } from './crash-server.ts';
import { crashOwner } from './crash-owner.ts';
import { partition, partitionDrop } from './partition.ts';
import { crashAfterAnswer } from './crash-after-answer.ts';

export type FaultName =
  | 'crash-in-cs'
  | 'hang-in-cs'
  | 'pause-in-cs'
  | 'crash-server'
  | 'crash-owner'
  | 'partition'
  | 'partition-drop'
  | 'crash-after-answer';

export const faults: Record<FaultName, Fault> = {
  'crash-in-cs': crashInCs,
  'hang-in-cs': hangInCs,
  'pause-in-cs': pauseInCs,
  'crash-server': crashServer,
  'crash-owner': crashOwner,
  partition,
  'partition-drop': partitionDrop,
  'crash-after-answer': crashAfterAnswer,
};

export const faultNames = Object.keys(faults) as FaultName[];

/** Whether the victim of `fault` takes part in the run to its end (no fault: every client does). */
export function victimFinishes(fault: FaultName | null): boolean {
  return fault === null || faults[fault].victimFinishes;
}
