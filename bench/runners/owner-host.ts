/**
 * The owner process of the `processes` runner: the program a strategy's owner (a queue owner, a
 * token desk) runs in when the clients are processes, compiled to JavaScript (see
 * `process-bundle.ts`) and forked by `owner-process.ts`. The owner's task runs in a thread of this
 * process (see `owner-thread.ts`), exactly as it would in the runner's own process; this main
 * thread is the harness's: it holds the owner's event log, bridges the fault gate, and reports.
 *
 * The owner stamps the bodies it runs into this process's own event log (the run's numbering of
 * slots, seeded with the runner's log so that each slot's client and canonical input are the
 * harness's), which the runner asks for when it reads the evidence (`stamps`): the verdict is
 * drawn in the runner's process, out of the owner's reach. A crash (`halt`) terminates the owner's
 * thread at once (no finally runs, its sockets close), sends the stamps it made, and waits for
 * the runner's SIGKILL. If the runner goes away (the IPC channel closes), this process exits.
 *
 * Messages are those of `owner-messages.ts`.
 */
import { CriticalSectionLog } from '../evidence/event-log.ts';
import { FaultGate } from '../faults/fault-gate.ts';
import { StartBarrier } from '../coordination/barrier.ts';
import { FinishLine } from '../coordination/finish-line.ts';
import { StopSignal } from '../coordination/stop-signal.ts';
import { oneLine } from './one-line.ts';
import { startOwnerThread, type OwnerThread } from './owner-thread.ts';
import { restoreSeed, type FromOwner, type OwnerStart, type ToOwner } from './owner-messages.ts';
import type { RunConfig } from './run-config.ts';
import { PROGRESS_EVERY_MS } from './process-messages.ts';

function send(message: FromOwner): void {
  if (process.connected) process.send?.(message);
}

async function host(start: OwnerStart): Promise<void> {
  const log = start.log === null ? CriticalSectionLog.create(start.slots) : new CriticalSectionLog(copyToShared(start.log));
  const gate = FaultGate.create();
  if (start.struck) gate.markKilled();
  const config: RunConfig = {
    ...start.config,
    log: log.buffer,
    faultGate: gate.buffer,
    barrier: StartBarrier.create().buffer,
    finish: FinishLine.create().buffer,
    stop: StopSignal.create().buffer,
  };
  const stamps = (): Uint8Array => new Uint8Array(log.buffer).slice();
  let owner: OwnerThread | null = null;
  let halted = false;
  process.on('message', (message: ToOwner) => {
    switch (message.type) {
      case 'killed':
        gate.markKilled();
        break;
      case 'stamps':
        send({ type: 'stamps', log: stamps(), completed: log.progress });
        break;
      case 'halt':
        halted = true;
        void (owner?.kill() ?? Promise.resolve()).finally(() => send({ type: 'halted', log: stamps(), completed: log.progress }));
        break;
      case 'stop':
        void (owner?.stop() ?? Promise.resolve()).then(
          () => leave({ type: 'stopped' }, 0),
          (error: unknown) => leave({ type: 'failed', error: oneLine(error) }, 1),
        );
        break;
    }
  });
  // What the owner's bodies tell the fault gate, the runner hears at once.
  if (start.config.fault !== null) {
    void gate.victimInside().then(() => send({ type: 'inside' }));
    void gate.anotherEntered().then(() => send({ type: 'entered' }));
  }
  let reported = 0;
  setInterval(() => {
    if (log.progress === reported || halted) return;
    reported = log.progress;
    send({ type: 'progress', completed: reported });
  }, PROGRESS_EVERY_MS).unref();
  owner = await startOwnerThread(new URL(start.module), restoreSeed(start.data, config) as object, [], []);
  send({ type: 'ready', pid: process.pid });
}

/** A SharedArrayBuffer holding a copy of `bytes`. */
function copyToShared(bytes: Uint8Array): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(bytes.byteLength);
  new Uint8Array(buffer).set(bytes);
  return buffer;
}

/** Sends the last message and exits once it is on its way. */
function leave(message: FromOwner, code: number): void {
  const exit = () => process.exit(code);
  if (process.send === undefined || !process.connected) exit();
  else process.send(message, exit);
}

process.on('SIGINT', () => undefined);
process.on('SIGHUP', () => undefined);
process.on('disconnect', () => process.exit(1));
process.once('message', (start: OwnerStart) => {
  host(start).catch((error: unknown) => leave({ type: 'failed', error: oneLine(error) }, 1));
});
