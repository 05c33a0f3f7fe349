/**
 * A message for the user (an error, a strategy left out, an interruption) as it is written to a
 * stream: on a terminal, wrapped at spaces to the terminal's width, its continuation lines indented
 * by {@link CONTINUATION}, so that no line runs past the right edge and a reader sees where the
 * message ends; to a pipe or a file, one line whatever its length, as a log reader greps it.
 */
import { wrapText } from '../reports/text-width.ts';

/** What starts each line of a message after its first. */
export const CONTINUATION = '  ';

/** Narrowest a message is wrapped to, columns: below it the terminal wraps it. */
const MIN_WIDTH = 20;

/** The columns a message on `stream` may take: the terminal's width, or null (one line) when it is not a terminal. */
export function messageWidth(stream: { readonly isTTY?: boolean; readonly columns?: number } = process.stderr): number | null {
  return stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? Math.max(MIN_WIDTH, stream.columns) : null;
}

/**
 * `text` as lines of at most `width` columns, every line after the first led by
 * {@link CONTINUATION}: wrapped to `width` less the continuation's indent (see `wrapText`: at
 * spaces, nothing cut), line breaks in `text` kept. `text` unchanged when `width` is null.
 */
export function fitMessage(text: string, width: number | null): string {
  if (width === null) return text;
  return wrapText(text, width - CONTINUATION.length)
    .map((line, i) => (i === 0 ? line : `${CONTINUATION}${line}`))
    .join('\n');
}

/** Writes `text` and a line break to `stream` (standard error by default), fitted to it (see {@link fitMessage}). */
export function writeMessage(text: string, stream: NodeJS.WriteStream = process.stderr): void {
  stream.write(`${fitMessage(text, messageWidth(stream))}\n`);
}
