/**
 * How the clients of a processes run are laid out: which process runs which clients, and where
 * each process's slots sit in the run's numbering of slots. Computed once per run, before the
 * strategy's setup (an owner thread in the runner's process needs the slot bases), and handed to
 * the processes runner in its plan.
 */
import { VICTIM } from '../faults/fault-gate.ts';

/** The clients of each process: the victim alone under a fault, the others dealt round-robin over the rest. */
export function processGroups(clients: number, processes: number, victimAlone: boolean): number[][] {
  const ids = Array.from({ length: clients }, (_, id) => id);
  const others = victimAlone ? ids.filter((id) => id !== VICTIM) : ids;
  const count = Math.max(1, Math.min(victimAlone ? processes - 1 : processes, others.length));
  const groups: number[][] = Array.from({ length: count }, () => []);
  others.forEach((id, i) => groups[i % count]?.push(id));
  return victimAlone ? [[VICTIM], ...groups.filter((g) => g.length > 0)] : groups.filter((g) => g.length > 0);
}

/** How the clients of a processes run are laid out: by process, and in the run's event log. */
export interface ProcessLayout {
  /** The clients of each process (see {@link processGroups}). */
  readonly groups: readonly (readonly number[])[];
  /** Slots of each process's own event log. */
  readonly slotsPerProcess: number;
  /**
   * By client: where its process's slots start in the run's numbering of slots. A one-request
   * run numbers slots by client (all 0); a timed run gives process i the slots from
   * i × `slotsPerProcess`. An owner thread in the runner's process (a queue owner) logs the
   * bodies it runs there, and the logs are merged by it.
   */
  readonly slotBases: readonly number[];
  /** Slots of the run's numbering: the runner's own log, where owner threads stamp. */
  readonly slots: number;
}

/** The layout of `clients` clients over `processes` processes; `slots`: the run's log slots (clients for a one-request run). */
export function processLayout(clients: number, processes: number, victimAlone: boolean, timed: boolean, slots: number): ProcessLayout {
  const groups = processGroups(clients, processes, victimAlone);
  const slotsPerProcess = timed ? Math.ceil(slots / groups.length) : clients;
  const slotBases = new Array<number>(clients).fill(0);
  if (timed) groups.forEach((group, i) => group.forEach((id) => (slotBases[id] = i * slotsPerProcess)));
  return { groups, slotsPerProcess, slotBases, slots: timed ? groups.length * slotsPerProcess : clients };
}
