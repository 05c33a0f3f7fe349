/**
 * The client: a piscina task, one per client of a run. Every client of a run is in flight at
 * once, like the document's separate processes.
 *
 * 1. open the strategy session (its first-use costs are paid here, before the start);
 * 2. arrive at the start barrier and wait for the release;
 * 3. run the workload's client: its work outside the critical section, then the critical section
 *    through the strategy, with the request time logged first (under a fault, a request that timed
 *    out or lost its connection is logged with its outcome unknown, and the client goes on: see
 *    `outcome-unknown.ts`; with no fault such an error fails the run). Once (the tutorial's shape), or `requestsPerClient` times, or, in a
 *    timed run, again and again until the stop signal; when more than once, each request in a
 *    slot it claims and started as a task of its own;
 * 4. stamp its end time on the shared clock, wait at the finish line for every other client (see
 *    `finish-line.ts`), and report its outcome at the session hold (see `session-hold.ts`);
 * 5. wait there, its session open, until the runner has read the evidence and the final state and
 *    lets go; then close the session.
 */
import { isMainThread, threadId } from 'node:worker_threads';
import { StartBarrier } from '../coordination/barrier.ts';
import { spinFor } from '../coordination/busy-work.ts';
import { since } from '../coordination/clock.ts';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { createExecutor } from './executor.ts';
import { outcomeUnknown } from './outcome-unknown.ts';
import { rerouted } from '../network/victim-route.ts';
import { FaultGate, VICTIM } from '../faults/fault-gate.ts';
import { faults } from '../faults/registry.ts';
import { OWNER_CRASH_REQUEST_TIMEOUT_MS } from '../faults/crash-owner.ts';
import { FinishLine } from '../coordination/finish-line.ts';
import { SessionHold } from '../coordination/session-hold.ts';
import type { OpResult } from '../workloads/operation.ts';
import type { RunConfig } from './run-config.ts';
import { sleepExact } from '../coordination/sleep.ts';
import { StopSignal } from '../coordination/stop-signal.ts';
import { FileStore } from '../workloads/store.ts';
import { loadStrategy } from './strategy-loader.ts';
import { notesPath, writeNote } from '../evidence/run-notes.ts';
import type { ClientOutcome } from '../workloads/workload.ts';
import { workloads } from '../workloads/registry.ts';

/** The task a client receives. */
export interface ClientTask {
  readonly config: RunConfig;
  readonly clientId: number;
  /** The workload's input for this client (see `Workload.inputs`). */
  readonly input: number;
  /** This client's share of the strategy's setup. */
  readonly share: unknown;
  /** Buffer of the `SessionHold` of the client's thread pool or process. */
  readonly hold: SharedArrayBuffer;
}

/** A request not answered within its fault's time-out ({@link OWNER_CRASH_REQUEST_TIMEOUT_MS} under crash-owner, `requestTimeoutMs` otherwise): its outcome unknown (see `outcome-unknown.ts`). */
class RequestTimeout extends Error {
  override readonly name = 'TimeoutError';

  constructor(ms: number, why: string) {
    super(`no answer within ${ms} ms: ${why}`);
  }
}

/** `running`, or a {@link RequestTimeout} once `ms` passed (what it settles to later is dropped). */
function within<T>(running: Promise<T>, ms: number, why: string): Promise<T> {
  running.catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new RequestTimeout(ms, why)), ms)));
  return Promise.race([running, late]).finally(() => clearTimeout(timer));
}

export default async function client({ config, clientId, input, share, hold }: ClientTask): Promise<ClientOutcome> {
  const strategy = await loadStrategy(config.strategy, config.strategyModule);
  const workload = workloads[config.workload];
  const store = new FileStore(config.dbPath, config.latency);
  const log = new CriticalSectionLog(config.log);
  const notes = notesPath(config.dbPath);
  // Under a fault that strikes its network the victim reaches its servers its own way (see `network/victim-route.ts`).
  const ownShare = clientId === VICTIM && config.victimRoutes != null ? rerouted(share, config.victimRoutes) : share;
  const session = await strategy.connect({ share: ownShare, store, execute: createExecutor(config, clientId === VICTIM), note: (text) => writeNote(notes, text) });
  let requests = 0;
  let successes = 0;
  let unknown = 0;
  // A fault that kills the owner (crash-owner): a request waits at most OWNER_CRASH_REQUEST_TIMEOUT_MS, and whatever it throws leaves its outcome unknown.
  const ownerStruck = config.fault !== null && faults[config.fault].strikes === 'owner';
  // A fault that may leave a request with no answer ever (partition-drop): the harness's client-side time-out.
  const timeout = ownerStruck ? { ms: OWNER_CRASH_REQUEST_TIMEOUT_MS, why: 'the owner may be gone' } : config.fault !== null && faults[config.fault].requestTimeoutMs !== undefined ? { ms: faults[config.fault].requestTimeoutMs ?? 0, why: 'the network may have lost it' } : null;
  let tornReadsOutside = 0;
  let tornReadsInside = 0;
  const request = async (slot: number) => {
    tornReadsOutside += await workload.beforeCritical(store);
    log.request(slot, clientId, since(config.clockBase), input);
    requests++;
    let result: OpResult;
    try {
      const running = session.run({ clientId, slot, input, workUs: config.work.insideUs });
      result = timeout !== null ? await within(running, timeout.ms, timeout.why) : await running;
    } catch (error) {
      // Its outcome unknown in the history (Jepsen's info): applied or not, nobody told the client.
      // Under an owner's crash a time-out is kept apart from an error (the crash-owner table shows both).
      log.complete(slot, since(config.clockBase), error instanceof RequestTimeout ? 'timed out' : null);
      // Under a fault, a request that timed out or lost its connection is one the client goes on
      // from, and so is any request whose owner was killed (it may have applied it first). With no
      // fault injected nothing should have cut it off: the error fails the run, as any other error
      // of the strategy's does (else a strategy could dodge every check by "losing" its requests).
      if (!ownerStruck && !(config.fault !== null && outcomeUnknown(error))) throw error;
      unknown++;
      return;
    }
    // What the client was told, and when: its history (invoke = the request stamp).
    log.complete(slot, since(config.clockBase), result.success);
    // crash-after-answer: the victim's thread stops here, its answer stamped, until it is killed.
    if (clientId === VICTIM && config.fault !== null && faults[config.fault].victimHolds === 'after-answer') new FaultGate(config.faultGate).markAnsweredAndStop();
    if (result.success) successes++;
    tornReadsInside += result.tornReads;
  };
  try {
    await new StartBarrier(config.barrier).arriveAndWait();
    if (config.timed === null && config.requestsPerClient === 1) {
      await sleepExact(clientId * config.staggerMs);
      // Under a fault the others ask only once the victim is inside: they are all waiting when it fails.
      if (config.fault !== null && clientId !== VICTIM) await new FaultGate(config.faultGate).victimInside();
      spinFor(config.work.outsideUs);
      await request(clientId);
    } else {
      await sleepExact(clientId * config.staggerMs);
      const stop = new StopSignal(config.stop);
      // Timed: until the stop signal; otherwise `requestsPerClient` requests.
      while (config.timed !== null ? !stop.raised : requests < config.requestsPerClient) {
        spinFor(config.work.outsideUs);
        const slot = log.claim();
        if (slot < 0) break;
        await request(slot);
        // Each request starts as a task of its own, as a new request to a server would: the
        // other clients of this thread get their turn. Without it, a strategy whose uncontended
        // path resolves in microtasks (atomics-mutex) lets one client loop forever while the
        // others' wake-ups wait in the task queue.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
    const end = since(config.clockBase);
    // Under a crash or a hang the victim never finishes (a paused one does).
    await new FinishLine(config.finish).arriveAndWait(config.finishers);
    // In a process of its own (processes runner) a client's "thread" is its process.
    const outcome = { clientId, thread: isMainThread ? process.pid : threadId, requests, successes, tornReadsOutside, tornReadsInside, end, unknown };
    // Reported with the session open: what its close() does comes after the evidence is read.
    const sessions = new SessionHold(hold);
    sessions.report(outcome);
    await sessions.letGoWait();
    return outcome;
  } finally {
    await session.close();
  }
}
