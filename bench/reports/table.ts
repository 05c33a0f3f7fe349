import Table from 'cli-table3';
import { columnsFor, legend, tableGroups, tableTitle } from './columns.ts';
import type { ResultRow } from '../suites/summary.ts';

/** Widest a column gets before its text wraps, characters. */
const MAX_WIDTH = 20;

/** The rows as terminal tables (cli-table3), one per workload × latency × clients. */
export function renderTerminal(rows: readonly ResultRow[]): string {
  const parts = tableGroups(rows).map((group) => {
    const first = group[0];
    if (first === undefined) return '';
    const columns = columnsFor(first.workload);
    const cells = group.map((row) => columns.map((c) => c.cell(row)));
    // Narrow columns: a header wraps at its spaces, a long cell (a verdict's reasons) wraps too.
    const colWidths = columns.map((c, i) => {
      const longestWord = Math.max(...c.header.split(' ').map((w) => w.length));
      const widest = Math.max(longestWord, ...cells.map((r) => (r[i] ?? '').length));
      return Math.min(MAX_WIDTH, widest) + 2;
    });
    const table = new Table({ head: columns.map((c) => c.header), colWidths, wordWrap: true, style: { head: [], border: [] } });
    for (const row of cells) table.push(row);
    return `${tableTitle(group)}\n${table.toString()}`;
  });
  return `${parts.join('\n\n')}\n${legend}\n`;
}
