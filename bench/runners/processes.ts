/**
 * The `processes` runner: clients in Node processes of their own, as in the tutorial
 * (`multiprocessing.Process`). By default each client is its own process; `spread` puts them in
 * that many processes instead, each running its share on its main thread. Under a fault the
 * victim is alone in its process, killed with SIGKILL.
 *
 * Processes are started with `child_process.fork` running compiled JavaScript (see
 * `process-bundle.ts`); each runs `process-host.ts`. The start barrier is two messages: every
 * process says `arrived` once all its clients wait at its own barrier, and the runner sends
 * `release` to each (the release of the first is the start of wall time; the last follows within
 * the time of N small messages). Each process stamps its own event log with the run's clock
 * (CLOCK_MONOTONIC, one clock for every process of the machine) and sends it at its end; the logs
 * are merged here, outside the measured window. The processes keep their clients' sessions open
 * until the runner has read the evidence and the final state, then close them on its `close`. The watchdog reads the progress each process
 * reports, at most every 100 ms and once more, in full, with its `finished` message.
 *
 * With a pool in its plan (see `process-pool.ts`) the runner takes its processes from the pool and
 * gives back those whose clients closed their sessions cleanly (never a fault's victim); a run
 * without one starts its processes and ends them, and only such a run has a program wall (first
 * fork to last exit: start-up included, the figure the tutorial's own program measures).
 */
import { startSentinel } from './orphan-sentinel.ts';
import { since } from '../coordination/clock.ts';
import { CriticalSectionLog, type CriticalSectionRecord } from '../evidence/event-log.ts';
import { FilePrintLog } from '../evidence/print-log.ts';
import type { ClientOutcome } from '../workloads/workload.ts';
import { FaultGate, VICTIM } from '../faults/fault-gate.ts';
import { faults, victimFinishes } from '../faults/registry.ts';
import type { ProcessLayout } from './process-layout.ts';
import { startClientProcess, type ClientProcess } from './process-pool.ts';
import { oneLine } from './one-line.ts';
import { claimsSlots } from './run-config.ts';
import { compiledRegisteredStrategy, compiledStrategyModule, processHostBundle } from './process-bundle.ts';
import type { FromProcess, ProcessClient, ToProcess } from './process-messages.ts';
import { runOwners } from './run-owners.ts';
import { printsAsNow, SESSION_CLOSE_MS, type Fleet, type FleetPlan, type Runner } from './runner.ts';

/** How long a process has to exit after SIGKILL before the runner stops waiting for it, ms. */
const EXIT_WAIT_MS = 5_000;

interface Member {
  readonly process: ClientProcess;
  readonly clients: readonly number[];
  readonly hasVictim: boolean;
  arrived: boolean;
  requests: number;
  completed: number;
  finished: Extract<FromProcess, { type: 'finished' }> | null;
  /** What went wrong after `finished`: a session's close that threw. */
  closeError: string | null;
  /** Resolves once the process said `closed` or `failed`, or ended. */
  readonly ended: Promise<void>;
  /** It said `closed`: its clients closed their sessions, and a pooled process waits for the next run. */
  closed: boolean;
  /** Takes this run's listeners off the process (a pooled process outlives the run). */
  detach(): void;
}

/**
 * What another log stamped for a slot (an owner: a thread of the runner's process, or a process of its own; or a client
 * process that does not host the slot), added to the client's record: the body's stamps where the
 * client's process has none, the attempts and aborts of both (a body run in both places is
 * counted twice, and judged).
 */
function withOwnerPart(record: CriticalSectionRecord, owner: CriticalSectionRecord | undefined): CriticalSectionRecord {
  if (owner === undefined || owner.attempts === 0) return record;
  const local = Number.isFinite(record.enter);
  // A client whose process never reported (the killed victim) while the owner ran its body: its
  // request is taken as made at the body's enter (later than it was, never earlier), so that the
  // history keeps its buy as one whose outcome is unknown, as the threads runner's log does.
  const unreported = !Number.isFinite(record.request) && Number.isFinite(owner.client);
  return {
    ...record,
    client: unreported ? owner.client : record.client,
    input: unreported ? owner.input : record.input,
    request: unreported ? owner.enter : record.request,
    enter: local ? record.enter : owner.enter,
    exit: local ? record.exit : owner.exit,
    thread: local ? record.thread : owner.thread,
    nominal: local ? record.nominal : owner.nominal,
    body: local ? record.body : owner.body,
    attempts: record.attempts + owner.attempts,
    aborts: record.aborts + owner.aborts,
  };
}

/**
 * Merges the processes' logs and the runner's own (`owner`: what owner threads stamped, in the
 * run's numbering of slots): one record per client for a one-request run, all records in turn
 * for a timed one. `parts[i]` is the log of process i of the layout.
 */
export function mergeLogs(
  parts: readonly ({ log: Uint8Array; claimed: number } | null)[],
  layout: ProcessLayout,
  owner: readonly CriticalSectionRecord[],
  timed: boolean,
): CriticalSectionRecord[] {
  const logs = parts.map((part) => {
    if (part === null) return null;
    const buffer = new SharedArrayBuffer(part.log.byteLength);
    new Uint8Array(buffer).set(part.log);
    return { log: new CriticalSectionLog(buffer), claimed: part.claimed };
  });
  const clients = layout.slotBases.length;
  if (timed) {
    const records = logs.flatMap((part, i) => (part === null ? [] : part.log.records(part.claimed).map((r) => withOwnerPart(r, owner[i * layout.slotsPerProcess + r.slot]))));
    return records.map((r, slot) => ({ ...r, slot }));
  }
  // A client whose process never reported (the killed victim) keeps an empty slot as far as its
  // process's log goes: it never asked, as far as the log knows.
  const merged: CriticalSectionRecord[] = CriticalSectionLog.create(clients).records();
  const read = logs.map((part) => (part === null ? null : part.log.records(clients)));
  read.forEach((records, i) => {
    for (const id of layout.groups[i] ?? []) {
      const record = records?.[id];
      if (record !== undefined) merged[id] = record;
    }
  });
  // A body a process ran in a slot it does not host (another client's) is evidence, as it is in
  // the threads runner's one shared log: two bodies in one slot are a repeated commit.
  read.forEach((records, i) => {
    const hosted = new Set(layout.groups[i] ?? []);
    records?.forEach((record, slot) => {
      if (!hosted.has(slot) && record.attempts > 0) merged[slot] = withOwnerPart(merged[slot] as CriticalSectionRecord, record);
    });
  });
  return merged.map((r) => withOwnerPart(r, owner[r.slot]));
}

export const processesRunner: Runner = {
  name: 'processes',
  async start(plan: FleetPlan): Promise<Fleet> {
    const { config, host, inputs } = plan;
    const victimAlone = config.fault !== null;
    const { layout } = plan;
    if (layout === null) throw new Error('the processes runner needs the run\'s process layout');
    const { groups } = layout;
    const ownerLog = new CriticalSectionLog(config.log);
    const ownerGate = new FaultGate(config.faultGate);
    const program = await processHostBundle();
    const strategyModule = config.strategyModule === null ? await compiledRegisteredStrategy(config.strategy) : await compiledStrategyModule(config.strategyModule);
    const slots = layout.slotsPerProcess;
    const started = since(config.clockBase);
    let lastExit = started;
    let releasedCpu = 0;
    let failFinished: (error: Error) => void = () => undefined;
    /** Every process has reported: their clients wait, sessions open, for `close`. */
    let reported = false;
    let resolveFinished: () => void = () => undefined;
    const allFinished = new Promise<void>((resolve, reject) => {
      resolveFinished = resolve;
      failFinished = reject;
    });
    allFinished.catch(() => undefined);
    let resolveArrived: () => void = () => undefined;
    const allArrived = new Promise<void>((resolve, reject) => {
      resolveArrived = resolve;
      allFinished.catch(reject);
    });
    allArrived.catch(() => undefined);
    let resolveInside: () => void = () => undefined;
    const inside = new Promise<void>((resolve) => (resolveInside = resolve));
    let resolveAnother: () => void = () => undefined;
    const another = new Promise<void>((resolve) => (resolveAnother = resolve));
    // A body an owner thread of this process runs for another client marks this process's gate.
    if (config.fault !== null && faults[config.fault].victimHolds === 'before-write') void ownerGate.anotherEntered().then(() => resolveAnother());
    let othersTold = false;
    /** The victim is inside (in its own process, or in an owner thread of this one): the others may ask. */
    const victimIsInside = (reporter: Member | null) => {
      resolveInside();
      ownerGate.markInside();
      if (othersTold) return;
      othersTold = true;
      for (const other of members) if (other !== reporter) post(other, { type: 'victim-inside' });
    };
    let closing = false;
    let victimKilled = false;

    // Every client's share first: a strategy that cannot serve processes fails before any is started.
    const shares: ProcessClient[][] = groups.map((clients) =>
      clients.map((clientId) => {
        const share = host.forClient(clientId);
        if (share.transfer.length > 0) throw new Error(`strategy ${config.strategy} shares ports with its clients, which cannot reach another process`);
        return { clientId, input: inputs[clientId] ?? 0, share: share.data };
      }),
    );
    // A body run by an owner thread of this process (a queue owner) marks this process's gate.
    if (config.fault !== null) void ownerGate.victimInside().then(() => victimIsInside(null));
    const { log: _log, barrier: _barrier, finish: _finish, stop: _stop, faultGate: _gate, ...portable } = config;
    let sentinel: { stop(): void } | null = null;
    const processes = plan.pool === null ? groups.map(() => startClientProcess(program)) : plan.pool.take(groups.length, program);
    const members: Member[] = groups.map((clients, i) => {
      const clientProcess = processes[i] as ClientProcess;
      const { child } = clientProcess;
      let resolveEnded: () => void = () => undefined;
      const ended = new Promise<void>((resolve) => (resolveEnded = resolve));
      const member: Member = {
        process: clientProcess,
        clients,
        hasVictim: victimAlone && clients.includes(VICTIM),
        arrived: false,
        requests: 0,
        completed: 0,
        finished: null,
        closeError: null,
        ended,
        closed: false,
        detach: () => undefined,
      };
      const onError = (error: Error) => failFinished(new Error(`a client process could not run: ${oneLine(error)}`));
      const onMessage = (message: FromProcess) => {
        switch (message.type) {
          case 'arrived':
            member.arrived = true;
            if (members.every((m) => m.arrived)) resolveArrived();
            break;
          case 'progress':
            member.requests = message.requests;
            member.completed = message.completed;
            break;
          case 'inside':
            victimIsInside(member);
            break;
          case 'entered':
            resolveAnother();
            break;
          case 'finished':
            member.finished = message;
            member.requests = message.requests;
            member.completed = message.completed;
            if (members.every((m) => m.finished !== null || (m.hasVictim && !victimFinishes(config.fault)))) {
              reported = true;
              resolveFinished();
            }
            break;
          case 'closed':
            member.closed = true;
            resolveEnded();
            break;
          case 'failed':
            resolveEnded();
            if (member.finished !== null) member.closeError = message.error;
            else failFinished(new Error(message.error));
            break;
        }
      };
      const onExit = () => (lastExit = since(config.clockBase));
      // 'close' comes after the IPC channel is drained: a 'finished' sent just before the exit has arrived by then.
      const onClose = (code: number | null, signal: NodeJS.Signals | null) => {
        resolveEnded();
        if (closing || member.finished !== null || (member.hasVictim && victimKilled)) return;
        const said = clientProcess.stderr().trim().split('\n').filter((l) => l.trim() !== '').slice(-1)[0];
        failFinished(new Error(`client process ${child.pid ?? '?'} ended (${signal ?? `exit code ${code ?? '?'}`}) before its clients finished${said === undefined ? '' : `: ${said.trim()}`}`));
      };
      child.on('error', onError);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.once('close', onClose);
      // A process that ended before this run took it (a pooled one) has no 'close' to come.
      if (child.exitCode !== null || child.signalCode !== null) queueMicrotask(() => onClose(child.exitCode, child.signalCode));
      member.detach = () => {
        child.off('error', onError);
        child.off('message', onMessage);
        child.off('exit', onExit);
        child.off('close', onClose);
      };
      return member;
    });
    const post = (member: Member, message: ToProcess) => {
      const { child } = member.process;
      if (child.connected) child.send(message, (error) => error && !closing && plan.fail(new Error(`a message to a client process failed: ${oneLine(error)}`)));
    };
    const stay = plan.pool !== null;
    members.forEach((member, i) => post(member, { type: 'start', config: portable, clients: shares[i] ?? [], slots, strategyModule, stay }));
    const finished = allFinished.then(() => members.flatMap<ClientOutcome>((m) => m.finished?.outcomes ?? []));
    finished.catch(() => undefined);

    return {
      arrived: (timeoutMs) =>
        Promise.race([
          allArrived,
          new Promise<never>((_, reject) => {
            const timer = setTimeout(() => reject(new Error(`only ${members.filter((m) => m.arrived).length} of ${members.length} client processes reached the start barrier within ${timeoutMs} ms`)), timeoutMs);
            void allArrived.finally(() => clearTimeout(timer)).catch(() => undefined);
          }),
        ]),
      release() {
        const cpu = process.cpuUsage();
        releasedCpu = (cpu.user + cpu.system) / 1000;
        for (const member of members) post(member, { type: 'release' });
      },
      stop() {
        for (const member of members) post(member, { type: 'stop' });
      },
      finished,
      requests: () => members.reduce((sum, m) => sum + m.requests, 0),
      completed: () => members.reduce((sum, m) => sum + m.completed, 0) + ownerLog.progress + runOwners(config).reduce((sum, o) => sum + o.completed(), 0),
      victimInside: () => inside,
      anotherEntered: () => another,
      victim: {
        async kill() {
          const victim = members.find((m) => m.hasVictim);
          if (victim === undefined) return;
          victimKilled = true;
          victim.process.child.kill('SIGKILL');
          await victim.process.exited;
          // An owner thread running the victim's body goes on once the client is dead.
          ownerGate.markKilled();
        },
        pause: {
          stop() {
            // Should this process die while the victim is stopped, the sentinel ends the run's clients.
            sentinel ??= startSentinel(members.flatMap((m) => (m.process.child.pid === undefined ? [] : [m.process.child.pid])));
            members.find((m) => m.hasVictim)?.process.child.kill('SIGSTOP');
          },
          resume() {
            members.find((m) => m.hasVictim)?.process.child.kill('SIGCONT');
          },
        },
        proceed() {
          const victim = members.find((m) => m.hasVictim);
          // The message waits in the pipe until the process runs again.
          if (victim !== undefined) post(victim, { type: 'resume' });
        },
      },
      cpuMs() {
        const cpu = process.cpuUsage();
        const own = (cpu.user + cpu.system) / 1000 - releasedCpu;
        return own + members.reduce((sum, m) => sum + (m.finished?.cpuMs ?? 0), 0);
      },
      async evidence() {
        const parts = members.map((m) => (m.finished === null ? null : { log: m.finished.log, claimed: m.finished.claimed }));
        // Owner threads of this process stamp here, owner processes in logs of their own (see `owner-process.ts`): most runs have nothing to merge.
        const sources = ownerLog.eventCount === 0 ? [] : [ownerLog.records(layout.slots)];
        for (const owner of runOwners(config)) {
          const bytes = await owner.stamps();
          if (bytes === null) continue;
          const buffer = new SharedArrayBuffer(bytes.byteLength);
          new Uint8Array(buffer).set(bytes);
          const log = new CriticalSectionLog(buffer);
          if (log.eventCount > 0) sources.push(log.records(layout.slots));
        }
        const owned = sources.reduce<CriticalSectionRecord[]>((all, source) => (all.length === 0 ? source : all.map((r, slot) => withOwnerPart(r, source[slot]))), []);
        const records = mergeLogs(parts, layout, owned, claimsSlots(config));
        const logFull = config.timed !== null && members.some((m) => m.finished !== null && m.finished.claimed >= slots);
        return { records, logFull, prints: printsAsNow(new FilePrintLog(config.prints as string)) };
      },
      async close() {
        closing = true;
        sentinel?.stop();
        // Settles the waits on the clients (the start barrier's time-out timer among them), whatever happened.
        failFinished(new Error('the client processes were closed'));
        // Settles the waits on this process's gate, whatever happened.
        if (config.fault !== null) ownerGate.markInside();
        if (config.fault !== null) ownerGate.markAnotherEntered();
        const errors: string[] = [];
        if (reported) {
          // The evidence is read: the clients close their sessions, and their processes end (or, pooled, wait for the next run).
          const held = members.filter((m) => m.finished !== null);
          for (const member of held) post(member, { type: 'close' });
          let closeTimer: NodeJS.Timeout | undefined;
          const done = Promise.all(held.map((m) => (stay ? m.ended : m.process.exited)));
          const slow = await Promise.race([done.then(() => false), new Promise<boolean>((resolve) => (closeTimer = setTimeout(() => resolve(true), SESSION_CLOSE_MS)))]);
          clearTimeout(closeTimer);
          if (slow) errors.push(`the clients' sessions did not close within ${SESSION_CLOSE_MS / 1000} s of the run's end`);
          errors.push(...new Set(held.flatMap((m) => (m.closeError === null ? [] : [`closing a client's session: ${m.closeError}`]))));
        }
        // Back to the pool: a process whose clients closed their sessions cleanly, never a fault's victim (killed, stopped or stuck).
        const kept = plan.pool === null ? [] : members.filter((m) => m.closed && m.closeError === null && !m.hasVictim);
        for (const member of kept) member.detach();
        plan.pool?.give(kept.map((m) => m.process));
        const ending = members.filter((m) => !kept.includes(m));
        for (const { process: p } of ending) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
        const gone = Promise.all(ending.map((m) => m.process.exited));
        let timer: NodeJS.Timeout | undefined;
        const late = await Promise.race([gone.then(() => false), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), EXIT_WAIT_MS)))]);
        clearTimeout(timer);
        for (const member of ending) member.detach();
        return late ? [...errors, `client processes did not exit within ${EXIT_WAIT_MS / 1000} s of SIGKILL`] : errors;
      },
      // Only processes started for this run and ended by it have a program wall: a pooled one neither starts nor ends here.
      programWallMs: () => (plan.pool === null ? lastExit - started : null),
    };
  },
};
