import { displayWidth, shorten } from '../reports/text-width.ts';

/** m:ss */
function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * The progress line for a terminal `columns` wide: `[done+1/total] what · m:ss elapsed, ~m:ss
 * left`; the time left is `leftMs` when given (null: not known yet), else the mean of the `done`
 * runs times those left. Never wider than `columns − 1` (a line that reaches the last column would wrap on some
 * terminals, and a wrapped line is not rewritten in place but left behind). When it does not fit,
 * "elapsed" and "left" shrink to their figures, then `what` is shortened with "…"; the counter and
 * the times are kept as long as there is room for them.
 */
export function progressText(done: number, total: number, what: string, elapsedMs: number, columns: number, leftMs?: number | null): string {
  const room = Math.max(1, columns - 1);
  const counter = `[${done + 1}/${total}]`;
  const eta = leftMs !== undefined ? (leftMs === null ? null : minutes(leftMs)) : done > 0 ? minutes((elapsedMs / done) * (total - done)) : null;
  const long = ` · ${minutes(elapsedMs)} elapsed${eta === null ? '' : `, ~${eta} left`}`;
  const short = ` · ${minutes(elapsedMs)}${eta === null ? '' : ` ~${eta} left`}`;
  const full = `${counter} ${what}${long}`;
  if (displayWidth(full) <= room) return full;
  const left = room - displayWidth(`${counter} ${short}`);
  if (left >= 2) return `${counter} ${shorten(what, left)}${short}`;
  return shorten(`${counter}${short}`, room);
}

/**
 * Writes a one-line progress report, rewritten in place, on a terminal only, so pipes and files
 * stay clean (see {@link progressText}; it fits the terminal's width as it is now).
 */
export function showProgress(done: number, total: number, what: string, elapsedMs: number, leftMs?: number | null): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\r\x1b[K${progressText(done, total, what, elapsedMs, process.stderr.columns || 80, leftMs)}`);
}

/**
 * Writes `what` alone as the progress line, rewritten in place, on a terminal only, shortened with
 * "…" to the terminal's width less one column (a wrapped line would be left behind on screen).
 */
export function showStep(what: string): void {
  if (!process.stderr.isTTY) return;
  process.stderr.write(`\r\x1b[K${shorten(what, Math.max(1, (process.stderr.columns || 80) - 1))}`);
}

/** Clears the progress line, if one was written. */
export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
