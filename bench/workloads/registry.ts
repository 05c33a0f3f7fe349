import { noop } from './noop.ts';
import { orderedPrint } from './ordered-print.ts';
import { ticketRush } from './ticket-rush.ts';
import type { Workload } from './workload.ts';

/** Every workload, by name. */
export const workloads = {
  'ordered-print': orderedPrint,
  'ticket-rush': ticketRush,
  noop,
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof workloads;
export const workloadNames = Object.keys(workloads) as WorkloadName[];
/** The workloads `npm run bench` runs by default: the seed tutorial's two programs. */
export const suiteWorkloadNames: WorkloadName[] = ['ordered-print', 'ticket-rush'];
