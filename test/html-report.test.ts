/** `results/report.html` without a browser: what the page holds, read from a results folder, and `npm run report`. */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { main as report } from '../bench/commands/report.ts';
import { readResultsFolder, renderHtmlReport } from '../bench/reports/html-report.ts';
import type { Report } from '../bench/reports/report.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-html-report-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const fixture = JSON.parse(readFileSync(join(root, 'test/fixtures/report/default-suite.json'), 'utf8')) as Report;

describe('the report page', () => {
  it("a row per results row, each followed by what it opens; ticket-rush rows with their history drawn, others without; nothing fetched from a server", async () => {
    const folder = join(scratch, 'a');
    mkdirSync(folder);
    copyFileSync(join(root, 'test/fixtures/report/default-suite.json'), join(folder, 'default-suite.json'));
    const page = await renderHtmlReport(readResultsFolder(folder));
    const rows = [...page.matchAll(/<tr class="row"[^>]*data-i="(\d+)" data-workload="([^"]*)"/g)];
    expect(rows.map((m) => Number(m[1]))).toEqual(fixture.rows.map((_, i) => i));
    expect(rows.map((m) => m[2])).toEqual(fixture.rows.map((r) => r.workload));
    expect(page.match(/<tr class="detail" hidden>/g)).toHaveLength(fixture.rows.length);
    expect(page.match(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="history"/g)).toHaveLength(fixture.rows.filter((r) => r.workload === 'ticket-rush').length);
    // Every figure with its spread: each row's median wall time with its [min–max].
    for (const r of fixture.rows) if (r.wallMs && r.wallMs.min !== r.wallMs.max) expect(page).toContain(`data-v="${r.wallMs.median}"`);
    expect(page).not.toMatch(/<script[^>]+src=|<link |<img |@import|url\(http|fetch\(/);
  });

  it('rows of a file written before histories were kept say so; the sweeps are drawn from their JSON', async () => {
    const folder = join(scratch, 'b');
    mkdirSync(join(folder, 'sweep-rtt'), { recursive: true });
    const old = fixture.rows.map(({ history: _, ...row }) => row);
    writeFileSync(join(folder, 'default-suite.json'), JSON.stringify({ ...fixture, rows: old }));
    copyFileSync(join(root, 'results/sweep-rtt/sweep.json'), join(folder, 'sweep-rtt/sweep.json'));
    const page = await renderHtmlReport(readResultsFolder(folder));
    expect(page.match(/No history: this results file was written before rows kept one/g)).toHaveLength(fixture.rows.filter((r) => r.workload === 'ticket-rush').length);
    expect(page).toContain('Sweep: sweep-rtt/sweep.json');
    expect(page.match(/<figure /g)?.length).toBeGreaterThan(0);
  });

  it('npm run report writes report.html into the folder; a folder that is not there is a usage error', async () => {
    const folder = join(scratch, 'c');
    mkdirSync(folder);
    copyFileSync(join(root, 'test/fixtures/report/default-suite.json'), join(folder, 'default-suite.json'));
    expect(await report(['--dir', folder])).toBe(0);
    expect(readFileSync(join(folder, 'report.html'), 'utf8')).toMatch(/^<!doctype html>/);
    expect(await report(['--dir', join(scratch, 'missing')])).toBe(2);
  });
});
