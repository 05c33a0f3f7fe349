/**
 * A terminal table that fits a given width, drawn with cli-table3.
 *
 * Columns get their natural width (the widest cell, at most {@link MAX_COLUMN_WIDTH}); those that
 * do not fit beside the others go into a further block below, which repeats the key columns (the
 * strategy) so every line can be read on its own. Cells wrap at spaces, and inside a word only
 * when the word is wider than its column: nothing is cut ("…"), in any script.
 */
import Table from 'cli-table3';
import { displayWidth, longestWord, wrapText } from './text-width.ts';

/** Widest a column's text gets before it wraps, columns. */
export const MAX_COLUMN_WIDTH = 20;

/** Narrowest a column's text gets when the terminal is narrow, columns (a header word may be cut into pieces below it). */
const MIN_COLUMN_WIDTH = 6;

/** Columns of the frame around one column of text: the border on its left and one space each side. */
const FRAME = 3;

/** One column of a fitted table. */
export interface FittedColumn {
  readonly header: string;
  /** Repeated at the left of every block (e.g. the strategy), so a wrapped-over block still names its rows. */
  readonly key?: boolean;
}

/** The width of a table whose text columns are `widths` wide: borders and padding included. */
export function tableWidth(widths: readonly number[]): number {
  return widths.reduce((sum, w) => sum + w + FRAME, 1);
}

/** Natural and narrowest widths of each column's text, from its header and cells. */
function measure(columns: readonly FittedColumn[], cells: readonly (readonly string[])[]) {
  return columns.map((column, i) => {
    const texts = cells.map((row) => row[i] ?? '');
    const headerWord = longestWord(column.header);
    const widest = Math.max(headerWord, ...texts.map(displayWidth));
    const natural = Math.min(MAX_COLUMN_WIDTH, widest);
    // A column shrinks down to its longest word (a figure such as "5256 [5254–5277]" wraps at its
    // space), and below that only when the terminal leaves no choice.
    // A key column (the strategy's name) is not narrowed unless nothing else can be.
    const wordy = Math.max(headerWord, ...texts.map(longestWord));
    return { natural, narrow: column.key === true ? natural : Math.min(natural, Math.max(MIN_COLUMN_WIDTH, wordy)) };
  });
}

/**
 * Splits the non-key columns into blocks, in order, each led by the key columns, as many columns
 * to a block as fit `width` at the widths `pick` gives (a first column always goes in).
 */
function pack(keys: readonly number[], others: readonly number[], widthOf: (i: number) => number, width: number): number[][] {
  const blocks: number[][] = [];
  let indices = [...keys];
  for (const i of others) {
    const candidate = [...indices, i];
    if (indices.length === keys.length || tableWidth(candidate.map(widthOf)) <= width) {
      indices = candidate;
      continue;
    }
    blocks.push(indices);
    indices = [...keys, i];
  }
  if (indices.length > keys.length || blocks.length === 0) blocks.push(indices);
  return blocks;
}

/**
 * The blocks of a table for `width`: as few as the columns' narrow widths allow; at their natural
 * widths instead when that takes no more blocks (less wrapping). Returns, per block, the column
 * indices and their text widths (see {@link shrinkToFit}).
 */
function layout(columns: readonly FittedColumn[], cells: readonly (readonly string[])[], sizes: ReturnType<typeof measure>, width: number) {
  const keys = columns.flatMap((c, i) => (c.key === true ? [i] : []));
  const others = columns.flatMap((c, i) => (c.key === true ? [] : [i]));
  const narrow = pack(keys, others, (i) => sizes[i]?.narrow ?? 1, width);
  const natural = pack(keys, others, (i) => sizes[i]?.natural ?? 1, width);
  const chosen = natural.length <= narrow.length ? natural : narrow;
  return chosen.map((indices) => {
    const texts = indices.map((i) => [columns[i]?.header ?? '', ...cells.map((row) => row[i] ?? '')]);
    return { indices, widths: shrinkToFit(indices.map((i) => sizes[i] ?? { natural: 1, narrow: 1 }), texts, width) };
  });
}

/** Lines of the tallest cell of each row (the header first) when `texts[k]` (a column's header and cells) is wrapped to `widths[k]`. */
function heights(texts: readonly (readonly string[])[], widths: readonly number[]): number {
  const rows = texts[0]?.length ?? 0;
  let total = 0;
  for (let r = 0; r < rows; r++) total += Math.max(1, ...texts.map((column, k) => wrapText(column[r] ?? '', widths[k] ?? 1).length));
  return total;
}

/**
 * Text widths for columns of the given sizes, `texts[k]` holding column k's header and cells:
 * natural where the table fits `width`; else narrowed one column of text at a time, each time the
 * column whose narrowing adds the fewest lines to the table (the widest of those), down to the
 * columns' narrow widths, then, if it must be, down to 1 (a terminal narrower than any table).
 */
function shrinkToFit(sizes: readonly { natural: number; narrow: number }[], texts: readonly (readonly string[])[], width: number): number[] {
  const widths = sizes.map((s) => s.natural);
  for (const floor of [sizes.map((s) => s.narrow), sizes.map(() => 1)]) {
    while (tableWidth(widths) > width) {
      let best = -1;
      let bestCost = Infinity;
      const now = heights(texts, widths);
      for (let i = 0; i < widths.length; i++) {
        if ((widths[i] ?? 0) <= (floor[i] ?? 1)) continue;
        const trial = widths.map((w, k) => (k === i ? w - 1 : w));
        const cost = heights(texts, trial) - now;
        if (cost < bestCost || (cost === bestCost && (widths[i] ?? 0) > (widths[best] ?? 0))) {
          best = i;
          bestCost = cost;
        }
      }
      if (best < 0) break;
      widths[best] = (widths[best] ?? 1) - 1;
    }
  }
  return widths;
}

/**
 * `cells` (one array of strings per row, in the order of `columns`) as one or more cli-table3
 * tables, each at most `width` columns wide when `width` leaves room for the key columns and one
 * more at 1 column of text each. Blocks after the first are introduced by a line saying so.
 */
export function renderFitted(columns: readonly FittedColumn[], cells: readonly (readonly string[])[], width: number): string {
  const sizes = measure(columns, cells);
  const blocks = layout(columns, cells, sizes, width);
  return blocks
    .map((block, b) => {
      const wrap = (text: string, k: number) => wrapText(text, block.widths[k] ?? 1).join('\n');
      const body = cells.map((row) => block.indices.map((i, k) => wrap(row[i] ?? '', k)));
      // Rows of one line each read best without rules between them; wrapped rows need the rules.
      const compact = body.every((row) => row.every((cell) => !cell.includes('\n')));
      const table = new Table({
        head: block.indices.map((i, k) => wrap(columns[i]?.header ?? '', k)),
        colWidths: block.widths.map((w) => w + 2),
        style: { head: [], border: [], compact },
      });
      for (const row of body) table.push(row);
      const continued = b === 0 ? '' : `(continued, ${b + 1} of ${blocks.length})\n`;
      return `${continued}${table.toString()}`;
    })
    .join('\n');
}
