import type { Strategy } from '../../strategies/strategy.ts';
import type { WorkloadName } from '../workloads/registry.ts';
import { faults, type FaultName } from '../faults/registry.ts';
import { victimLacks, type RunnerName } from './runner.ts';

/**
 * Why `strategy` cannot serve `runner` (and `workload`, and `fault` if given), or null if it can.
 * Its row is then "not applicable", with this reason, and nothing is run:
 * - a strategy whose reach is the threads of one process cannot exclude clients in other processes;
 * - a strategy that writes the operations of some workloads only (a server-side script) runs no other;
 * - a fault needs the runner to do something to the victim that it cannot (see `victimLacks`),
 *   or says itself why it does not apply (see `faults/`).
 */
export function outOfReach(strategy: Strategy, runner: RunnerName, workload?: WorkloadName, fault?: FaultName | null): string | null {
  if (runner === 'processes' && strategy.reach === 'threads of one process') {
    return `not applicable to processes: ${strategy.reachLimit ?? 'its exclusion reaches only the threads of one process'}`;
  }
  if (workload !== undefined && strategy.workloads !== undefined && !strategy.workloads.includes(workload)) {
    return `not applicable to ${workload}: its operation is written for ${strategy.workloads.join(', ')} only (it runs inside the server)`;
  }
  if (fault !== undefined && fault !== null) {
    const lacked = faults[fault].needs.map((action) => victimLacks[runner][action]).find((reason) => reason !== undefined);
    if (lacked !== undefined) return `not applicable to ${fault} under ${runner}: ${lacked}`;
    return faults[fault].notApplicable(strategy, runner);
  }
  return null;
}
