/**
 * `npm run compare -- BASE.json NEW.json`: two results files side by side, one table per workload,
 * with each row's ratio of medians, its interval and a flag beyond the noise threshold (see
 * `comparison.ts`).
 *
 * Exit codes: 0 when every row of the base is in the new file, no verdict went from correct to
 * anything else and no row is flagged slower; 1 when one did, when a row is flagged slower (its
 * whole interval above 1 + the noise threshold), when a row of the base is missing from the new
 * file (a strategy that stopped running is a regression), when no row matches at all, or when the
 * new file has no rows (a row flagged faster is not an error); 2 for a bad command line, a file that is not a results file (old, foreign or damaged), or
 * runs whose settings differ (listed; `--force` compares them anyway, marking every line).
 */
import { Command } from 'commander';
import { formatNumber, NOT_CONVERGED_MARK, plural } from '../reports/columns.ts';
import { compareReports, REPETITIONS_TO_FLAG, type Comparison, type FigureChange, type MatchedRow, type RatioVerdict } from '../reports/comparison.ts';
import { describeHarness } from '../reports/environment.ts';
import { describeLoad } from '../reports/machine-load.ts';
import { renderFitted } from '../reports/fitted-table.ts';
import type { Report } from '../reports/report.ts';
import { loadResults } from '../reports/results-file.ts';
import { outputWidth } from '../reports/table.ts';
import { wrapText } from '../reports/text-width.ts';
import { usageExitCode, UsageError } from './usage-error.ts';
import { runEntry } from './entry.ts';
import { fitMessage, writeMessage } from './message-line.ts';

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

/** A ratio new / base with three decimals. */
function ratioText(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(3)}×` : '∞';
}

/** The change cell of a row: the ratio, its interval with the interval's coverage, and the flag. */
export function changeCell(t: RatioVerdict): string {
  if (t.kind === 'no data') return 'no repetitions to compare';
  if (t.kind === 'too few') return `${ratioText(t.ratio)}: too few repetitions to flag (${t.repetitions[0]} and ${t.repetitions[1]})`;
  const interval = `${ratioText(t.ratio)} [${t.lower.toFixed(3)}–${Number.isFinite(t.upper) ? t.upper.toFixed(3) : '∞'}] ${Math.floor(t.coverage * 100 + 1e-9)}%`;
  return t.flag === null ? interval : `* ${t.flag} ${interval}`;
}

/** Which side: "base", "new", "both" or ''. */
function sides(b: boolean, n: boolean): string {
  return b && n ? 'both' : b ? 'base' : n ? 'new' : '';
}

/** Which side's repetitions look unstable. */
function unstableCell(m: MatchedRow): string {
  return sides(m.baseUnstable.length > 0, m.nextUnstable.length > 0);
}

/** Which side's median wall time did not converge, with the mark of the bench tables. */
function unconvergedCell(m: MatchedRow): string {
  const which = sides(m.baseNotConverged, m.nextNotConverged);
  return which === '' ? '' : `${NOT_CONVERGED_MARK} ${which}`;
}

/** The legend under the tables: what the change column and the marks mean, with the noise threshold. */
export function compareLegend(c: Comparison): string {
  const t = `${(c.threshold * 100).toFixed(0)}%`;
  return (
    `Change: the median wall time new / base (throughput is its inverse), with an interval [new lower / base upper – new upper / base lower] ` +
    `from each side's distribution-free interval of the median (order statistics: the 95% interval from 6 repetitions, the min–max below that, ` +
    `which covers less), and the chance that both sides' intervals hold their medians, so that the ratio's interval holds the true ratio ` +
    `(at least). * slower / * faster: the whole interval lies beyond the noise threshold of ±${t} (above ${(1 + c.threshold).toFixed(2)} or below ` +
    `${(1 - c.threshold).toFixed(2)}), as criterion.rs flags a change. Each row is judged on its own repetitions, with no correction over rows; ` +
    `a row needs ${REPETITIONS_TO_FLAG} repetitions a side to be flagged. A row flagged slower makes the exit code 1. ` +
    `rank test p: the two-sided Mann-Whitney U p-value over the repetitions' wall times, uncorrected, for information: it flags nothing. ` +
    `unstable: the repetitions' wall times disagree by pyperf's checks (standard deviation ≥ 10% of the mean, or min or max ≥ 50% from it). ` +
    `${NOT_CONVERGED_MARK} not converged: that run stopped the row before its median wall time was known within 1% (or 2 ms) at 95%. ` +
    `Geometric mean: of new / base over the workload's rows, wall below 1 and throughput above 1 faster; its interval holds whenever every ` +
    `row's interval does, and is not given when a row has no interval.`
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
  const anyUnconverged = comparison.matched.some((m) => unconvergedCell(m) !== '');
  for (const [title, rows] of groups) {
    const columns = [
      { header: 'strategy', key: true },
      { header: 'wall (ms) median' },
      { header: 'throughput (ops/s) median' },
      { header: 'change (new / base)' },
      { header: 'rank test p (info)' },
      ...(anyUnstable ? [{ header: 'unstable' }] : []),
      ...(anyUnconverged ? [{ header: 'not converged' }] : []),
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
      changeCell(m.change),
      m.change.kind === 'interval' ? pValue(m.change.p) : '–',
      ...(anyUnstable ? [unstableCell(m)] : []),
      ...(anyUnconverged ? [unconvergedCell(m)] : []),
      figure(m.waitP50Ms),
      figure(m.handoffGapP50Ms),
      m.baseVerdict === m.nextVerdict ? m.nextVerdict : `${m.baseVerdict} → ${m.nextVerdict}${m.verdictRegressed ? '  REGRESSED' : ''}`,
      ...(comparison.forced ? [m.differences.length > 0 ? `FORCED: ${m.differences.join(', ')}` : 'FORCED'] : []),
    ]);
    parts.push(`${wrap(`${title}: base → new`)}\n${renderFitted(columns, cells, width)}`);
  }
  const ratios = comparison.ratios.map((r) => {
    const interval = r.wallInterval === null ? ' (no interval: a row has too few repetitions; not a figure to trust)' : ` [${r.wallInterval.lower.toFixed(3)}–${r.wallInterval.upper.toFixed(3)}]`;
    return `${r.workload}: geometric mean of new / base over ${plural(r.rows, 'row')}: wall ${r.wall.toFixed(3)}×${interval}, throughput ${r.throughput.toFixed(3)}×`;
  });
  if (ratios.length > 0) parts.push(ratios.map(wrap).join('\n'));
  const flaggedLines = (label: string, rows: readonly MatchedRow[]) =>
    rows.length === 0 ? [] : [`${label}:\n${rows.map((m) => `  ${m.key}: ${changeCell(m.change)}`).join('\n')}`];
  parts.push(...flaggedLines(`slower beyond the noise threshold (±${(comparison.threshold * 100).toFixed(0)}%)`, comparison.slower));
  parts.push(...flaggedLines(`faster beyond the noise threshold (±${(comparison.threshold * 100).toFixed(0)}%)`, comparison.faster));
  const regressed = comparison.matched.filter((m) => m.verdictRegressed);
  if (regressed.length > 0) parts.push(`verdicts regressed:\n${regressed.map((m) => `  ${m.key}: ${m.baseVerdict} → ${m.nextVerdict}  REGRESSED`).join('\n')}`);
  if (comparison.onlyInBase.length > 0) {
    parts.push(`only in base: missing from the new file (a strategy that stopped running is a regression):\n${comparison.onlyInBase.map((k) => `  ${k}`).join('\n')}`);
  }
  if (comparison.onlyInNext.length > 0) parts.push(`only in new:\n${comparison.onlyInNext.map((k) => `  ${k}`).join('\n')}`);
  parts.push(wrap(compareLegend(comparison)));
  return `${parts.join('\n\n')}\n`;
}

/**
 * The header lines of one file: when, where, which harness, how loaded the machine was, and its
 * busy warnings (indented), each wrapped to `width` columns like the tables below them.
 */
export function where(label: string, r: Report, width: number): string {
  const e = r.environment as Partial<Report['environment']> | undefined;
  const load = e === undefined ? '' : describeLoad(e);
  const warnings = (e?.load?.warnings ?? []).map((w) => `${indent(fitMessage(`warning: ${w}`, width - 2))}\n`).join('');
  const line = `${label}: ${e?.date ?? '?'}, ${e?.cpu ?? '?'}, ${e?.cores ?? '?'} cores, Node ${e?.node ?? '?'}, harness ${e === undefined ? '?' : describeHarness({ commit: e.commit ?? null, commitSource: e.commitSource })}${load === '' ? '' : `; ${load}`}`;
  return `${fitMessage(line, width)}\n${warnings}`;
}

/** Every line of `text` indented by two spaces. */
function indent(text: string): string {
  return text.split('\n').map((line) => `  ${line}`).join('\n');
}

function program(): Command {
  return new Command()
    .name('npm run compare --')
    .description('Compares two results files (npm run bench -- --json PATH, or results/default-suite.json) row by row: the ratio of medians of each row with its interval, flagged beyond a noise threshold; exits 1 when a row is slower.')
    .argument('<base>', 'the results file to compare against, e.g. results/default-suite.json')
    .argument('<new>', 'the newer results file')
    .option('--force', 'compare runs whose settings differ (clients, threads, tickets, latency, runner…), marking every line')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.split('\n')[0] + '\n') });
}

/** A command line of `npm run compare`, read: the two files' paths (not yet read) and --force. */
export interface Parsed {
  readonly basePath: string;
  readonly nextPath: string;
  readonly force: boolean;
}

/**
 * Reads `argv` (the arguments after the script) without reading the files. Throws a commander
 * error, already printed as one line on stderr, for a bad command line (and after printing
 * `--help`): `main` turns it into the exit code with `usageExitCode`.
 */
export function parse(argv: readonly string[]): Parsed {
  const cmd = program();
  cmd.parse(argv, { from: 'user' });
  const [basePath, nextPath] = cmd.args as [string, string];
  return { basePath, nextPath, force: cmd.opts<{ force?: boolean }>().force === true };
}

export function main(argv: readonly string[]): number {
  try {
    const { basePath, nextPath, force } = parse(argv);
    const [base, next] = [loadResults(basePath), loadResults(nextPath)];
    if (next.rows.length === 0) {
      writeMessage(`error: ${nextPath} has no rows: nothing was measured to compare`);
      return 1;
    }
    const comparison = compareReports(base, next, { force });
    if (comparison.differences.length > 0 && !force) {
      const listed = comparison.differences.map((d) => `${d.workload} ${d.setting}: base ${d.base}, new ${d.next}`).join('; ');
      throw new UsageError(`the runs' settings differ (${listed}): their figures are not a change of the code; rerun with the base's settings, or pass --force to compare anyway`);
    }
    const width = outputWidth();
    process.stdout.write(`${where('base', base, width)}${where('new ', next, width)}\n`);
    process.stdout.write(renderComparison(comparison, width));
    const problems: string[] = [];
    if (comparison.matched.length === 0) problems.push(`no row of ${basePath} matches a row of ${nextPath}`);
    if (comparison.onlyInBase.length > 0) problems.push(`missing from the new file: ${comparison.onlyInBase.join(', ')}`);
    const regressed = comparison.matched.filter((m) => m.verdictRegressed);
    if (regressed.length > 0) problems.push(`verdict regressed: ${regressed.map((m) => m.key).join(', ')}`);
    if (comparison.slower.length > 0) problems.push(`slower beyond the noise threshold: ${comparison.slower.map((m) => `${m.key} (${changeCell(m.change)})`).join(', ')}`);
    for (const problem of problems) writeMessage(problem);
    return problems.length > 0 ? 1 : 0;
  } catch (error) {
    return usageExitCode(error);
  }
}

void runEntry(import.meta.url, main);
