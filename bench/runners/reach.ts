import type { Strategy } from '../../strategies/strategy.ts';
import type { WorkloadName } from '../workloads/registry.ts';
import type { FaultName } from './fault.ts';
import { crashOwnerLimit } from '../faults/crash-owner.ts';
import type { RunnerName } from './runner.ts';

/**
 * Why `strategy` cannot serve `runner` (and `workload`, and `fault` if given), or null if it can.
 * Its row is then "not applicable", with this reason, and nothing is run:
 * - a strategy whose reach is the threads of one process cannot exclude clients in other processes;
 * - a strategy that writes the operations of some workloads only (a server-side script) runs no other;
 * - a fault strikes inside a client's critical section, and one that runs inside a server has none;
 * - a crash inside the critical section of a strategy that says it does not recover from one
 *   (`recoversFromCrash: false`) would only show its waiters waiting for ever.
 */
export function outOfReach(strategy: Strategy, runner: RunnerName, workload?: WorkloadName, fault?: FaultName | null): string | null {
  if (runner === 'processes' && strategy.reach === 'threads of one process') {
    return `not applicable to processes: ${strategy.reachLimit ?? 'its exclusion reaches only the threads of one process'}`;
  }
  if (workload !== undefined && strategy.workloads !== undefined && !strategy.workloads.includes(workload)) {
    return `not applicable to ${workload}: its operation is written for ${strategy.workloads.join(', ')} only (it runs inside the server)`;
  }
  if (fault === 'pause-in-cs' && runner === 'threads') {
    return 'not applicable to pause-in-cs under threads: SIGSTOP stops a whole process, and a worker thread cannot be stopped alone';
  }
  if (fault === 'crash-owner') {
    const limit = crashOwnerLimit(strategy);
    if (limit !== null) return limit;
  }
  if (fault !== undefined && fault !== null && strategy.runsIn === 'server') {
    return `not applicable to ${fault}: the critical section runs inside the server, where no client can fail in it`;
  }
  if (fault === 'crash-in-cs' && strategy.recoversFromCrash === false) {
    return `not applicable to crash-in-cs: it does not recover from a holder's crash (${strategy.onHolderCrash})`;
  }
  return null;
}
