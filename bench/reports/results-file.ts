/**
 * Reading a results file (`npm run bench -- --json PATH`, `results/default-suite.json`) for
 * `npm run compare`: every field the comparison reads is checked first, so an old, foreign or
 * damaged file is one line naming the file and what is wrong (a {@link UsageError}, exit 2),
 * never a TypeError half-way through.
 */
import { readFileSync } from 'node:fs';
import { UsageError } from '../commands/usage-error.ts';
import type { Report } from './report.ts';
import { oneLine } from '../runners/one-line.ts';

const RESULTS_SCHEMA = 'sync-bench/results@1';

/** The project's other JSON files, by schema, with what they are: named when one is given instead of a results file. */
const OTHER_SCHEMAS: Readonly<Record<string, string>> = {
  'sync-bench/faults@1': 'a fault table (npm run bench -- --fault)',
  'sync-bench/sweep@1': 'a sweep (npm run bench:sweep)',
  'sync-bench/micro@1': 'a table of primitive costs (npm run bench:micro)',
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isSpread = (v: unknown) => v === null || (isObject(v) && ['median', 'min', 'max'].every((k) => typeof v[k] === 'number'));
const isPercentiles = (v: unknown) => v === undefined || (isObject(v) && (v.p50 === null || typeof v.p50 === 'number'));
const isRuns = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((run) => isObject(run) && (run.wallMs === null || run.wallMs === undefined || typeof run.wallMs === 'number')));

/** Each checked field of a row: what it must be, and the test. */
const ROW_FIELDS: readonly [string, string, (v: unknown) => boolean][] = [
  ['workload', 'a string', (v) => typeof v === 'string'],
  ['strategy', 'a string', (v) => typeof v === 'string'],
  ['latency', 'a string', (v) => typeof v === 'string'],
  ['clients', 'a number', (v) => typeof v === 'number'],
  ['threads', 'a number', (v) => typeof v === 'number'],
  ['verdict', 'a string', (v) => typeof v === 'string'],
  ['wallMs', '{ median, min, max } or null', isSpread],
  ['throughput', '{ median, min, max } or null', isSpread],
  ['waitMs', '{ p50, … }', isPercentiles],
  ['handoffGapMs', '{ p50, … }', isPercentiles],
  ['runs', 'a list of repetitions with wallMs', isRuns],
  ['tickets', 'a number', (v) => v === undefined || typeof v === 'number'],
  ['runner', 'a string', (v) => v === undefined || typeof v === 'string'],
];

/** A short, one-line rendering of a JSON value for an error message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

/**
 * Checks that `data` (parsed from `path`) is a results file whose rows the comparison can read,
 * and returns it typed. Throws a {@link UsageError} naming `path`, the row and the field
 * otherwise. Fields a comparison does not need may be missing (older files lack some).
 */
export function asResults(data: unknown, path: string): Report {
  const schema = isObject(data) ? data.schema : undefined;
  if (typeof schema === 'string' && OTHER_SCHEMAS[schema] !== undefined) {
    throw new UsageError(`${path} is ${OTHER_SCHEMAS[schema]}, "schema": "${schema}", not a results file; compare takes the JSON of npm run bench -- --json PATH`);
  }
  if (!isObject(data) || schema !== RESULTS_SCHEMA || !Array.isArray(data.rows)) {
    throw new UsageError(`${path} is not a results file (expected "schema": "${RESULTS_SCHEMA}" and "rows"); write one with npm run bench -- --json PATH`);
  }
  data.rows.forEach((row: unknown, i: number) => {
    if (!isObject(row)) throw new UsageError(`${path} is not a results file this harness can read: row ${i + 1} is ${shown(row)}, not an object`);
    for (const [field, what, ok] of ROW_FIELDS) {
      if (!ok(row[field])) {
        throw new UsageError(
          `${path} is not a results file this harness can read: row ${i + 1} has ${row[field] === undefined ? `no "${field}"` : `"${field}": ${shown(row[field])}`} (expected ${what}); was it written by another tool or an older harness?`,
        );
      }
    }
  });
  return data as unknown as Report;
}

/** Reads and checks the results file at `path` (see {@link asResults}); a file that cannot be read or parsed is a {@link UsageError} too. */
export function loadResults(path: string): Report {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`cannot read ${path} as JSON: ${oneLine(error)}`);
  }
  return asResults(data, path);
}
