/**
 * `crash-server`: the server a strategy keeps its state and its lock in is killed with SIGKILL
 * mid-run and started again, as Jepsen's first nemesis kills a database node. The harness starts
 * private servers for it (see `private-servers.ts`): a Redis with no persistence, and a PostgreSQL
 * cluster made with `initdb`; a strategy whose server would not start here is skipped with why.
 *
 * When it strikes:
 * - a strategy with a client-side critical section: the victim has read, holds its lock (its
 *   lease, its row lock, its transaction) and waits before its write, and every other client waits
 *   for the lock; the server is killed, restarted, and once it answers the victim goes on with its
 *   write, through whatever its session makes of the dead connection;
 * - a strategy whose critical section runs inside the server (`runsIn: 'server'`): the server is
 *   stopped first (SIGSTOP), every client is let ask, and the server is killed with their requests
 *   unanswered in it, then restarted.
 *
 * What follows is measured, not assumed: a request whose connection died is an outcome nobody
 * knows (see `runners/outcome-unknown.ts`); the final state shows what the server kept.
 */
import type { Strategy } from '../../strategies/strategy.ts';
import { engineOf } from '../engines/availability.ts';
import { plural } from '../reports/columns.ts';
import type { CompletedRun } from '../runners/run.ts';
import { everyClientWaits, STRIKE_WAIT_MS } from './every-client-waits.ts';
import type { Fault, FaultStage, StrikeContext } from './fault.ts';
import { startPrivateServers, type PrivateEngine, type PrivateServer, type PrivateServers } from './private-servers.ts';

/** The stage of a crash-server suite: its private servers. */
export interface CrashServerStage extends FaultStage {
  readonly servers: PrivateServers;
}

/** The server `strategy` keeps its state in, if the harness can start a private one of it (null: none). */
function privateEngineOf(strategy: Strategy): PrivateEngine | null {
  const engine = engineOf(strategy);
  return engine === 'redis' || engine === 'postgres' ? engine : null;
}

/** The private server `strategy` keeps its state in (null: none, or it did not start). */
function serverOf(stage: CrashServerStage, strategy: Strategy): PrivateServer | null {
  const engine = privateEngineOf(strategy);
  const server = engine === null ? null : stage.servers.servers[engine];
  return server === null || typeof server === 'string' ? null : server;
}

function server(context: StrikeContext<CrashServerStage>): PrivateServer {
  const found = serverOf(context.stage, context.strategy);
  if (found === null) throw new Error(`crash-server has no private server for ${context.strategy.name}`);
  return found;
}

export const crashServer: Fault<CrashServerStage> = {
  name: 'crash-server',
  description:
    "the strategy's server (a private redis-server with no persistence, or a private PostgreSQL cluster) is sent SIGKILL while the victim holds its lock before its write and the others wait (a server-side strategy: while every client's request is in it, stopped), then restarted; the victim then writes",
  strikes: 'server',
  heading: '# Faults: the server dies mid-run',
  legend:
    'crash-server: recovery runs from the kill to the next critical section another client entered; outcomes unknown: requests whose connection died or timed out before an answer (Jepsen\'s info: applied or not), counted in the final-state check as possibly applied.',
  designHeader: 'designed recovery from a server crash',
  design(strategy) {
    const engine = privateEngineOf(strategy);
    if (engine === 'redis') return "none: a Redis with no persistence restarts empty, so the lease, the fencing counter and the state itself are gone; the strategy's connections are not reopened";
    if (engine === 'postgres') return "PostgreSQL rolls back the transactions in flight and replays its write-ahead log, so what committed stays; the strategy's connections are not reopened";
    return strategy.onHolderCrash;
  },
  victimHolds: 'before-write',
  victimFinishes: true,
  needs: [],
  fencingBothWays: false,
  notApplicable(strategy) {
    const engine = engineOf(strategy);
    if (engine === null) return `not applicable to crash-server: it keeps its state and its lock in no server (${strategy.stateLocation})`;
    return privateEngineOf(strategy) === null ? `not applicable to crash-server: the harness starts no private ${engine} server (only redis-server and PostgreSQL)` : null;
  },
  async prepare() {
    const servers = await startPrivateServers();
    const reasons = Object.values(servers.servers).filter((s): s is string => typeof s === 'string');
    if (reasons.length === Object.keys(servers.servers).length) {
      await servers.close();
      return `no private server could be started: ${reasons.join('; ')}`;
    }
    const url = (s: PrivateServer | string) => (typeof s === 'string' ? undefined : s.url);
    const redis = url(servers.servers.redis);
    const postgres = url(servers.servers.postgres);
    return {
      servers,
      services: { ...(redis === undefined ? {} : { redis }), ...(postgres === undefined ? {} : { postgres }) },
      skipped(strategy) {
        const engine = privateEngineOf(strategy);
        const why = engine === null ? null : servers.servers[engine];
        return typeof why === 'string' ? `skipped: the private ${engine} server for crash-server did not start (${why})` : null;
      },
      close: () => servers.close(),
    };
  },
  async when(context) {
    if (context.strategy.runsIn !== 'server') return everyClientWaits(context);
    // No client holds anything: the requests themselves are what the crash cuts off.
    server(context).freeze();
    context.letOthersAsk();
    const deadline = Date.now() + STRIKE_WAIT_MS;
    while (context.requests() < context.clients && Date.now() < deadline) await context.sleep(5);
    await context.sleep(20);
  },
  async strike(context) {
    const at = context.now();
    await server(context).kill();
    return at;
  },
  async heal(context) {
    await server(context).restart();
    context.victim.proceed();
  },
  userSees(run: CompletedRun, tickets: number) {
    const figures = run.check.figures;
    if (figures.workload !== 'ticket-rush') return 'every client finished';
    const unknown = figures.unknown ?? 0;
    const parts = [`every client finished; ${plural(unknown, 'outcome')} unknown`];
    if (figures.finalCount === null) parts.push('the state was gone after the restart');
    else {
      const applied = tickets - figures.finalCount;
      parts.push(`${plural(figures.sold, 'sale')} acknowledged, ${applied} in the final state`);
    }
    if (run.fault?.staleWrites === 1) parts.push("the victim's write after the restart was accepted over a newer holder's");
    return parts.join('; ');
  },
};
