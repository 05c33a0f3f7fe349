/**
 * `partition`: the network between the victim and its server goes silent while the victim holds
 * its lock, as Jepsen's partition nemesis cuts a node off. A killed process's socket is closed by
 * its kernel, so a server notices at once; a lost machine or a partition gives no such signal, and
 * the server keeps the silent holder's lock until one of its own timers gives up on it.
 *
 * How: the fault's stage puts a loopback proxy (`network/delay-proxy.ts`, no delay) in front of
 * the Redis and the PostgreSQL server; only the victim goes through it (see
 * `network/victim-route.ts`), the other clients reach the servers directly. Once the victim has
 * read, holds its lock and waits before its write, and every other client waits for the lock,
 * every open connection of the proxy is partitioned in `hold` mode: no FIN, no RST, every byte
 * either way kept. It is healed as soon as another client has entered its critical section (the
 * server gave the lock away), or after {@link PARTITION_LIMIT_MS}; the victim is let go with its
 * write just before, so the write travels into the silence and reaches the server at the heal,
 * after what the server sent meanwhile (an error, a close), in the order it all came: TCP
 * retransmission after an outage shorter than its give-up time (about 15 min on Linux).
 *
 * The harness's settings: the run's PostgreSQL sessions (every client's) are opened with
 * `idle_in_transaction_session_timeout` = {@link IDLE_IN_TRANSACTION_MS} ms (a session setting
 * passed in the connection's `options`; the server is not reconfigured). The server's TCP
 * keepalive and `tcp_user_timeout` are left as the server has them and cannot see this partition:
 * the proxy's own kernel socket acknowledges every probe and every segment, as a middlebox that
 * keeps the connection open would. A Redis lease lasts its strategy's TTL (see
 * `strategies/support/engine-share.ts`); the harness sets nothing in Redis.
 *
 * What follows is measured, not assumed: the recovery (the partition → the next critical section
 * another client entered) is how long the server kept the silent holder's lock; the stale-write
 * figure (see `verdicts/judge.ts`) says whether the holder's write after the heal landed over a
 * newer holder's; a victim whose connection the server ended meanwhile has its request recorded
 * as an outcome nobody knows (see `runners/outcome-unknown.ts`).
 *
 * Errors: `prepare` returns why when a proxy cannot listen (the rows are skipped with it); `strike`
 * fails the run when the victim has no connection through the proxy (a strategy that does not
 * take its server's URL from its share), rather than silencing nobody. `close` heals and destroys
 * every connection the proxies hold, also when a run ended mid-partition (Ctrl-C, a deadline).
 */
import type { Strategy } from '../../strategies/strategy.ts';
import { engineOf } from '../engines/availability.ts';
import { proxyFor } from '../engines/delayed-services.ts';
import { serviceUrls, type ServiceUrls } from '../engines/services.ts';
import type { DelayProxy, Partition, PartitionMode } from '../network/delay-proxy.ts';
import { plural } from '../reports/columns.ts';
import type { CompletedRun } from '../runners/run.ts';
import { everyClientWaits } from './every-client-waits.ts';
import type { Fault, FaultStage, StrikeContext } from './fault.ts';

/** The longest a partition lasts when no other client enters meanwhile, ms. */
export const PARTITION_LIMIT_MS = 4_000;

/** Under `partition-drop`, the longest any client's request waits for its answer (a client-side time-out), ms. */
export const DROP_REQUEST_TIMEOUT_MS = 8_000;

/** `idle_in_transaction_session_timeout` of the run's PostgreSQL sessions, ms. */
export const IDLE_IN_TRANSACTION_MS = 2_000;

/** The engines whose servers the partition's proxy stands in front of. */
type ProxiedEngine = 'redis' | 'postgres';

/** The stage of a partition suite: a proxy per server, and the partitions in force. */
export interface PartitionStage extends FaultStage {
  readonly proxies: Readonly<Record<ProxiedEngine, DelayProxy>>;
  /** The partitions of the run under way, healed by `heal` (or `close`). */
  readonly partitions: Partition[];
}

/** `url` (a PostgreSQL URL) with the harness's session settings for partition runs in its `options`. */
export function withPartitionSettings(url: string): string {
  const parsed = new URL(url);
  const given = parsed.searchParams.get('options');
  const ours = `-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_MS}`;
  parsed.searchParams.set('options', given === null || given === '' ? ours : `${given} ${ours}`);
  return parsed.toString();
}

/**
 * What recovers when a holder goes silent, by where the strategy keeps its lock: what its server
 * does about a session it hears nothing from (nothing is closed, so nothing is noticed at once).
 */
export function partitionDesign(strategy: Strategy): string {
  const engine = engineOf(strategy);
  const locks = strategy.guarantee === 'mutual exclusion';
  if (engine === 'postgres') {
    return locks
      ? `PostgreSQL keeps the silent holder's lock until idle_in_transaction_session_timeout (${IDLE_IN_TRANSACTION_MS} ms, set by the harness) ends its session; TCP keepalive and tcp_user_timeout do not fire while a middlebox acknowledges the segments`
      : `no lock is held between statements: the silent client's open transaction is ended by idle_in_transaction_session_timeout (${IDLE_IN_TRANSACTION_MS} ms); a conflicting commit meanwhile makes its own commit fail`;
  }
  if (engine === 'redis') {
    return locks
      ? "the silent holder's lease runs out after its TTL (1 s plus twice the longest critical section) and the next waiter takes it; nothing tells the holder, so only fencing can refuse its late write"
      : 'nothing is held: another client may commit meanwhile, and the silent client\'s EXEC fails once its WATCHed key changed';
  }
  return 'not applicable';
}

function healAll(stage: PartitionStage): void {
  for (const partition of stage.partitions.splice(0)) partition.heal();
}

/** What each mode's table says, by mode. */
const wording: Record<PartitionMode, { name: string; bytes: string; heading: string; after: string; legendTail: string }> = {
  hold: {
    name: 'partition',
    bytes: 'bytes held',
    heading: '# Faults: the network to a lock holder goes silent',
    after: "the victim's write, sent into the partition, reaches the server at the heal",
    legendTail: 'and healed once another client enters its critical section or',
  },
  drop: {
    name: 'partition-drop',
    bytes: 'every byte either way discarded',
    heading: '# Faults: the network to a lock holder drops every byte',
    after: `the victim's write is lost in it and its connection never hears back: its request times out after ${DROP_REQUEST_TIMEOUT_MS / 1000} s (the harness's client-side time-out, its outcome unknown), then its connections are reset, as its kernel would give up on them`,
    legendTail: 'until another client enters its critical section or',
  },
};

/** The partition fault whose silence holds (`hold`) or discards (`drop`) the victim's bytes (see `network/delay-proxy.ts`). */
function partitionFault(mode: PartitionMode): Fault<PartitionStage> {
  const words = wording[mode];
  return {
  name: words.name,
  description:
    `the victim's connections to its server go silent (no FIN, no RST, ${words.bytes}) while it holds its lock before its write and the others wait, until another client has entered or ${PARTITION_LIMIT_MS / 1000} s passed; ${words.after}`,
  strikes: 'network',
  heading: words.heading,
  ...(mode === 'drop' ? { requestTimeoutMs: DROP_REQUEST_TIMEOUT_MS } : {}),
  legend:
    `${words.name}: the victim's connections through the harness's proxy are silenced after its read, before its write (${words.bytes}, nothing closed), ${words.legendTail} ${PARTITION_LIMIT_MS / 1000} s pass${mode === 'drop' ? `; every client's request waits at most ${DROP_REQUEST_TIMEOUT_MS / 1000} s` : ''}; recovery runs from the partition to the next critical section another client entered: how long the server kept the silent holder's lock (${PARTITION_LIMIT_MS / 1000} s or more: kept through the whole partition). ` +
    `Settings: every PostgreSQL session with idle_in_transaction_session_timeout = ${IDLE_IN_TRANSACTION_MS} ms (the server's TCP keepalive and tcp_user_timeout as configured; they cannot see this partition, whose proxy acknowledges every segment); a Redis lease with its strategy's TTL. ` +
    "stale writes accepted: runs in which the victim's write after the heal was accepted although another client had entered and committed inside its critical section. " +
    'outcomes unknown: requests whose connection was ended or timed out before an answer (Jepsen\'s info), counted in the final-state check as possibly applied. ' +
    "fencing: each write carries the grant's fencing token and the store refuses any but the latest granted.",
  designHeader: 'designed recovery from a partition',
  design: partitionDesign,
  victimHolds: 'before-write',
  victimFinishes: true,
  needs: [],
  fencingBothWays: true,
  notApplicable(strategy: Strategy) {
    const engine = engineOf(strategy);
    if (engine !== 'redis' && engine !== 'postgres') {
      return `not applicable to partition: the harness's proxy stands only in front of Redis and PostgreSQL, and this strategy keeps its state ${engine === null ? `in no server (${strategy.stateLocation})` : `in ${engine}`}`;
    }
    if (strategy.runsIn === 'server') return 'not applicable to partition: the critical section runs inside the server, so no client holds a lock across the partition';
    return null;
  },
  async prepare(_signal?: AbortSignal, given?: ServiceUrls) {
    const services = given ?? serviceUrls();
    const started: DelayProxy[] = [];
    try {
      const redis = await proxyFor('redis', services.redis, 0);
      started.push(redis.proxy);
      const postgres = await proxyFor('postgres', services.postgres, 0);
      started.push(postgres.proxy);
      const stage: PartitionStage = {
        proxies: { redis: redis.proxy, postgres: postgres.proxy },
        partitions: [],
        services: { postgres: withPartitionSettings(services.postgres) },
        victimEndpoints: { redis: { host: redis.proxy.host, port: redis.proxy.port }, postgres: { host: postgres.proxy.host, port: postgres.proxy.port } },
        async close() {
          healAll(stage);
          await Promise.all(started.map((proxy) => proxy.close().catch(() => undefined)));
        },
      };
      return stage;
    } catch (error) {
      await Promise.all(started.map((proxy) => proxy.close().catch(() => undefined)));
      return `the partition's proxy could not start: ${error instanceof Error ? error.message : String(error)}`;
    }
  },
  when: everyClientWaits,
  strike(context: StrikeContext<PartitionStage>) {
    const at = context.now();
    const { stage } = context;
    for (const proxy of Object.values(stage.proxies)) {
      for (const index of proxy.open()) stage.partitions.push(proxy.partition(index, mode));
    }
    if (stage.partitions.length === 0) {
      return Promise.reject(new Error(`partition: the victim has no connection through the partition's proxy (${context.strategy.name} does not take its server's URL from its share), so there is nothing to silence`));
    }
    return Promise.resolve(at);
  },
  async heal(context) {
    const struck = context.now();
    await Promise.race([context.anotherEntered(), context.sleep(PARTITION_LIMIT_MS)]);
    // Let go first: its write goes into the silence (held: it arrives at the heal, behind what the server sent meanwhile; dropped: lost).
    context.victim.proceed();
    if (mode === 'hold') {
      await context.sleep(50);
      healAll(context.stage);
      return;
    }
    // Dropped: nothing comes back; once the victim's request has timed out, its connections are reset.
    await context.sleep(Math.max(50, struck + DROP_REQUEST_TIMEOUT_MS + 500 - context.now()));
    for (const cut of context.stage.partitions.splice(0)) cut.reset();
  },
  userSees(run: CompletedRun, tickets: number) {
    const fault = run.fault;
    const figures = run.check.figures;
    const kept = fault?.recoveryMs == null || fault.recoveryMs >= PARTITION_LIMIT_MS;
    const parts = [kept ? "the server kept the silent holder's lock through the partition" : 'another client entered during the partition'];
    if (fault?.staleWrites === 1) parts.push("the victim's write after the heal was accepted over a newer holder's (a lost update)");
    else if (fault?.victimRetried === true) parts.push("the victim's write after the heal was refused, and it tried again");
    else if (fault?.victimRefused === true) parts.push("the victim's write after the heal was refused");
    if (figures.workload !== 'ticket-rush') return parts.join('; ');
    const unknown = figures.unknown ?? 0;
    if (unknown > 0) {
      // Read from the final state: sales beyond those the others were told of are the victim's.
      const applied = figures.finalCount === null ? null : tickets - figures.finalCount - figures.sold;
      const landed = applied === null ? 'the final state does not parse' : applied > 0 ? 'the final state shows its write' : 'the final state shows only the sales the others were told of';
      const ended = mode === 'hold' ? 'ended with its connection' : `timed out after ${DROP_REQUEST_TIMEOUT_MS / 1000} s`;
      parts.push(`the victim's request ${ended} (${plural(unknown, 'outcome')} unknown); ${landed}`);
    }
    return parts.join('; ');
  },
};
}

export const partition = partitionFault('hold');
export const partitionDrop = partitionFault('drop');
