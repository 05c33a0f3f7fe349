import { busyRepetitions, columnIds, columnsFor, legendFor, notConverged, tableGroups, tableTitle, type Column } from './columns.ts';
import { renderFitted } from './fitted-table.ts';
import { rowInstability } from './stability.ts';
import { wrapText } from './text-width.ts';
import type { ResultRow } from '../suites/summary.ts';

/** Which columns the terminal table shows: the headline set, every column, or the ids given. */
export type ColumnChoice = { readonly kind: 'headline' } | { readonly kind: 'wide' } | { readonly kind: 'chosen'; readonly ids: readonly string[] };

/** How a terminal table is laid out. */
export interface TerminalLayout {
  /** Columns the output may take, at least 20 (see {@link outputWidth}). */
  readonly width: number;
  readonly columns: ColumnChoice;
}

/** Width of output that is not a terminal (a file, a pipe) when `COLUMNS` does not say: a page that prints and diffs well. */
export const DEFAULT_WIDTH = 100;

/** Narrowest layout: below it the tables are laid out for this width and the terminal wraps them. */
const MIN_WIDTH = 20;

/**
 * The width to lay out for on `stream`: its `columns` when it is a terminal; else `COLUMNS` from
 * the environment when it is a whole number (as a shell exports it), else {@link DEFAULT_WIDTH}.
 */
export function outputWidth(stream: { readonly isTTY?: boolean; readonly columns?: number } = process.stdout, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  const width = stream.isTTY === true && typeof stream.columns === 'number' && stream.columns > 0 ? stream.columns : Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : DEFAULT_WIDTH;
  return Math.max(MIN_WIDTH, width);
}

/** The columns of a workload's table under `choice`, in table order; `chosen` ids the workload lacks are skipped. */
export function chooseColumns(all: readonly Column[], choice: ColumnChoice): readonly Column[] {
  if (choice.kind === 'wide') return all;
  if (choice.kind === 'headline') return all.filter((c) => c.headline);
  return choice.ids.flatMap((id) => all.filter((c) => c.id === id));
}

/** The line that names the columns left out and how to see them; '' when none were. */
function leftOut(all: readonly Column[], shown: readonly Column[]): string {
  const hidden = all.filter((c) => !shown.some((s) => s.id === c.id));
  if (hidden.length === 0) return '';
  return `Not shown: ${hidden.map((c) => c.id).join(', ')}. --wide shows every column; --columns chooses them by these ids, e.g. --columns ${columnIds.slice(0, 3).join(',')}; the Markdown and JSON have every figure.`;
}

/**
 * The notes the strategies told a table's rows (see `ResultRow.notes`), one line each:
 * "note: <strategy> (<runner>): <text>"; none when no row has one.
 */
export function rowNotes(rows: readonly ResultRow[]): string[] {
  return rows.flatMap((row) => (row.notes ?? []).map((text) => `note: ${row.strategy} (${row.runner}): ${text}`));
}

/** Columns of several tables, each id once, in first-seen order. */
function union(lists: readonly (readonly Column[])[]): Column[] {
  const out: Column[] = [];
  for (const c of lists.flat()) if (!out.some((o) => o.id === c.id)) out.push(c);
  return out;
}

/**
 * The rows as terminal tables, one per workload × latency × clients, each at most `layout.width`
 * columns wide: the chosen columns (by default the headline set) in as many blocks as the width
 * needs, each block repeating the strategy, with cells wrapped and never cut. After the last
 * table: the columns left out and how to show them, then a legend of the columns shown; every
 * line of text is wrapped to the width too.
 */
export function renderTerminal(rows: readonly ResultRow[], layout: TerminalLayout = { width: outputWidth(), columns: { kind: 'headline' } }): string {
  const wrap = (text: string) => wrapText(text, layout.width).join('\n');
  const groups = tableGroups(rows);
  const all = groups.map((group) => columnsFor(group[0]?.workload ?? 'noop'));
  const shown = all.map((columns) => chooseColumns(columns, layout.columns));
  const parts = groups.map((group, g) => {
    const columns = shown[g] ?? [];
    const fitted = renderFitted(
      columns.map((c) => ({ header: c.header, key: c.id === 'strategy' })),
      group.map((row) => columns.map((c) => c.cell(row))),
      layout.width,
    );
    const notes = rowNotes(group).map(wrap);
    return `${wrap(tableTitle(group))}\n${fitted}${notes.length === 0 ? '' : `\n${notes.join('\n')}`}`;
  });
  const unstable = rows.some((row) => rowInstability(row).length > 0);
  const notes = [leftOut(union(all), union(shown)), legendFor(union(shown), unstable, rows.some(notConverged), rows.some((r) => busyRepetitions(r) > 0))].filter((n) => n !== '').map(wrap);
  return `${[parts.join('\n\n'), ...notes].join('\n')}\n`;
}
