import { threadId } from 'node:worker_threads';
import { since } from './clock.ts';
import { CriticalSectionLog } from './event-log.ts';
import type { Operation, OpResult, StateAccess } from './operation.ts';
import { PrintLog } from './print-log.ts';
import type { RunConfig } from './run-config.ts';
import { workloads } from './workloads.ts';

/** Runs one critical section's body; see {@link createExecutor}. */
export type Executor = (op: Operation, access: StateAccess) => Promise<OpResult>;

/**
 * The harness's wrapper around the workload's critical section, for any thread of a run (a client
 * worker, or an owner thread a strategy started). It stamps enter and exit into the shared event
 * log on the shared clock, with the running thread's id, around the body and nothing else.
 */
export function createExecutor(config: RunConfig): Executor {
  const log = new CriticalSectionLog(config.log);
  const context = { prints: new PrintLog(config.prints) };
  const workload = workloads[config.workload];
  return async (op, access) => {
    log.enter(op.slot, threadId, since(config.clockBase));
    try {
      return await workload.criticalSection(access, op, context);
    } finally {
      log.exit(op.slot, since(config.clockBase));
    }
  };
}
