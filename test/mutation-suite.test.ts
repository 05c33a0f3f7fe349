/**
 * The mutation suite of strategies: deliberately broken strategy modules, each registered only
 * for this test (loaded from test/fixtures/broken by file URL), each run on the workload it can
 * break in every runner it reaches. Each must be judged not correct, and by the named check it was
 * written to meet: a check that stops catching its strategy, or a broken strategy that earns
 * "correct", fails here.
 */
import { describe, expect, it } from 'vitest';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import type { RunnerName } from '../bench/runners/runner.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import type { WorkloadName } from '../bench/workloads/registry.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { brokenModule } from './fixtures/broken/support.ts';
import { brokersUp, serversUp } from './fixtures/services.ts';

interface Mutant {
  readonly name: string;
  readonly workload: WorkloadName;
  /** The check that must catch it: a pattern of the run's reasons (or its failure). */
  readonly caughtBy: RegExp;
  readonly runners: readonly RunnerName[];
  readonly settings?: Partial<RunSettings>;
  /** It keeps its state in a server: skipped where the servers do not answer (see `fixtures/services.ts`). */
  readonly needsServers?: boolean;
  /** RabbitMQ and NATS must answer (skipped where they do not, as `needsServers`). */
  readonly needsBrokers?: boolean;
}

/**
 * Answers given before the body: an answer with no finished critical section behind it (the body
 * had not ended, had not begun, or never ran) is an early answer, whenever the body runs.
 */
const EARLY = (n: number | string) => new RegExp(`(^|\\n)${n} clients answered before their critical section ended($|\\n)`);

const both: readonly RunnerName[] = ['threads', 'processes'];

const mutants: readonly Mutant[] = [
  { name: 'sold-out-snapshot', workload: 'ticket-rush', caughtBy: /turned away while \d+ tickets remained/, runners: both, settings: { tickets: 5 } },
  { name: 'sold-out-every-7th', workload: 'ticket-rush', caughtBy: /turned away while \d+ tickets remained/, runners: both, settings: { clients: 15, tickets: 20 } },
  { name: 'swaps-answers', workload: 'ticket-rush', caughtBy: /clients told something other than what their critical section returned/, runners: both, settings: { tickets: 3 } },
  { name: 'no-latency', workload: 'ticket-rush', caughtBy: /critical sections shorter than the simulated latency/, runners: both, settings: { tickets: 3 } },
  { name: 'answers-early', workload: 'ticket-rush', caughtBy: /answered before their critical section ended/, runners: both },
  { name: 'answers-then-runs', workload: 'ticket-rush', caughtBy: EARLY(10), runners: both, settings: { tickets: 10 } },
  { name: 'tells-victim-first', workload: 'ticket-rush', caughtBy: EARLY(1), runners: both, settings: { tickets: 10 } },
  { name: 'dodges-as-connection-loss', workload: 'ticket-rush', caughtBy: /ECONNRESET/, runners: both },
  { name: 'answers-bought-never-runs', workload: 'ticket-rush', caughtBy: EARLY(10), runners: both, settings: { tickets: 10 } },
  { name: 'writes-after-release', workload: 'ticket-rush', caughtBy: /lost updates|not linearizable/, runners: both, settings: { tickets: 8 } },
  { name: 'stale-cache', workload: 'ticket-rush', caughtBy: /oversold|lost updates/, runners: ['threads'], settings: { tickets: 3 } },
  { name: 'fake-lock', workload: 'ordered-print', caughtBy: /mutual-exclusion violations/, runners: both, settings: { clients: 4 } },
  { name: 'runs-body-twice', workload: 'ordered-print', caughtBy: /committed more than once/, runners: both, settings: { clients: 3 } },
  { name: 'commits-in-another-slot', workload: 'ticket-rush', caughtBy: /committed more than once/, runners: both, settings: { clients: 4, tickets: 10 } },
  { name: 'drops-a-client', workload: 'ticket-rush', caughtBy: /^no progress for 1 s/, runners: both, settings: { limits: { noProgressMs: 1_000 } } },
  { name: 'fixes-db-in-teardown', workload: 'ticket-rush', caughtBy: /lost updates/, runners: both, settings: { tickets: 8 } },
  { name: 'repairs-in-close', workload: 'ticket-rush', caughtBy: /lost updates/, runners: both, settings: { tickets: 20 } },
  { name: 'leaks-lock', workload: 'ticket-rush', caughtBy: /^no progress for 1 s/, runners: ['processes'], settings: { limits: { noProgressMs: 1_000 } } },
  { name: 'throws-in-connect', workload: 'ticket-rush', caughtBy: /connect throws/, runners: ['threads'] },
  { name: 'concurrent-owner', workload: 'ordered-print', caughtBy: /mutual-exclusion violations/, runners: ['processes'], settings: { clients: 4 } },
  { name: 'server-get-then-set', workload: 'ticket-rush', caughtBy: /oversold|lost updates|not linearizable/, runners: both, needsServers: true },
  { name: 'short-lease', workload: 'ticket-rush', caughtBy: /mutual-exclusion violations/, runners: both, settings: { tickets: 5 }, needsServers: true },
  { name: 'autocommit-lock', workload: 'ticket-rush', caughtBy: /mutual-exclusion violations/, runners: both, settings: { tickets: 5 }, needsServers: true },
  { name: 'lease-claims-server', workload: 'ticket-rush', caughtBy: /^claims its critical section runs inside the server, but its 10 operations took \d+ round trips to the server/m, runners: both, settings: { tickets: 5 }, needsServers: true },
  { name: 'claims-server-fake-lock', workload: 'ordered-print', caughtBy: /claims its critical section runs inside the server, but \d+ bodies ran in the client/, runners: both, settings: { clients: 4 } },
  { name: 'serves-last-first', workload: 'ticket-rush', caughtBy: /\d+ FIFO inversions: a client entered before one that asked earlier on its thread or process/, runners: both, settings: { clients: 12, tickets: 12, threads: 1, processes: 1 } },
  { name: 'owner-serves-last-first', workload: 'ticket-rush', caughtBy: /\d+ FIFO inversions: a client entered before one that asked earlier on its thread or process/, runners: both, settings: { clients: 24, tickets: 24, threads: 2, processes: 2 } },
  { name: 'acks-before-storing', workload: 'ticket-rush', caughtBy: /mutual-exclusion violations|lost updates|oversold/, runners: both, settings: { tickets: 5 }, needsBrokers: true },
  { name: 'cas-ignores-revision', workload: 'ticket-rush', caughtBy: /oversold|lost updates|not linearizable/, runners: both, needsBrokers: true },
  { name: 'livelock', workload: 'ticket-rush', caughtBy: /^no progress for 1 s/, runners: ['threads'], settings: { limits: { noProgressMs: 1_000 } } },
];

/**
 * Client processes of a processes run: two, as a run has two threads. The runner's default is one
 * per client, and each costs a Node start with the TypeScript loader (about 0.75 s of CPU): ten per
 * run made these runs most of this file's time. Two processes still put clients in different
 * processes, so every check that merges the processes' logs is tried.
 */
const CLIENT_PROCESSES = 2;

const cases = mutants.flatMap((m) => m.runners.map((runner) => [m.name, runner, m] as const));

describe.each(cases)('broken strategy %s (%s runner)', (name, runner, mutant) => {
  it.skipIf((mutant.needsServers === true && !serversUp) || (mutant.needsBrokers === true && !brokersUp))(`is judged not correct, by ${String(mutant.caughtBy)}`, async () => {
    const result = await runOnce({
      workload: mutant.workload,
      strategy: name as StrategyName,
      strategyModule: brokenModule(name),
      runner,
      clients: 10,
      threads: 2,
      processes: CLIENT_PROCESSES,
      tickets: 1,
      latency: latencyProfiles.quick,
      seed: 1,
      staggerMs: 0,
      fault: null,
      ...mutant.settings,
    });
    const reasons = result.status === 'failed' ? [result.error] : result.problems;
    expect(reasons.length, `${name} was judged correct`).toBeGreaterThan(0);
    expect(reasons.join('\n')).toMatch(mutant.caughtBy);
  });
});

/**
 * The same lies under crash-in-cs: the victim is told "bought", then killed inside the body that
 * would have bought. Its slot is not judged as a critical section, but its answer still is. Under
 * processes the victim's process sends its log once its one client was answered, which races with
 * its kill inside the body that follows: its answer is in the evidence or not (5 or 6 early answers).
 */
const crashed: readonly (readonly [string, RunnerName, RegExp])[] = [
  ['answers-then-runs', 'threads', EARLY(6)],
  ['answers-then-runs', 'processes', EARLY('[56]')],
  ['tells-victim-first', 'threads', /1 clients answered before their critical section ended[^]*1 clients told "bought" with no ticket gone from the store for them/],
];

describe.each(crashed)('broken strategy %s under crash-in-cs (%s runner)', (name, runner, caughtBy) => {
  it(`is judged not correct, by ${String(caughtBy)}`, async () => {
    const result = await runOnce({
      workload: 'ticket-rush',
      strategy: name as StrategyName,
      strategyModule: brokenModule(name),
      runner,
      clients: 6,
      threads: 2,
      processes: CLIENT_PROCESSES,
      tickets: 6,
      latency: latencyProfiles.quick,
      seed: 1,
      staggerMs: 0,
      fault: 'crash-in-cs',
    });
    expect(result.status === 'failed' ? result.error : result.problems.join('\n')).toMatch(caughtBy);
  });
});
