import type { CriticalSectionRecord } from './event-log.ts';
import { jainIndex } from './fairness.ts';

/**
 * Fewer acquisitions than this per client (per thread: per client of the thread) on average in
 * the window, and no Jain's index is given: with one or two turns each, a perfectly first-come,
 * first-served lock would look unfair by the luck of who was served just before the window closed.
 */
export const MIN_MEAN_ACQUISITIONS_FOR_JAIN = 10;

/**
 * What a timed run did inside its measurement window, from the event log. Times in ms on the
 * run's clock. Warm-up requests (before `fromMs`) and the drain after the stop signal are not
 * counted; they are still checked for correctness with the rest of the log.
 */
export interface WindowFigures {
  readonly fromMs: number;
  readonly toMs: number;
  /** Critical sections that exited inside the window. */
  readonly commits: number;
  /** commits / window length, ops/s. */
  readonly throughput: number;
  /** enter − request of the committed sections that waited during the window (requested by its end, entered after its start). */
  readonly waitsMs: readonly number[];
  /** Critical sections acquired inside the window by each client (index: client number). */
  readonly perClient: readonly number[];
  /** The same, summed over the clients of each pool thread. */
  readonly perThread: readonly number[];
  /**
   * Jain's index of `perClient`, and of `perThread` divided by each thread's client count (so an
   * uneven split of clients over threads is not counted as unfairness); null when nothing was
   * acquired or there were too few acquisitions (see {@link MIN_MEAN_ACQUISITIONS_FOR_JAIN}).
   */
  readonly jainClients: number | null;
  readonly jainThreads: number | null;
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

function jainIfEnough(xs: readonly number[]): number | null {
  return mean(xs) >= MIN_MEAN_ACQUISITIONS_FOR_JAIN ? jainIndex(xs) : null;
}

/**
 * Measures the window (`fromMs`, `toMs`] of a timed run. `threadOf[c]` is the pool thread that ran
 * client c. `inServer`: the critical sections ran inside a server (see `Strategy.runsIn`), so a
 * section commits when its client is answered, and its wait is its whole round (complete − request).
 */
export function measureWindow(records: readonly CriticalSectionRecord[], fromMs: number, toMs: number, threadOf: readonly number[], inServer = false): WindowFigures {
  if (inServer) {
    // No stamps inside: the answer stands for the exit, and the request for the enter.
    const answered = records
      .filter((r) => Number.isFinite(r.complete) && (r.outcome === 0 || r.outcome === 1))
      .map((r) => ({ ...r, attempts: 1, aborts: 0, enter: r.complete, exit: r.complete }));
    const rounds = measureWindow(answered, fromMs, toMs, threadOf);
    return { ...rounds, waitsMs: answered.filter((r) => r.request <= toMs && r.complete >= fromMs).map((r) => r.complete - r.request) };
  }
  const committed = records.filter((r) => r.attempts - r.aborts > 0 && Number.isFinite(r.exit));
  const inside = committed.filter((r) => r.exit > fromMs && r.exit <= toMs);
  const perClient = new Array<number>(threadOf.length).fill(0);
  for (const r of inside) perClient[r.client] = (perClient[r.client] ?? 0) + 1;
  const threads = [...new Set(threadOf)];
  const clientsOf = threads.map((t) => threadOf.filter((x) => x === t).length);
  const perThread = threads.map((t) => perClient.reduce((sum, n, client) => sum + (threadOf[client] === t ? n : 0), 0));
  return {
    fromMs,
    toMs,
    commits: inside.length,
    throughput: inside.length / ((toMs - fromMs) / 1000),
    waitsMs: committed.filter((r) => r.request <= toMs && r.enter >= fromMs).map((r) => r.enter - r.request),
    perClient,
    perThread,
    jainClients: jainIfEnough(perClient),
    jainThreads: jainIfEnough(perThread.map((n, i) => n / (clientsOf[i] ?? 1))),
  };
}
