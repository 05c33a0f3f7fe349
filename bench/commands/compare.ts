/**
 * `npm run compare -- BASE.json NEW.json`: two result files side by side, one table per workload.
 * Exit code 1 if a row's verdict went from correct to anything else; 2 for a bad command line or
 * a file that is not a results file.
 */
import { readFileSync } from 'node:fs';
import Table from 'cli-table3';
import { Command } from 'commander';
import { formatNumber } from '../reports/columns.ts';
import { compareReports, type Comparison, type FigureChange } from '../reports/comparison.ts';
import type { Report } from '../reports/report.ts';
import { usageExitCode, UsageError } from './usage-error.ts';
import { workloadNames } from '../workloads/registry.ts';
import { runEntry } from './entry.ts';

function load(path: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path} as JSON: ${(error as Error).message}`);
  }
  const report = data as Partial<Report> | null;
  if (report?.schema !== 'sync-bench/results@1' || !Array.isArray(report.rows)) {
    throw new UsageError(`${path} is not a results file (expected "schema": "sync-bench/results@1"); write one with npm run bench -- --json PATH`);
  }
  return report as Report;
}

function figure(c: FigureChange): string {
  if (c.base === null && c.next === null) return '–';
  const sides = `${c.base === null ? '–' : formatNumber(c.base)} → ${c.next === null ? '–' : formatNumber(c.next)}`;
  if (c.changePercent === null) return sides;
  const sign = c.changePercent > 0 ? '+' : '';
  return `${sides} (${sign}${c.changePercent.toFixed(1)}%)${c.beyondSpread ? ' *' : ''}`;
}

export function renderComparison(comparison: Comparison): string {
  const parts: string[] = [];
  for (const workload of workloadNames) {
    const rows = comparison.matched.filter((m) => m.workload === workload);
    if (rows.length === 0) continue;
    const table = new Table({
      head: ['latency', 'clients', 'strategy', 'wall (ms) median', 'throughput (ops/s) median', 'wait p50 (ms)', 'handoff gap p50 (ms)', 'verdict'],
      style: { head: [], border: [] },
    });
    for (const m of rows) {
      const verdict = m.baseVerdict === m.nextVerdict ? m.nextVerdict : `${m.baseVerdict} → ${m.nextVerdict}${m.verdictRegressed ? '  REGRESSED' : ''}`;
      table.push([m.latency, String(m.clients), m.strategy, figure(m.wallMs), figure(m.throughput), figure(m.waitP50Ms), figure(m.handoffGapP50Ms), verdict]);
    }
    parts.push(`${workload}: base → new\n${table.toString()}`);
  }
  if (comparison.onlyInBase.length > 0) parts.push(`only in base:\n${comparison.onlyInBase.map((k) => `  ${k}`).join('\n')}`);
  if (comparison.onlyInNext.length > 0) parts.push(`only in new:\n${comparison.onlyInNext.map((k) => `  ${k}`).join('\n')}`);
  parts.push('* the change is larger than the two runs\' spread: their min–max ranges over repetitions do not overlap.');
  return `${parts.join('\n\n')}\n`;
}

export function main(argv: readonly string[]): number {
  const cmd = new Command()
    .name('npm run compare --')
    .description('Compares two results files (npm run bench -- --json PATH, or results/default-suite.json) row by row.')
    .argument('<base>', 'the results file to compare against, e.g. results/default-suite.json')
    .argument('<new>', 'the newer results file')
    .helpOption('-h, --help', 'show this help')
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(text.split('\n')[0] + '\n') });
  try {
    cmd.parse(argv, { from: 'user' });
    const [basePath, nextPath] = cmd.args as [string, string];
    const [base, next] = [load(basePath), load(nextPath)];
    const where = (label: string, r: Report) =>
      `${label}: ${r.environment.date}, ${r.environment.cpu}, ${r.environment.cores} cores, Node ${r.environment.node}, harness ${r.environment.commit ?? '?'}\n`;
    process.stdout.write(`${where('base', base)}${where('new ', next)}\n`);
    process.stdout.write(renderComparison(compareReports(base, next)));
    const regressed = compareReports(base, next).matched.filter((m) => m.verdictRegressed);
    if (regressed.length > 0) {
      process.stderr.write(`verdict regressed: ${regressed.map((m) => m.key).join(', ')}\n`);
      return 1;
    }
    return 0;
  } catch (error) {
    return usageExitCode(error);
  }
}

void runEntry(import.meta.url, main);
