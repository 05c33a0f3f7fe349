import { threadId } from 'node:worker_threads';
import { since } from '../coordination/clock.ts';
import { FaultGate, never, VICTIM } from '../faults/fault-gate.ts';
import { faults } from '../faults/registry.ts';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { isConflict, type Operation, type OpResult, type StateAccess } from '../workloads/operation.ts';
import { printsFor } from '../evidence/print-log.ts';
import type { ExecutorSeed, RunConfig } from './run-config.ts';
import { workloads } from '../workloads/registry.ts';

/**
 * The victim's state access under a fault that holds it before its write (`pause-in-cs`): its
 * first write waits, after the read it rests on, until the fault lets it go on (the gate's
 * "killed" cell, set by the runner; under a pause, before SIGCONT). A later attempt (a fenced-off
 * write retried) goes straight on.
 */
function pausingBeforeWrite(access: StateAccess, gate: FaultGate): StateAccess {
  return {
    get readLatencyMs() {
      return access.readLatencyMs;
    },
    get writeLatencyMs() {
      return access.writeLatencyMs;
    },
    read: () => access.read(),
    async write(state) {
      gate.markInside();
      await gate.victimKilled();
      await access.write(state);
    },
  };
}

/** Runs one critical section's body; see {@link createExecutor}. */
export type Executor = (op: Operation, access: StateAccess) => Promise<OpResult>;

/**
 * The harness's wrapper around the workload's critical section, for any thread of a run (a client
 * worker, or an owner thread a strategy started). It stamps enter and exit into the shared event
 * log on the shared clock, with the running thread's id, around the body and nothing else. An
 * attempt that ends in a `ConflictError` is logged as aborted. Under an injected fault it is also
 * where the victim's critical section fails. `inVictimThread`: this executor runs in the victim
 * client's own thread.
 */
export function createExecutor(seed: RunConfig | ExecutorSeed, inVictimThread = false): Executor {
  const config = seed as RunConfig;
  const log = new CriticalSectionLog(config.log);
  const gate = new FaultGate(config.faultGate);
  const context = { prints: printsFor(config.prints) };
  const workload = workloads[config.workload];
  return async (given, givenAccess) => {
    let access = givenAccess;
    // The operation the client asked for, as the harness logged it: a strategy cannot shrink the
    // critical section it is measured on by handing the body a different one.
    const loggedClient = log.client(given.slot);
    const loggedInput = log.input(given.slot);
    const op: Operation = {
      clientId: Number.isFinite(loggedClient) ? loggedClient : given.clientId,
      slot: given.slot,
      input: Number.isFinite(loggedInput) ? loggedInput : given.input,
      workUs: config.work.insideUs,
    };
    // An owner thread of the processes runner's own process: the client's slot in this log.
    const slot = op.slot + (config.slotBases?.[op.clientId] ?? 0);
    log.enter(slot, threadId, since(config.clockBase));
    const hold = config.fault === null ? null : faults[config.fault].victimHolds;
    // A victim held before its write is let go as soon as another client gets in (see `faults/`).
    if (hold === 'before-write' && op.clientId !== VICTIM) gate.markAnotherEntered();
    // The victim's section holds what the fault strikes (crash-owner: the owner, or the token)
    // after its body, its change stored and stamped, and before its answer leaves (an owner
    // acknowledges a request to its broker after that): it goes on once the fault says so (in an
    // owner that was killed, never; in one restarted after the strike, at once).
    const holdAfterBody = hold === 'until-told' && op.clientId === VICTIM;
    const heldAfterBody = async () => {
      gate.markInside();
      await gate.victimKilled();
    };
    if (hold === 'before-write' && op.clientId === VICTIM) {
      // A pause stops the victim's process: a body it runs itself waits; one an owner thread runs for it goes on.
      if (inVictimThread) access = pausingBeforeWrite(access, gate);
      else gate.markInside();
    } else if (hold === 'after-answer' && op.clientId === VICTIM) {
      // The body runs as any other: the fault strikes once its client has been answered (see `client.ts`).
      gate.markInside();
    } else if (hold !== null && !holdAfterBody && op.clientId === VICTIM) {
      gate.markInside();
      // In the victim's own thread it stays until the thread is terminated (crash) or forever
      // (hang). Elsewhere (an owner thread runs its body) a crash is of the client only: the body
      // goes on once the client is dead.
      if (inVictimThread || hold === 'forever') await never();
      await gate.victimKilled();
    }
    try {
      const result = await workload.criticalSection(access, op, context);
      // Stamped before the harness works out the nominal: the hold is the body's, not the bookkeeping's.
      const exitAt = since(config.clockBase);
      // The write latency is the profile's whatever the access claims (memory state writes through with it too).
      const nominal = workload.nominalMs(op, result, { readLatencyMs: access.readLatencyMs, writeLatencyMs: config.latency.writeMs });
      log.exit(slot, exitAt, nominal, result.success);
      if (holdAfterBody) await heldAfterBody();
      return result;
    } catch (error) {
      if (isConflict(error)) log.abort(slot);
      else log.exit(slot, since(config.clockBase));
      if (holdAfterBody) await heldAfterBody();
      throw error;
    }
  };
}
