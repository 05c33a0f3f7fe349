/**
 * A client process of the `processes` runner: the program each forked process runs, compiled to
 * JavaScript (see `process-bundle.ts`) so that it pays no TypeScript loader at start-up.
 *
 * It runs its clients (see `client.ts`) on its main thread, with a start barrier, finish line,
 * stop signal, fault gate and event log of its own, bridged to the runner by messages (see
 * `process-messages.ts`): its clients arrive at its barrier, it says `arrived`, and the runner's
 * `release` releases them. It stamps with the same clock as every process of the machine
 * (`process.hrtime`, CLOCK_MONOTONIC on Linux) from the run's base, so the runner can merge the
 * logs. Its prints go to the run's print file (append mode), in one global order.
 *
 * Once its clients have answered their last requests it reports (`finished`, with its log and
 * counts) and holds their sessions open (see `session-hold.ts`) until the runner, having read the
 * evidence and the final state, says `close`; then its clients close their sessions and it ends
 * (`closed`, or `failed` if a close threw). A `start` message with `stay` set keeps the process
 * for the next run once it said `closed` (see `process-pool.ts`): everything a run uses (event log,
 * barrier, finish line, stop signal, fault gate, session hold, the clients' sessions) is made anew
 * from the next `start`; without `stay`, or after `failed`, it ends. If the runner goes away (the
 * IPC channel closes) it exits at once, so no client process outlives its run. A terminal's Ctrl-C reaches the
 * whole process group: the process ignores SIGINT and SIGHUP and leaves its ending to the runner.
 */
import { StartBarrier } from '../coordination/barrier.ts';
import { FinishLine } from '../coordination/finish-line.ts';
import { SessionHold } from '../coordination/session-hold.ts';
import { StopSignal } from '../coordination/stop-signal.ts';
import { waitWhileEquals } from '../coordination/atomics-wait.ts';
import { CriticalSectionLog } from '../evidence/event-log.ts';
import client from './client.ts';
import { FaultGate, VICTIM } from '../faults/fault-gate.ts';
import { faults, victimFinishes } from '../faults/registry.ts';
import { oneLine } from './one-line.ts';
import { PROGRESS_EVERY_MS, type FromProcess, type StartMessage, type ToProcess } from './process-messages.ts';

/** How long this process's clients may take to reach its start barrier, ms. */
const ARRIVE_TIMEOUT_MS = 60_000;

function send(message: FromProcess): void {
  process.send?.(message);
}

async function host(start: StartMessage): Promise<FromProcess> {
  const log = CriticalSectionLog.create(start.slots);
  const barrier = StartBarrier.create();
  const stop = StopSignal.create();
  const gate = FaultGate.create();
  const config = {
    ...start.config,
    strategyModule: start.strategyModule,
    finishers: start.clients.filter((c) => victimFinishes(start.config.fault) || c.clientId !== VICTIM).length,
    log: log.buffer,
    barrier: barrier.buffer,
    finish: FinishLine.create().buffer,
    stop: stop.buffer,
    faultGate: gate.buffer,
    // This process's log numbers its own slots.
    slotBases: null,
  };
  const hold = SessionHold.create(start.clients.length);
  let letGo: () => void = () => undefined;
  const closing = new Promise<void>((resolve) => (letGo = resolve));
  let cpuAtRelease = process.cpuUsage();
  current = (message: ToProcess) => {
    if (message.type === 'release') {
      cpuAtRelease = process.cpuUsage();
      barrier.release();
    } else if (message.type === 'stop') stop.raise();
    else if (message.type === 'victim-inside') gate.markInside();
    else if (message.type === 'resume') gate.markKilled();
    else if (message.type === 'close') letGo();
  };
  const tasks = start.clients.map((c) => client({ config, clientId: c.clientId, input: c.input, share: c.share, hold: hold.buffer }));
  const all = Promise.all(tasks);
  all.catch(() => undefined);
  await Promise.race([barrier.allArrived(start.clients.length, ARRIVE_TIMEOUT_MS), all]);
  send({ type: 'arrived' });
  if (start.config.fault !== null && start.clients.some((c) => c.clientId === VICTIM)) {
    void waitWhileEquals(new Int32Array(gate.buffer), 0, 0).then(() => send({ type: 'inside' }));
  }
  // The runner lets a victim held before its write go on as soon as a client of any process enters: said at once, not with the progress.
  if (start.config.fault !== null && faults[start.config.fault].victimHolds === 'before-write' && start.clients.some((c) => c.clientId !== VICTIM)) {
    void gate.anotherEntered().then(() => send({ type: 'entered' }));
  }
  let reported = { requests: 0, completed: 0 };
  const progress = setInterval(() => {
    const now = { requests: log.requests, completed: log.progress };
    if (now.requests === reported.requests && now.completed === reported.completed) return;
    reported = now;
    send({ type: 'progress', ...now });
  }, PROGRESS_EVERY_MS);
  let finished: FromProcess;
  try {
    // A client's task ends only after the hold lets go: before that, it ends only by failing.
    const outcomes = await Promise.race([hold.allReported(start.clients.length), all]);
    const cpu = process.cpuUsage(cpuAtRelease);
    // The last counts travel with the log: a process whose clients finish between two progress
    // reports (one client, one request) would otherwise never report its completions.
    finished = { type: 'finished', outcomes, log: new Uint8Array(log.buffer).slice(), claimed: log.claimed, requests: log.requests, completed: log.progress, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    clearInterval(progress);
  }
  send(finished);
  // The sessions stay open until the runner has read the evidence and the final state.
  await closing;
  hold.letGo();
  await all;
  return { type: 'closed' };
}

/** Sends the last message and exits once it is on its way: nothing this process started outlives it. */
function leave(message: FromProcess, code: number): void {
  const exit = () => process.exit(code);
  if (process.send === undefined || !process.connected) exit();
  else process.send(message, exit);
}

/** Where the messages of the run in progress go; null between runs, when only a `start` is taken. */
let current: ((message: ToProcess) => void) | null = null;

process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
// The runner went away: end at once.
process.on('disconnect', () => process.exit(1));
process.on('message', (message: ToProcess) => {
  if (current !== null) {
    current(message);
    return;
  }
  if (message.type !== 'start') return;
  current = () => undefined;
  host(message).then(
    (closed) => {
      if (!message.stay) {
        leave(closed, 0);
        return;
      }
      // Ready for the next run's start before the runner hears that this one is over.
      current = null;
      send(closed);
    },
    (error: unknown) => leave({ type: 'failed', error: oneLine(error) }, 1),
  );
});
