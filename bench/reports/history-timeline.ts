/**
 * A client-observed history drawn as an SVG timeline, as Porcupine's visualisation
 * (https://github.com/anishathalye/porcupine, `visualization.go`) and Knossos's `linear.svg` draw
 * one: a lane per client (Jepsen process), each operation a bar from its invocation to its
 * completion, labelled with what the client was told. An `info` operation (outcome unknown) is a
 * dashed, open-ended bar to the end of the history; a `fail` one is grey. For a history that is not
 * linearizable, the checker's window (the operations that cannot be ordered) is drawn red over a
 * shaded band of its time span. Hovering an operation shows its `<title>`: the operation, its
 * times and, when it is in the checker's (partial) linearization, the model's state before and
 * after its step.
 *
 * Classes on each operation's `<g>`, for pages and tests: `op`, then `ok`/`fail`/`info`, `window`
 * for an operation of the window, `linearized` for one in the (partial) linearization.
 */
import type { Clock, HistoryOperation } from '../histories/history.ts';
import { replay, type CheckResult, type LinearizedStep } from '../histories/linearizability.ts';
import type { Model } from '../histories/model.ts';

/** Escapes text for HTML or SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

const WIDTH = 960;
const LABEL = 78;
const RIGHT = 16;
const TOP = 34;
const AXIS = 30;

/** A time of the history for people: ms to the µs, or a line number. */
function at(t: number, clock: Clock): string {
  return clock === 'line' ? `line ${t}` : `${t.toFixed(3)} ms`;
}

/** About 8 round tick values between `lo` and `hi`. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo;
  if (!(span > 0)) return [lo];
  const raw = span / 8;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

/** The steps the drawing shows states for: the witness when linearizable, the longest partial linearization when not; none when unknown. */
function stepsOf<S, I, O>(result: CheckResult, model: Model<S, I, O>): readonly LinearizedStep[] {
  if (result.verdict === 'linearizable') return replay(result.linearization, model);
  if (result.verdict === 'not linearizable') return result.partial;
  return [];
}

/**
 * Draws `operations` (a history, as the checker read it) with the checker's `result` for `model`,
 * as one SVG element (no XML prolog: for inlining into HTML). Times are in the history's `clock`.
 * Lanes are 4–18 px high so that a history of many clients stays on a page.
 */
export function drawHistory<S, I, O>(operations: readonly HistoryOperation[], model: Model<S, I, O>, result: CheckResult, clock: Clock): string {
  const processes = [...new Set(operations.map((op) => op.process))].sort((a, b) => a - b);
  const lane = new Map(processes.map((p, i) => [p, i]));
  const laneHeight = Math.max(4, Math.min(18, Math.floor(720 / Math.max(1, processes.length))));
  const times = operations.flatMap((op) => (op.complete === null ? [op.invoke] : [op.invoke, op.complete]));
  const lo = times.length === 0 ? 0 : Math.min(...times);
  const hiRaw = times.length === 0 ? 1 : Math.max(...times);
  // Open-ended (info) bars run a little past the last event.
  const hi = hiRaw + (hiRaw - lo) * 0.04 + (hiRaw === lo ? 1 : 0);
  const x = (t: number) => LABEL + ((t - lo) / (hi - lo)) * (WIDTH - LABEL - RIGHT);
  const height = TOP + processes.length * laneHeight + AXIS;
  const steps = stepsOf(result, model);
  const stepOf = new Map(steps.map((s, i) => [s.op.index, { ...s, n: i + 1 }]));
  const windowSet = new Set(result.verdict === 'not linearizable' ? result.window.map((op) => op.index) : []);
  const lastState = steps.length === 0 ? model.describeState(model.init()) : (steps[steps.length - 1] as LinearizedStep).after;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="history" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="history of ${operations.length} operations by ${processes.length} clients">`,
    '<style>.history text{font:11px sans-serif;fill:#333}.history .op rect{fill:#9cc3e6;stroke:#2b6ca3}.history .op.fail rect{fill:#ddd;stroke:#999}' +
      '.history .op.info rect{fill:#fde9c8;stroke:#c77d00;stroke-dasharray:4 2}.history .op.window rect{fill:#f4a3a3;stroke:#c00;stroke-width:2}' +
      '.history .op:hover rect{stroke:#000;stroke-width:2}.history .band{fill:#fbe3e3}.history .grid{stroke:#eee}</style>',
  ];
  const legend = [
    ['ok', '#9cc3e6', '#2b6ca3', 'ok (told)'],
    ['info', '#fde9c8', '#c77d00', 'unknown outcome (info)'],
    ['fail', '#ddd', '#999', 'fail'],
    ...(windowSet.size > 0 ? [['window', '#f4a3a3', '#c00', 'cannot be ordered (window)']] : []),
  ];
  legend.forEach(([, fill, stroke, label], i) => {
    const lx = LABEL + i * 190;
    out.push(`<rect x="${lx}" y="8" width="22" height="10" fill="${fill}" stroke="${stroke}"/><text x="${lx + 28}" y="17">${escapeXml(label as string)}</text>`);
  });
  if (result.verdict === 'not linearizable' && result.window.length > 0) {
    const start = Math.min(...result.window.map((op) => op.invoke));
    const end = Math.max(...result.window.map((op) => op.complete ?? hi));
    out.push(`<rect class="band" x="${x(start).toFixed(1)}" y="${TOP - 4}" width="${Math.max(2, x(end) - x(start)).toFixed(1)}" height="${processes.length * laneHeight + 8}"><title>${escapeXml(`the window: ${at(start, clock)} to ${at(end, clock)}`)}</title></rect>`);
  }
  for (const t of ticks(lo, hiRaw)) {
    const tx = x(t).toFixed(1);
    out.push(`<line class="grid" x1="${tx}" x2="${tx}" y1="${TOP - 4}" y2="${TOP + processes.length * laneHeight}"/><text x="${tx}" y="${height - 12}" text-anchor="middle">${String(t)}</text>`);
  }
  out.push(`<text x="${WIDTH - RIGHT}" y="${height - 1}" text-anchor="end">${clock === 'line' ? 'line of the file' : 'time, ms'}</text>`);
  const labelEvery = Math.ceil(11 / laneHeight);
  processes.forEach((p, i) => {
    if (i % labelEvery === 0) out.push(`<text x="${LABEL - 6}" y="${TOP + i * laneHeight + laneHeight / 2 + 4}" text-anchor="end">client ${p}</text>`);
  });
  for (const op of operations) {
    const y = TOP + (lane.get(op.process) as number) * laneHeight + 1;
    const open = op.status === 'info';
    const end = open ? hi : (op.complete ?? hi);
    const x0 = x(op.invoke);
    const w = Math.max(2, x(end) - x0);
    const { input, output } = model.decode(op);
    const described = model.describeOperation(input, op.status === 'ok' ? output : undefined);
    const step = stepOf.get(op.index);
    const state =
      step !== undefined
        ? `step ${step.n} of the ${result.verdict === 'linearizable' ? 'linearization' : 'longest partial linearization'}: ${step.before} → ${step.after}`
        : op.status === 'fail'
          ? 'failed: did not happen'
          : result.verdict === 'not linearizable'
            ? `not in the longest partial linearization (which ends at ${lastState})`
            : result.verdict === 'linearizable'
              ? 'left out of the linearization (it may not have happened)'
              : 'no verdict: the check ran out of its budget';
    const title = [
      `#${op.index} client ${op.process}: ${described}${op.status === 'info' ? ' (outcome unknown)' : op.status === 'fail' ? ' (fail)' : ''}`,
      `invoked ${at(op.invoke, clock)}, ${op.complete === null ? 'never answered' : `${open ? 'gave up' : 'completed'} ${at(op.complete, clock)}`}`,
      ...(windowSet.has(op.index) ? ['in the window: these operations cannot be put in an order that respects real time and the model'] : []),
      state,
    ].join('\n');
    const classes = ['op', op.status, ...(windowSet.has(op.index) ? ['window'] : []), ...(step !== undefined ? ['linearized'] : [])].join(' ');
    // The whole operation where it fits (about 6 px a character), else the answer alone.
    const short = op.status === 'ok' ? described.replace(/^.*-> /, '') : op.status === 'info' ? '?' : 'fail';
    const text = [described, short].find((t) => t.length * 6 + 6 <= w);
    const label = laneHeight >= 12 && text !== undefined ? `<text x="${(x0 + 3).toFixed(1)}" y="${y + laneHeight - 5}">${escapeXml(text)}</text>` : '';
    out.push(
      `<g class="${classes}" data-index="${op.index}"><title>${escapeXml(title)}</title><rect x="${x0.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${laneHeight - 2}" rx="2"/>${label}</g>`,
    );
  }
  out.push('</svg>');
  return out.join('\n');
}
