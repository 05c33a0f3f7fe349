/** m:ss */
function minutes(ms: number): string {
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Writes a one-line progress report, rewritten in place, on a terminal only, so pipes and files
 * stay clean: `[done+1/total] what · m:ss elapsed, ~m:ss left`.
 */
export function showProgress(done: number, total: number, what: string, elapsedMs: number): void {
  if (!process.stderr.isTTY) return;
  const left = done > 0 ? `, ~${minutes((elapsedMs / done) * (total - done))} left` : '';
  process.stderr.write(`\r\x1b[K[${done + 1}/${total}] ${what} · ${minutes(elapsedMs)} elapsed${left}`);
}

/** Clears the progress line, if one was written. */
export function clearProgress(): void {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
