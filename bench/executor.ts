import { threadId } from 'node:worker_threads';
import { since } from './clock.ts';
import { CriticalSectionLog } from './event-log.ts';
import { ConflictError, type Operation, type OpResult, type StateAccess } from './operation.ts';
import { PrintLog } from './print-log.ts';
import type { RunConfig } from './run-config.ts';
import { workloads } from './workloads.ts';

/** Runs one critical section's body; see {@link createExecutor}. */
export type Executor = (op: Operation, access: StateAccess) => Promise<OpResult>;

/**
 * The harness's wrapper around the workload's critical section, for any thread of a run (a client
 * worker, or an owner thread a strategy started). It stamps enter and exit into the shared event
 * log on the shared clock, with the running thread's id, around the body and nothing else. An
 * attempt that ends in a `ConflictError` is logged as aborted.
 */
export function createExecutor(config: RunConfig): Executor {
  const log = new CriticalSectionLog(config.log);
  const context = { prints: new PrintLog(config.prints) };
  const workload = workloads[config.workload];
  return async (op, access) => {
    log.enter(op.slot, threadId, since(config.clockBase));
    try {
      const result = await workload.criticalSection(access, op, context);
      log.exit(op.slot, since(config.clockBase));
      return result;
    } catch (error) {
      if (error instanceof ConflictError) log.abort(op.slot);
      else log.exit(op.slot, since(config.clockBase));
      throw error;
    }
  };
}
