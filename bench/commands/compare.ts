/**
 * `npm run compare -- BASE.json NEW.json`: two results files side by side, one table per workload,
 * with a rank test over the repetitions (see `comparison.ts`).
 *
 * Exit codes: 0 when every row of the base is in the new file and no verdict went from correct to
 * anything else; 1 when one did, when a row of the base is missing from the new file (a strategy
 * that stopped running is a regression), when no row matches at all, or when the new file has no
 * rows; 2 for a bad command line, a file that is not a results file (old, foreign or damaged), or
 * runs whose settings differ (listed; `--force` compares them anyway, marking every line).
 */
import { Command } from 'commander';
import { formatNumber, plural } from '../reports/columns.ts';
import { compareReports, type Comparison, type FigureChange, type MatchedRow, type RankVerdict } from '../reports/comparison.ts';
import { describeHarness } from '../reports/environment.ts';
import { describeLoad } from '../reports/machine-load.ts';
import { renderFitted } from '../reports/fitted-table.ts';
import type { Report } from '../reports/report.ts';
import { loadResults } from '../reports/results-file.ts';
import { outputWidth } from '../reports/table.ts';
import { wrapText } from '../reports/text-width.ts';
import { usageExitCode, UsageError } from './usage-error.ts';
import { runEntry } from './entry.ts';

function figure(c: FigureChange): string {
  if (c.base === null && c.next === null) return '–';
  const sides = `${c.base === null ? '–' : formatNumber(c.base)} → ${c.next === null ? '–' : formatNumber(c.next)}`;
  if (c.changePercent === null) return sides;
  const sign = c.changePercent > 0 ? '+' : '';
  return `${sides} (${sign}${c.changePercent.toFixed(1)}%)`;
}

/** A p-value with two significant figures. */
function pValue(p: number): string {
  return p < 0.001 ? p.toExponential(1) : p.toPrecision(2);
}

/** The rank-test cell of a row. */
function testCell(t: RankVerdict): string {
  if (t.kind === 'no data') return 'no repetitions to test';
  if (t.kind === 'too few') return `too few repetitions to tell (${t.repetitions[0]} and ${t.repetitions[1]})`;
  if (!t.significant) return `no significant change (p ${pValue(t.p)})`;
  return `* ${t.direction} (p ${pValue(t.p)}, Holm ${pValue(t.adjustedP)})`;
}

/** Which side's repetitions look unstable: "base", "new", "both" or ''. */
function unstableCell(m: MatchedRow): string {
  const [b, n] = [m.baseUnstable.length > 0, m.nextUnstable.length > 0];
  return b && n ? 'both' : b ? 'base' : n ? 'new' : '';
}

/** The legend under the tables: what the marks mean, with α. */
export function compareLegend(c: Comparison): string {
  return (
    `Rank test: two-sided Mann-Whitney U over the repetitions' wall times (throughput is their inverse: the same test), exact permutation p-value ` +
    `up to 60 values; α = ${c.alpha} for the whole comparison, by Holm's correction over the ${plural(c.tested, 'row')} tested. ` +
    `* marks a change at that level. "too few repetitions to tell": with these repetitions the test cannot reach it, ` +
    `even if every repetition of one run were slower than every one of the other; ${c.needed} per side are needed in this comparison. ` +
    `unstable: the repetitions' wall times disagree by pyperf's checks (standard deviation ≥ 10% of the mean, or min or max ≥ 50% from it). ` +
    `Geometric mean: of new / base over the workload's rows; wall below 1 and throughput above 1 are faster.`
  );
}

/** The comparison as text for a terminal `width` columns wide: one table per workload, the ratios, the unmatched rows and the legend. */
export function renderComparison(comparison: Comparison, width = outputWidth()): string {
  const wrap = (text: string) => wrapText(text, width).join('\n');
  const parts: string[] = [];
  if (comparison.forced) {
    parts.push(wrap(`FORCED: the runs' settings differ (${comparison.differences.map((d) => `${d.workload} ${d.setting} ${d.base} → ${d.next}`).join('; ')}); every line is marked.`));
  }
  const groups = new Map<string, MatchedRow[]>();
  for (const m of comparison.matched) {
    const title = `${m.workload} · latency ${m.latency} · ${plural(m.clients, 'client')} · ${m.runner === 'threads' ? plural(m.threads, 'thread') : m.runner}`;
    groups.set(title, [...(groups.get(title) ?? []), m]);
  }
  const anyUnstable = comparison.matched.some((m) => unstableCell(m) !== '');
  for (const [title, rows] of groups) {
    const columns = [
      { header: 'strategy', key: true },
      { header: 'wall (ms) median' },
      { header: 'throughput (ops/s) median' },
      { header: 'rank test' },
      ...(anyUnstable ? [{ header: 'unstable' }] : []),
      { header: 'wait p50 (ms)' },
      { header: 'handoff gap p50 (ms)' },
      { header: 'verdict' },
      // Repeated in every block, as the strategy is: every line says it was forced.
      ...(comparison.forced ? [{ header: 'forced: settings', key: true }] : []),
    ];
    const cells = rows.map((m) => [
      m.strategy,
      figure(m.wallMs),
      figure(m.throughput),
      testCell(m.test),
      ...(anyUnstable ? [unstableCell(m)] : []),
      figure(m.waitP50Ms),
      figure(m.handoffGapP50Ms),
      m.baseVerdict === m.nextVerdict ? m.nextVerdict : `${m.baseVerdict} → ${m.nextVerdict}${m.verdictRegressed ? '  REGRESSED' : ''}`,
      ...(comparison.forced ? [m.differences.length > 0 ? `FORCED: ${m.differences.join(', ')}` : 'FORCED'] : []),
    ]);
    parts.push(`${wrap(`${title}: base → new`)}\n${renderFitted(columns, cells, width)}`);
  }
  const ratios = comparison.ratios.map(
    (r) => `${r.workload}: geometric mean of new / base over ${plural(r.rows, 'row')}: wall ${r.wall.toFixed(3)}×, throughput ${r.throughput.toFixed(3)}×`,
  );
  if (ratios.length > 0) parts.push(ratios.map(wrap).join('\n'));
  const regressed = comparison.matched.filter((m) => m.verdictRegressed);
  if (regressed.length > 0) parts.push(`verdicts regressed:\n${regressed.map((m) => `  ${m.key}: ${m.baseVerdict} → ${m.nextVerdict}  REGRESSED`).join('\n')}`);
  if (comparison.onlyInBase.length > 0) {
    parts.push(`only in base: missing from the new file (a strategy that stopped running is a regression):\n${comparison.onlyInBase.map((k) => `  ${k}`).join('\n')}`);
  }
  if (comparison.onlyInNext.length > 0) parts.push(`only in new:\n${comparison.onlyInNext.map((k) => `  ${k}`).join('\n')}`);
  parts.push(wrap(compareLegend(comparison)));
  return `${parts.join('\n\n')}\n`;
}

/** The header lines of one file: when, where, which harness, how loaded the machine was, and its busy warnings. */
function where(label: string, r: Report): string {
  const e = r.environment as Partial<Report['environment']> | undefined;
  const load = e === undefined ? '' : describeLoad(e);
  const warnings = (e?.load?.warnings ?? []).map((w) => `  warning: ${w}\n`).join('');
  return `${label}: ${e?.date ?? '?'}, ${e?.cpu ?? '?'}, ${e?.cores ?? '?'} cores, Node ${e?.node ?? '?'}, harness ${e === undefined ? '?' : describeHarness({ commit: e.commit ?? null, commitSource: e.commitSource })}${load === '' ? '' : `; ${load}`}\n${warnings}`;
}

export function main(argv: readonly string[]): number {
  const cmd = new Command()
    .name('npm run compare --')
    .description('Compares two results files (npm run bench -- --json PATH, or results/default-suite.json) row by row, with a rank test over the repetitions.')
    .argument('<base>', 'the results file to compare against, e.g. results/default-suite.json')
    .argument('<new>', 'the newer results file')
    .option('--force', 'compare runs whose settings differ (clients, threads, tickets, latency, runner…), marking every line')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.split('\n')[0] + '\n') });
  try {
    cmd.parse(argv, { from: 'user' });
    const [basePath, nextPath] = cmd.args as [string, string];
    const [base, next] = [loadResults(basePath), loadResults(nextPath)];
    const force = cmd.opts<{ force?: boolean }>().force === true;
    if (next.rows.length === 0) {
      process.stderr.write(`error: ${nextPath} has no rows: nothing was measured to compare\n`);
      return 1;
    }
    const comparison = compareReports(base, next, { force });
    if (comparison.differences.length > 0 && !force) {
      const listed = comparison.differences.map((d) => `${d.workload} ${d.setting}: base ${d.base}, new ${d.next}`).join('; ');
      throw new UsageError(`the runs' settings differ (${listed}): their figures are not a change of the code; rerun with the base's settings, or pass --force to compare anyway`);
    }
    process.stdout.write(`${where('base', base)}${where('new ', next)}\n`);
    process.stdout.write(renderComparison(comparison));
    const problems: string[] = [];
    if (comparison.matched.length === 0) problems.push(`no row of ${basePath} matches a row of ${nextPath}`);
    if (comparison.onlyInBase.length > 0) problems.push(`missing from the new file: ${comparison.onlyInBase.join(', ')}`);
    const regressed = comparison.matched.filter((m) => m.verdictRegressed);
    if (regressed.length > 0) problems.push(`verdict regressed: ${regressed.map((m) => m.key).join(', ')}`);
    for (const problem of problems) process.stderr.write(`${problem}\n`);
    return problems.length > 0 ? 1 : 0;
  } catch (error) {
    return usageExitCode(error);
  }
}

void runEntry(import.meta.url, main);
