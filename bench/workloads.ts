import { orderedPrint } from './ordered-print.ts';
import { ticketRush } from './ticket-rush.ts';
import type { Workload } from './workload.ts';

/** Every workload, by name. */
export const workloads = {
  'ordered-print': orderedPrint,
  'ticket-rush': ticketRush,
} as const satisfies Record<string, Workload>;

export type WorkloadName = keyof typeof workloads;
export const workloadNames = Object.keys(workloads) as WorkloadName[];
