import type { CriticalSectionRecord } from './event-log.ts';
import { jainIndex } from './fairness.ts';

/**
 * What a timed run did inside its measurement window, from the event log. Times in ms on the
 * run's clock. Warm-up requests (before `fromMs`) and the drain after the stop signal are not
 * counted; they are still checked for correctness with the rest of the log.
 */
export interface WindowFigures {
  readonly fromMs: number;
  readonly toMs: number;
  /** The log filled up before the stop signal, so the window ends at the last request logged. */
  readonly logFull: boolean;
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
  /** Jain's index of `perClient` and of `perThread` (null when nothing was acquired). */
  readonly jainClients: number | null;
  readonly jainThreads: number | null;
}

/**
 * Measures the window [`fromMs`, `toMs`] of a timed run. `threadOf[c]` is the pool thread that ran
 * client c. When `logFull`, the window is cut at the latest request in the log: after it clients
 * could not ask again.
 */
export function measureWindow(
  records: readonly CriticalSectionRecord[],
  fromMs: number,
  toMs: number,
  threadOf: readonly number[],
  logFull: boolean,
): WindowFigures {
  const lastRequest = records.reduce((latest, r) => Math.max(latest, r.request), -Infinity);
  const to = logFull ? Math.min(toMs, lastRequest) : toMs;
  const committed = records.filter((r) => r.attempts - r.aborts > 0 && Number.isFinite(r.exit));
  const inside = committed.filter((r) => r.exit > fromMs && r.exit <= to);
  const perClient = new Array<number>(threadOf.length).fill(0);
  for (const r of inside) perClient[r.client] = (perClient[r.client] ?? 0) + 1;
  const threads = [...new Set(threadOf)];
  const perThread = threads.map((t) => perClient.reduce((sum, n, client) => sum + (threadOf[client] === t ? n : 0), 0));
  return {
    fromMs,
    toMs: to,
    logFull,
    commits: inside.length,
    throughput: to > fromMs ? inside.length / ((to - fromMs) / 1000) : 0,
    waitsMs: committed.filter((r) => r.request <= to && r.enter >= fromMs).map((r) => r.enter - r.request),
    perClient,
    perThread,
    jainClients: jainIndex(perClient),
    jainThreads: jainIndex(perThread),
  };
}
