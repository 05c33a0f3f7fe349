/**
 * Linearizability checking of a client-observed history (Herlihy and Wing, "Linearizability: A
 * Correctness Condition for Concurrent Objects", TOPLAS 12(3), 1990) against a {@link Model}.
 *
 * The search is Wing and Gong's ("Testing and Verifying Concurrent Objects", JPDC 17, 1993) with
 * Lowe's memoisation ("Testing for Linearizability", Concurrency and Computation: Practice and
 * Experience 29(4), 2017), in the form Porcupine implements it (https://github.com/anishathalye/porcupine,
 * `checker.go`, `checkSingle`; without P-compositionality, Horn and Kroening 2015): the
 * invoke and completion events in one doubly-linked list in time order; a depth-first search takes
 * an operation invoked before the first completion still in the list, applies it to the model and
 * lifts its two events out of the list; reaching a completion means its operation cannot be
 * linearized any later, so the search backtracks. Every configuration visited (the set of
 * linearized operations as a bitset, and the model state) is kept in a cache and never explored
 * twice. Equal times are concurrent: at a tie, invokes come before completions.
 *
 * Jepsen semantics: `fail` operations are dropped; an `info` operation has no completion event,
 * so it may be linearized at any point after its invoke (with {@link Model.stepUnknown}) or not at
 * all, and the search succeeds once every `ok` operation is linearized (Knossos does the same).
 *
 * Two reductions, both safe (a history is judged linearizable exactly when the plain search would):
 * - Interchangeable operations (same status, and input and output with the same `dataKey`, e.g. the
 *   999 `buy() -> sold out` of a ticket rush) are only ever tried in one canonical order: of those
 *   that could be linearized next, the one that completes first (ties: the lower index). Any
 *   linearization that takes another of them there stays valid when the two swap places, since
 *   their effects are identical and the one completing first is then placed earlier. For 1000
 *   buyers of 1 ticket this turns the 2^999 subsets of sold-out buyers into 1000 prefixes.
 * - An `info` operation whose effect would leave the state as it is (a read, a cas whose old
 *   value is not there, a buy when none is left) is not tried: leaving it out is the same.
 *
 * Cost: a step is one call of {@link Model.step} or {@link Model.stepUnknown}; each configuration
 * cached costs about n/8 + 100 bytes for n operations (measured on a 2-core machine: about
 * 500 MB of heap after 10 s of a hopeless search). The search is exponential in the worst case
 * (the problem is NP-complete: Gibbons and Korach, SIAM J. Comput. 26(4), 1997), hence the
 * {@link Budget}.
 */
import { dataKey, type HistoryOperation } from './history.ts';
import type { Model } from './model.ts';

/**
 * Limits on the search: wall time (ms), steps (model calls), and configurations kept in the memo
 * at once (its memory: about n/8 + 100 bytes each for n operations; default
 * {@link MAX_CONFIGURATIONS}). Absent `ms` and `steps` are unlimited.
 */
export interface Budget {
  readonly ms?: number;
  readonly steps?: number;
  readonly configurations?: number;
}

/** The memo's default cap: 10 million configurations, about 1 GB for 1000 operations. */
export const MAX_CONFIGURATIONS = 10_000_000;

/** The budget {@link checkLinearizability} uses when none is given: 10 s. */
export const DEFAULT_BUDGET: Budget = { ms: 10_000 };

export interface CheckOptions {
  /** Limits on the search for the verdict; default {@link DEFAULT_BUDGET}. */
  readonly budget?: Budget;
  /** Limits on the search for a small window once a history is known not to be linearizable; default: the same as `budget`, counted afresh. */
  readonly windowBudget?: Budget;
}

/** Work done: model steps taken and wall time, ms (verdict and window together). */
export interface CheckCost {
  readonly steps: number;
  readonly elapsedMs: number;
}

export type CheckResult =
  | (CheckCost & {
      readonly verdict: 'linearizable';
      /** A witness: the `ok` operations, and the `info` ones that took effect, in an order that respects real time and the model. */
      readonly linearization: readonly HistoryOperation[];
    })
  | (CheckCost & {
      readonly verdict: 'not linearizable';
      /**
       * The operations that show why, in index order: taking every other operation invoked by
       * `prefixEnd` as outcome-unknown (`info`), and leaving out those invoked after it, these
       * cannot be linearized. Every such history is a relaxation or a prefix of the real one, so
       * this proves the verdict. When `windowMinimal` is true, making any one of them
       * outcome-unknown too (or cutting the history earlier) would make it linearizable.
       */
      readonly window: readonly HistoryOperation[];
      readonly windowMinimal: boolean;
      /** The other operations of that prefix (not `fail`), in index order: the proof takes them as outcome-unknown. */
      readonly others: readonly HistoryOperation[];
      /** The time (the history's clock) of the completion that ends the shortest non-linearizable prefix found. */
      readonly prefixEnd: number;
      /**
       * The longest partial linearization of the whole history (the most `ok` operations; the
       * first found of that many): operations, `info` ones that took effect included, in an order
       * that respects real time and the model, each with the model's state before and after it.
       * No partial linearization holds more `ok` operations (Porcupine's "longest partial
       * linearization"): the history cannot be ordered past it.
       */
      readonly partial: readonly LinearizedStep[];
    })
  | (CheckCost & { readonly verdict: 'unknown'; readonly reason: 'budget' });

/** One step of a (partial) linearization: the operation, and the model's state before and after it (`Model.describeState`). */
export interface LinearizedStep {
  readonly op: HistoryOperation;
  readonly before: string;
  readonly after: string;
}

/**
 * `order` replayed on `model` from its initial state: each operation with the state before and
 * after it (an `ok` one with `Model.step`, an `info` one with `Model.stepUnknown`). Throws an
 * Error naming the operation if the model refuses one (`order` is not a linearization).
 */
export function replay<S, I, O>(order: readonly HistoryOperation[], model: Model<S, I, O>): LinearizedStep[] {
  let state = model.init();
  return order.map((op) => {
    const { input, output } = model.decode(op);
    const after = op.status === 'ok' ? model.step(state, input, output as O) : model.stepUnknown(state, input);
    if (after === null) throw new Error(`operation ${op.index} cannot follow ${model.describeState(state)}`);
    const step = { op, before: model.describeState(state), after: model.describeState(after) };
    state = after;
    return step;
  });
}

/** One operation as the search sees it. */
interface Item<I, O> {
  readonly op: HistoryOperation;
  readonly input: I;
  readonly output: O | undefined;
  /** `ok`: must be linearized before its completion. Otherwise `info`: optional, no completion. */
  readonly required: boolean;
  /** Operations with equal keys are interchangeable. */
  readonly key: string;
}

class Meter {
  steps = 0;
  private ticks = 0;
  private readonly started = performance.now();
  private readonly deadline: number;
  private readonly maxSteps: number;
  readonly maxConfigurations: number;
  out = false;

  constructor(budget: Budget) {
    this.deadline = budget.ms === undefined ? Number.POSITIVE_INFINITY : this.started + budget.ms;
    this.maxSteps = budget.steps ?? Number.POSITIVE_INFINITY;
    this.maxConfigurations = budget.configurations ?? MAX_CONFIGURATIONS;
  }

  /** Counts one step; true once the budget is spent. */
  step(): boolean {
    this.steps++;
    if (this.steps > this.maxSteps) this.out = true;
    return this.out;
  }

  /** Checks the clock every 1024 calls; true once the budget is spent. */
  tick(): boolean {
    if ((++this.ticks & 1023) === 0 && performance.now() > this.deadline) this.out = true;
    return this.out;
  }
}

type Outcome =
  | { readonly kind: 'linearizable'; readonly order: readonly number[] }
  /** `longest`: the deepest stack reached, by `ok` operations linearized (items, in order). */
  | { readonly kind: 'not linearizable'; readonly longest: readonly number[] }
  | { readonly kind: 'budget' };

/** 32-bit hashes for Zobrist hashing of the linearized set (splitmix32, fixed seed: results are reproducible). */
function zobrist(n: number, seed: number): Int32Array {
  const out = new Int32Array(n);
  let s = seed | 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    out[i] = z ^ (z >>> 16);
  }
  return out;
}

function sameBits(a: Uint32Array, b: Uint32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The events of `items` in time order: [item, isReturn] pairs; at equal times invokes first, then by item. */
function orderEvents<I, O>(items: readonly Item<I, O>[]): { item: number; isReturn: boolean }[] {
  const events: { item: number; isReturn: boolean; at: number }[] = [];
  items.forEach((it, k) => {
    events.push({ item: k, isReturn: false, at: it.op.invoke });
    if (it.required) events.push({ item: k, isReturn: true, at: it.op.complete ?? Number.POSITIVE_INFINITY });
  });
  return events.sort((a, b) => a.at - b.at || Number(a.isReturn) - Number(b.isReturn) || a.item - b.item);
}

/** Wing and Gong's search with Lowe's cache over `items` (see the file's description). */
function search<S, I, O>(items: readonly Item<I, O>[], model: Model<S, I, O>, meter: Meter): Outcome {
  const n = items.length;
  const events = orderEvents(items);
  const size = events.length;
  // Entries 1..size in time order; 0 is the head; -1 ends the list.
  const opOf = new Int32Array(size + 1);
  const isReturn = new Uint8Array(size + 1);
  const returnOf = new Int32Array(n); // item → its return entry, 0 if none
  const callOf = new Int32Array(n);
  const next = new Int32Array(size + 1);
  const prev = new Int32Array(size + 1);
  events.forEach((e, i) => {
    const entry = i + 1;
    opOf[entry] = e.item;
    isReturn[entry] = e.isReturn ? 1 : 0;
    if (e.isReturn) returnOf[e.item] = entry;
    else callOf[e.item] = entry;
  });
  for (let entry = 0; entry <= size; entry++) {
    next[entry] = entry === size ? -1 : entry + 1;
    prev[entry] = entry - 1;
  }
  const unlink = (e: number) => {
    const p = prev[e] as number;
    const q = next[e] as number;
    next[p] = q;
    if (q !== -1) prev[q] = p;
  };
  const relink = (e: number) => {
    const p = prev[e] as number;
    const q = next[e] as number;
    next[p] = e;
    if (q !== -1) prev[q] = e;
  };
  const lift = (k: number) => {
    unlink(callOf[k] as number);
    if (returnOf[k] !== 0) unlink(returnOf[k] as number);
  };
  const unlift = (k: number) => {
    if (returnOf[k] !== 0) relink(returnOf[k] as number);
    relink(callOf[k] as number);
  };

  // Interchangeable operations: classes by key; an item's rank is its return entry (∞ for info).
  const classIds = new Map<string, number>();
  const classOf = new Int32Array(n);
  items.forEach((it, k) => {
    const tagged = `${it.required ? 'ok' : 'info'} ${it.key}`;
    let c = classIds.get(tagged);
    if (c === undefined) classIds.set(tagged, (c = classIds.size));
    classOf[k] = c;
  });
  const rank = (k: number) => (returnOf[k] === 0 ? size + 1 + k : (returnOf[k] as number));
  const best = new Int32Array(classIds.size);
  const bestStamp = new Int32Array(classIds.size);
  let generation = 0;
  /** Marks, per class, the operation to try among those that can be linearized next. */
  const chooseCanonical = () => {
    generation++;
    for (let e = next[0] as number; e !== -1 && isReturn[e] === 0; e = next[e] as number) {
      const k = opOf[e] as number;
      const c = classOf[k] as number;
      if (bestStamp[c] !== generation || rank(k) < rank(best[c] as number)) {
        bestStamp[c] = generation;
        best[c] = k;
      }
    }
  };

  const words = Math.max(1, Math.ceil(n / 32));
  const bits = new Uint32Array(words);
  const z1 = zobrist(n, 0x2545f491);
  const z2 = zobrist(n, 0x6c8e9cf5);
  let h1 = 0;
  let h2 = 0;
  const cache = new Map<number, { bits: Uint32Array; state: S }[]>();
  let cached = 0;
  const flip = (k: number) => {
    bits[k >>> 5] = (bits[k >>> 5] as number) ^ (1 << (k & 31));
    h1 ^= z1[k] as number;
    h2 ^= z2[k] as number;
  };
  const key = () => (h1 >>> 0) * 0x200000 + (h2 >>> 11);

  let required = 0;
  for (const it of items) if (it.required) required++;
  let linearizedRequired = 0;
  const stackItem: number[] = [];
  const stackState: S[] = [];
  let state = model.init();
  let longest: number[] = [];
  let longestRequired = 0;
  if (required === 0) return { kind: 'linearizable', order: [] };
  chooseCanonical();
  let entry = next[0] as number;
  for (;;) {
    if (meter.tick()) return { kind: 'budget' };
    if (entry === -1 || isReturn[entry] === 1) {
      // No operation that can go next leads anywhere: undo the last one and try the one after it.
      const k = stackItem.pop();
      if (k === undefined) return { kind: 'not linearizable', longest };
      state = stackState.pop() as S;
      flip(k);
      if (items[k]?.required === true) linearizedRequired--;
      unlift(k);
      chooseCanonical();
      entry = next[callOf[k] as number] as number;
      continue;
    }
    const k = opOf[entry] as number;
    const it = items[k] as Item<I, O>;
    if (best[classOf[k] as number] !== k) {
      entry = next[entry] as number;
      continue;
    }
    if (meter.step()) return { kind: 'budget' };
    const after = it.required ? model.step(state, it.input, it.output as O) : model.stepUnknown(state, it.input);
    if (after !== null && (it.required || !model.equal(after, state))) {
      flip(k);
      const h = key();
      const bucket = cache.get(h);
      if (bucket === undefined || !bucket.some((c) => sameBits(c.bits, bits) && model.equal(c.state, after))) {
        if (++cached > meter.maxConfigurations) {
          meter.out = true;
          return { kind: 'budget' };
        }
        if (bucket === undefined) cache.set(h, [{ bits: bits.slice(), state: after }]);
        else bucket.push({ bits: bits.slice(), state: after });
        stackItem.push(k);
        stackState.push(state);
        state = after;
        if (it.required) linearizedRequired++;
        if (linearizedRequired === required) return { kind: 'linearizable', order: stackItem };
        if (linearizedRequired > longestRequired) {
          longestRequired = linearizedRequired;
          longest = stackItem.slice();
        }
        lift(k);
        chooseCanonical();
        entry = next[0] as number;
        continue;
      }
      flip(k);
    }
    entry = next[entry] as number;
  }
}

function toItems<S, I, O>(history: readonly HistoryOperation[], model: Model<S, I, O>): Item<I, O>[] {
  return history
    .filter((op) => op.status !== 'fail')
    .map((op) => {
      const { input, output } = model.decode(op);
      const required = op.status === 'ok';
      return { op, input, output, required, key: dataKey(required ? [op.f, input, output] : [op.f, input]) };
    });
}

/** `item` with its outcome unknown: optional, no completion, no output. */
function relax<I, O>(item: Item<I, O>): Item<I, O> {
  return { op: item.op, input: item.input, output: undefined, required: false, key: dataKey([item.op.f, item.input]) };
}

/**
 * The window of a history known not to be linearizable: the shortest failing prefix (binary search
 * over completions: linearizability is prefix-closed, so once a prefix fails every longer one
 * does), then as few `ok` operations (first the one whose completion ends the prefix alone) as it can keep by making the others outcome-unknown, in
 * halving chunks then one by one (Zeller and Hildebrandt's delta debugging, "Simplifying and
 * Isolating Failure-Inducing Input", TSE 28(2), 2002, on the relaxation order; relaxing only adds
 * linearizations, so a kept operation stays needed once found needed).
 */
function findWindow<S, I, O>(items: readonly Item<I, O>[], model: Model<S, I, O>, meter: Meter): { window: HistoryOperation[]; others: HistoryOperation[]; minimal: boolean; prefixEnd: number } {
  const events = orderEvents(items);
  const position = new Map<string, number>();
  events.forEach((e, i) => position.set(`${e.item}${e.isReturn ? 'r' : 'c'}`, i));
  const cuts = events.map((e, i) => ({ e, i })).filter(({ e }) => e.isReturn);
  /** The prefix up to event `cut`: operations invoked by then; those not completed by then (or in `relaxed`) outcome-unknown. */
  const prefix = (cut: number, relaxed: ReadonlySet<number>) => {
    const out: Item<I, O>[] = [];
    items.forEach((it, k) => {
      if ((position.get(`${k}c`) ?? Infinity) > cut) return;
      const completed = it.required && (position.get(`${k}r`) ?? Infinity) <= cut;
      out.push(completed && !relaxed.has(k) ? it : relax(it));
    });
    return out;
  };
  const fails = (cut: number, relaxed: ReadonlySet<number>) => {
    const outcome = search(prefix(cut, relaxed), model, meter);
    return outcome.kind === 'not linearizable';
  };
  const none = new Set<number>();
  // The prefix up to the last completion fails: it differs from the history only by info
  // operations invoked after every ok one completed, which a linearization can always leave out.
  let lo = 0;
  let hi = cuts.length - 1;
  let minimal = true;
  if (hi < 0) {
    // No completion at all: such a history is linearizable and never gets here.
    return { window: [], others: items.map((it) => it.op), minimal: false, prefixEnd: Number.POSITIVE_INFINITY };
  }
  while (lo < hi && !meter.out) {
    const mid = (lo + hi) >>> 1;
    if (fails((cuts[mid] as { i: number }).i, none)) hi = mid;
    else lo = mid + 1;
  }
  if (lo < hi) minimal = false;
  const cut = (cuts[hi] as { i: number }).i;

  // Candidates: the operations the prefix keeps as ok.
  let kept = items.map((_, k) => k).filter((k) => items[k]?.required === true && (position.get(`${k}r`) ?? Infinity) <= cut);
  const relaxedBut = (keep: readonly number[]) => {
    const set = new Set(keep);
    return new Set(items.map((_, k) => k).filter((k) => !set.has(k)));
  };
  // Often the operation whose completion ends the prefix is the whole story (a read of a value
  // nobody wrote): try it alone first.
  const culprit = (cuts[hi] as { e: { item: number } }).e.item;
  if (kept.length > 1 && !meter.out && fails(cut, relaxedBut([culprit]))) kept = [culprit];
  for (let chunk = Math.ceil(kept.length / 2); chunk >= 1 && !meter.out; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
    for (let start = 0; start < kept.length && !meter.out; ) {
      const trial = [...kept.slice(0, start), ...kept.slice(start + chunk)];
      if (fails(cut, relaxedBut(trial))) kept = trial;
      else start += chunk;
    }
  }
  if (meter.out) minimal = false;
  const inWindow = new Set(kept);
  const others = items.filter((_, k) => !inWindow.has(k) && (position.get(`${k}c`) ?? Infinity) <= cut).map((it) => it.op);
  return { window: kept.map((k) => (items[k] as Item<I, O>).op), others, minimal, prefixEnd: (items[culprit] as Item<I, O>).op.complete ?? Number.POSITIVE_INFINITY };
}

/**
 * Checks whether `history` is linearizable with respect to `model` (see the file's description
 * for the algorithm and the semantics of `ok`, `fail` and `info`). Returns within the budget
 * (the clock is read every 1024 turns of the search loop, so it may overrun by that much work): `linearizable` with a witness order, `not linearizable`
 * with a window (then the window search has a budget of its own, `options.windowBudget`), or
 * `unknown` when the budget ran out before a verdict.
 *
 * Throws what `model.decode` throws (a `HistoryError`) for an operation the model cannot read.
 */
export function checkLinearizability<S, I, O>(history: readonly HistoryOperation[], model: Model<S, I, O>, options: CheckOptions = {}): CheckResult {
  const started = performance.now();
  const items = toItems(history, model);
  const budget = options.budget ?? DEFAULT_BUDGET;
  const meter = new Meter(budget);
  const outcome = search(items, model, meter);
  const cost = (steps: number) => ({ steps, elapsedMs: performance.now() - started });
  if (outcome.kind === 'budget') return { verdict: 'unknown', reason: 'budget', ...cost(meter.steps) };
  if (outcome.kind === 'linearizable') {
    return { verdict: 'linearizable', linearization: outcome.order.map((k) => (items[k] as Item<I, O>).op), ...cost(meter.steps) };
  }
  const windowMeter = new Meter(options.windowBudget ?? budget);
  const { window, others, minimal, prefixEnd } = findWindow(items, model, windowMeter);
  const byIndex = (ops: HistoryOperation[]) => ops.sort((a, b) => a.index - b.index);
  const partial = replay(outcome.longest.map((k) => (items[k] as Item<I, O>).op), model);
  return { verdict: 'not linearizable', window: byIndex(window), others: byIndex(others), windowMinimal: minimal, prefixEnd, partial, ...cost(meter.steps + windowMeter.steps) };
}
