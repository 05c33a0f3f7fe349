/**
 * Writes one history file per run, for `npm run bench -- --history DIR`: the run's client-observed
 * history as JSON lines (`json-lines.ts`), readable by `npm run check-history -- FILE`.
 */
import { join } from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import type { Clock, HistoryOperation } from './history.ts';
import { historyToJsonLines } from './json-lines.ts';

/**
 * The file name of a run's history: its parts (e.g. workload, latency, strategy, clients,
 * repetition) joined with `.`, each reduced to letters, digits, `-` and `_`, with `.jsonl`; e.g.
 * `['ticket-rush', 'doc', 'atomics-mutex', '50-clients', 'rep-1']` gives
 * `ticket-rush.doc.atomics-mutex.50-clients.rep-1.jsonl`. Throws if no part has such a character.
 */
export function historyFileName(parts: readonly (string | number)[]): string {
  const clean = parts.map((p) => String(p).replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '')).filter((p) => p !== '');
  if (clean.length === 0) throw new Error(`no usable name in ${JSON.stringify(parts)}`);
  return `${clean.join('.')}.jsonl`;
}

/**
 * Writes `history` into folder `dir` as {@link historyFileName}(`parts`), atomically (a reader
 * never sees half a file), replacing any file of that name; resolves to the file's path. Times are
 * written in ns (see `json-lines.ts`); with clock `line` none are written. Rejects with the file
 * system's error (e.g. ENOENT when `dir` does not exist).
 */
export async function writeHistoryFile(dir: string, parts: readonly (string | number)[], history: readonly HistoryOperation[], clock: Clock = 'ms'): Promise<string> {
  const path = join(dir, historyFileName(parts));
  await writeFileAtomic(path, historyToJsonLines(history, clock));
  return path;
}
