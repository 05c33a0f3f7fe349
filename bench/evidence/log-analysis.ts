import type { CriticalSectionRecord } from './event-log.ts';

/** What the event log shows about a run's critical sections. Times in ms. */
export interface LogAnalysis {
  /** Critical sections that entered before an earlier-entered one had exited: mutual-exclusion violations. */
  readonly violations: number;
  /** The first few violations, as "slot a [enter, exit] overlaps slot b [enter, exit]". */
  readonly violationExamples: readonly string[];
  /** Critical sections whose body never committed. */
  readonly missing: number;
  /** Critical sections whose body committed more than once. */
  readonly repeated: number;
  /** Attempts that aborted on a conflict (optimistic strategies), over all critical sections. */
  readonly aborts: number;
  /** The most aborted attempts (so retries) of any one critical section. */
  readonly maxRetries: number;
  /** enter − request for each critical section that ran: the time its client waited. */
  readonly waitsMs: readonly number[];
  /** exit − enter for each critical section that ran: the lock holder's hold time. */
  readonly holdsMs: readonly number[];
  /** hold − the simulated latency it was meant to take, for each critical section that ran. */
  readonly holdOvershootsMs: readonly number[];
  /**
   * For each handoff (a critical section exits while the next one's client has already asked):
   * next.enter − exit. The serialisation cost each handoff adds.
   */
  readonly handoffGapsMs: readonly number[];
  /**
   * Pairs of critical sections where one client asked more than {@link ORDER_TOLERANCE_MS}
   * before another yet entered after it: departures from first-come, first-served.
   */
  readonly inversions: number;
}

/** Requests closer together than this are not ordered by the inversion count, ms. */
export const ORDER_TOLERANCE_MS = 1;

const EXAMPLES = 3;

function describe(r: CriticalSectionRecord): string {
  return `slot ${r.slot} [${r.enter.toFixed(3)}, ${r.exit.toFixed(3)}] ms`;
}

/**
 * Replays the log in enter order. A section that enters before the latest exit so far overlaps
 * a section still inside: a violation. Gaps are taken only between sections that do not overlap.
 */
export function analyseLog(records: readonly CriticalSectionRecord[]): LogAnalysis {
  const committed = (r: CriticalSectionRecord) => r.attempts - r.aborts;
  const ran = records.filter((r) => committed(r) > 0 && Number.isFinite(r.enter) && Number.isFinite(r.exit));
  const ordered = [...ran].sort((a, b) => a.enter - b.enter);
  let violations = 0;
  const violationExamples: string[] = [];
  const handoffGapsMs: number[] = [];
  let holder: CriticalSectionRecord | undefined;
  for (const record of ordered) {
    if (holder !== undefined && record.enter < holder.exit) {
      violations++;
      if (violationExamples.length < EXAMPLES) violationExamples.push(`${describe(record)} overlaps ${describe(holder)}`);
    } else if (holder !== undefined && record.request <= holder.exit) {
      handoffGapsMs.push(record.enter - holder.exit);
    }
    if (holder === undefined || record.exit > holder.exit) holder = record;
  }
  return {
    violations,
    violationExamples,
    missing: records.filter((r) => committed(r) === 0).length,
    repeated: records.filter((r) => committed(r) > 1).length,
    aborts: records.reduce((sum, r) => sum + r.aborts, 0),
    maxRetries: records.reduce((most, r) => Math.max(most, r.aborts), 0),
    waitsMs: ran.map((r) => r.enter - r.request),
    holdsMs: ran.map((r) => r.exit - r.enter),
    holdOvershootsMs: ran.filter((r) => Number.isFinite(r.nominal)).map((r) => r.exit - r.enter - r.nominal),
    handoffGapsMs,
    inversions: countInversions(ran, ORDER_TOLERANCE_MS),
  };
}

/** The departures from arrival order a verdict holds a strategy to; see {@link arrivalInversions}. */
export interface ArrivalInversions {
  /** Pairs of one thread's (or process's) committed critical sections entered in the other order than asked. */
  readonly count: number;
  /** The first few, as "client b asked x ms after client a on its thread and entered y ms before it". */
  readonly examples: readonly string[];
}

/**
 * Departures from arrival order as a verdict judges them: pairs (a, b) of committed critical
 * sections whose requests were made on the same client thread (or process), a's request stamped
 * strictly before b's, where b entered first. A thread's request stamps are in its program order,
 * and each is taken just before its client calls `session.run`; so a strategy that takes a
 * thread's requests in the order its clients called it (through one ordered channel per thread,
 * see `strategies/support/shared-channel.ts`) never shows one, at any load. Requests of different
 * threads are not ordered here: they reach a strategy on different channels, whose relative
 * delivery no stamp of the clients can order (they are in the {@link LogAnalysis.inversions} count).
 * `threadOf` maps a client to its thread or process (undefined: unknown, left out). O(n log n).
 */
export function arrivalInversions(records: readonly CriticalSectionRecord[], threadOf: (client: number) => number | undefined): ArrivalInversions {
  const byThread = new Map<number, CriticalSectionRecord[]>();
  for (const r of records) {
    const thread = threadOf(r.client);
    if (thread === undefined || r.attempts - r.aborts <= 0 || !Number.isFinite(r.enter) || !Number.isFinite(r.request)) continue;
    const group = byThread.get(thread) ?? [];
    group.push(r);
    byThread.set(thread, group);
  }
  let count = 0;
  const examples: string[] = [];
  for (const group of byThread.values()) {
    count += countInversions(group, 0);
    if (examples.length >= EXAMPLES) continue;
    // Examples: a section entered before the latest-entered of those its thread asked for earlier.
    const byRequest = [...group].sort((a, b) => a.request - b.request);
    let latest: CriticalSectionRecord | undefined;
    for (let i = 0; i < byRequest.length; ) {
      let end = i + 1;
      while (end < byRequest.length && byRequest[end]?.request === byRequest[i]?.request) end++;
      const tied = byRequest.slice(i, end);
      for (const r of tied) {
        if (latest !== undefined && r.enter < latest.enter && examples.length < EXAMPLES) {
          examples.push(`client ${r.client} asked ${(r.request - latest.request).toFixed(3)} ms after client ${latest.client} on its thread and entered ${(latest.enter - r.enter).toFixed(3)} ms before it`);
        }
      }
      for (const r of tied) if (latest === undefined || r.enter > latest.enter) latest = r;
      i += tied.length;
    }
  }
  return { count, examples };
}

/**
 * Counts pairs (a, b) with b.request − a.request > `toleranceMs` and b.enter < a.enter, in
 * O(n log n): requests are visited in order, and a Fenwick tree over enter ranks holds the
 * sections requested more than the tolerance earlier; each query counts those that entered later.
 */
function countInversions(records: readonly CriticalSectionRecord[], toleranceMs: number): number {
  const byRequest = [...records].sort((a, b) => a.request - b.request);
  // Rank by enter; equal enters share the highest rank of their group, so a query up to a rank
  // counts every section that entered no later.
  const byEnter = [...records].sort((a, b) => a.enter - b.enter);
  const enterRank = new Map<CriticalSectionRecord, number>();
  for (let i = byEnter.length - 1; i >= 0; i--) {
    const r = byEnter[i];
    const next = byEnter[i + 1];
    if (r !== undefined) enterRank.set(r, next !== undefined && next.enter === r.enter ? (enterRank.get(next) ?? i + 1) : i + 1);
  }
  const tree = new Array<number>(records.length + 1).fill(0);
  const add = (rank: number) => {
    for (let i = rank; i < tree.length; i += i & -i) tree[i] = (tree[i] ?? 0) + 1;
  };
  const countUpTo = (rank: number) => {
    let n = 0;
    for (let i = rank; i > 0; i -= i & -i) n += tree[i] ?? 0;
    return n;
  };
  let inversions = 0;
  let added = 0;
  for (const later of byRequest) {
    for (let next = byRequest[added]; next !== undefined && later.request - next.request > toleranceMs; next = byRequest[added]) {
      add(enterRank.get(next) ?? 0);
      added++;
    }
    // Earlier requests already in the tree that entered after `later` did.
    inversions += added - countUpTo(enterRank.get(later) ?? 0);
  }
  return inversions;
}

/**
 * The analysis of a run whose critical sections run inside a server (`Strategy.runsIn` `server`):
 * no enter or exit was stamped, so nothing about overlaps, holds or handoffs can be said. A
 * section counts as committed once its client was answered (the final state and the history
 * check whether the answers are true); `missing` counts the clients never answered. `waitsMs`
 * holds each answered operation's whole latency (complete − request): the wait and the server's
 * work together.
 */
export function analyseAnswers(records: readonly CriticalSectionRecord[]): LogAnalysis {
  const answered = records.filter((r) => Number.isFinite(r.complete) && (r.outcome === 0 || r.outcome === 1));
  return {
    violations: 0,
    violationExamples: [],
    missing: records.length - answered.length,
    repeated: 0,
    aborts: 0,
    maxRetries: 0,
    waitsMs: answered.map((r) => r.complete - r.request),
    holdsMs: [],
    holdOvershootsMs: [],
    handoffGapsMs: [],
    inversions: 0,
  };
}
