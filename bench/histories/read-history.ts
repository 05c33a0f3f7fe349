/**
 * Reads a history file in either format, told apart by content: JSON lines (`json-lines.ts`) when
 * the first non-blank character is `{`, otherwise Jepsen's printed history (`jepsen-printed.ts`).
 */
import { readFileSync } from 'node:fs';
import { HistoryError, type ParsedHistory } from './history.ts';
import { historyFromJepsenPrinted } from './jepsen-printed.ts';
import { historyFromJsonLines } from './json-lines.ts';

/** The two file formats. */
export type HistoryFormat = 'json-lines' | 'jepsen-printed';

/** Which format `text` is in, by its first non-blank character. */
export function detectFormat(text: string): HistoryFormat {
  return text.trimStart().startsWith('{') ? 'json-lines' : 'jepsen-printed';
}

/** Reads `text` in the format it is in; throws {@link HistoryError} (with the line) if it is not a well-formed history. */
export function readHistoryText(text: string): ParsedHistory & { readonly format: HistoryFormat } {
  const format = detectFormat(text);
  const parsed = format === 'json-lines' ? historyFromJsonLines(text) : historyFromJepsenPrinted(text);
  return { ...parsed, format };
}

/**
 * Reads the history file at `path` (UTF-8; a byte-order mark is skipped). Throws
 * {@link HistoryError} if the file cannot be read (with the system's code, e.g. ENOENT) or is not
 * a well-formed history.
 */
export function readHistoryFile(path: string): ParsedHistory & { readonly format: HistoryFormat } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new HistoryError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return readHistoryText(text.replace(/^\uFEFF/, ''));
}
