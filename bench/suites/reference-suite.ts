/**
 * The reference rows of a suite: the tutorial's own Python program under `multiprocessing.Lock`,
 * beside the processes runner's tables of the `doc` profile (the tutorial's own latencies), with
 * the same clients, tickets and seed. See `reference/python-reference.ts`.
 */
import { markdownTable } from 'markdown-table';
import { formatSpread, plural } from '../reports/columns.ts';
import { renderFitted } from '../reports/fitted-table.ts';
import { outputWidth } from '../reports/table.ts';
import { wrapText } from '../reports/text-width.ts';
import { runReference, type ReferenceRow } from '../reference/python-reference.ts';
import { latencyProfiles } from '../workloads/latency.ts';
import { workloads } from '../workloads/registry.ts';
import type { SuiteSettings } from './suite.ts';

/** Whether a suite gets reference rows: it runs the processes runner at the `doc` profile. */
export function wantsReference(suite: SuiteSettings): boolean {
  return suite.runners.includes('processes') && suite.latencies.includes('doc');
}

/** The reference row of each workload of `suite` at `doc`, one after another. */
export async function runReferences(suite: SuiteSettings, onStep: (what: string) => void = () => undefined, signal?: AbortSignal): Promise<ReferenceRow[]> {
  const rows: ReferenceRow[] = [];
  for (const workload of suite.workloads) {
    const clients = suite.clients ?? workloads[workload].defaultClients;
    onStep(`${workload} · doc · the tutorial's Python program · ${plural(suite.repeat, 'repetition')}`);
    rows.push(await runReference({ workload, latency: latencyProfiles.doc, clients, tickets: suite.tickets, repeat: suite.repeat, seed: suite.seed }, signal));
  }
  return rows;
}

const columns: readonly { header: string; cell: (r: ReferenceRow) => string }[] = [
  { header: 'program', cell: (r) => r.program.replace(" (the tutorial's program)", '') },
  { header: 'workload', cell: (r) => `${r.workload} · ${plural(r.clients, 'client')}${r.workload === 'ticket-rush' ? ` · ${plural(r.tickets, 'ticket')}` : ''}` },
  { header: 'verdict', cell: (r) => (r.verdict === 'correct' ? 'correct' : `${r.verdict}: ${r.reasons.join('; ')}`) },
  { header: 'program wall (ms) median [min–max]', cell: (r) => formatSpread(r.programWallMs) },
  { header: 'sold (tickets)', cell: (r) => (r.sold === undefined ? '–' : String(r.sold)) },
  { header: 'oversold (tickets)', cell: (r) => (r.oversold === undefined ? '–' : String(r.oversold)) },
  { header: 'interleaved (clients)', cell: (r) => (r.interleaved === undefined ? '–' : String(r.interleaved)) },
];

/** What the reference table's figures mean. */
export const referenceLegend =
  "the tutorial's own program (restated in bench/reference/tutorial.py), run by python3 with multiprocessing.Lock, the doc latencies, and the same clients, tickets and ordered-print sleeps as the processes runner. " +
  'program wall: its first Process.start() to its last join(), process start-up included: compare it with the processes runner\'s program wall, not its wall. ' +
  "Its verdict comes from the lines its clients printed and its final db, by the workloads' own checks.";

/** The reference rows as a terminal table `width` columns wide at most, with its title and legend. */
export function renderReferenceTerminal(rows: readonly ReferenceRow[], width: number = outputWidth()): string {
  if (rows.length === 0) return '';
  const table = renderFitted(
    columns.map((c, i) => ({ header: c.header, key: i === 0 })),
    rows.map((row) => columns.map((c) => c.cell(row))),
    width,
  );
  const wrap = (text: string) => wrapText(text, width).join('\n');
  return `${wrap("reference · the tutorial's Python program · latency doc")}\n${table}\n${wrap(referenceLegend)}\n`;
}

/** The reference rows as a Markdown section. */
export function renderReferenceMarkdown(rows: readonly ReferenceRow[]): string {
  if (rows.length === 0) return '';
  const table = markdownTable([columns.map((c) => c.header), ...rows.map((row) => columns.map((c) => c.cell(row).replace(/\|/g, '\\|')))]);
  return `## Reference: the tutorial's Python program · latency doc\n\n${table}\n\n${referenceLegend}\n`;
}
