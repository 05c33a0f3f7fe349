/**
 * `results/report.html` and `check-history --html` in a real browser: Debian's Chromium, driven by
 * playwright-core. The page is generated from a real run's JSON (`fixtures/report/`) and the
 * committed rtt sweep; the test reads no console error, finds the JSON's rows, sorts, filters,
 * opens the non-linearizable row and finds its window drawn, and saves screenshots (a desktop and
 * a phone) into a temporary folder. Without Chromium the tests are skipped, with the reason,
 * unless `SYNC_BENCH_REQUIRE_BROWSER=1` (CI), where they fail.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinearizability } from '../bench/histories/linearizability.ts';
import { keptToHistory } from '../bench/histories/run-history.ts';
import { ticketCounter } from '../bench/histories/ticket-counter.ts';
import { main as checkHistory } from '../bench/commands/check-history.ts';
import { readResultsFolder, renderHtmlReport } from '../bench/reports/html-report.ts';
import type { Report } from '../bench/reports/report.ts';

const CHROMIUM = '/usr/bin/chromium';
const required = process.env.SYNC_BENCH_REQUIRE_BROWSER === '1';
const missing = existsSync(CHROMIUM) ? null : `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
const root = fileURLToPath(new URL('..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'sync-bench-report-'));
const results = JSON.parse(readFileSync(join(root, 'test/fixtures/report/default-suite.json'), 'utf8')) as Report;

let browser: Browser;
/** Console errors and uncaught exceptions of every page opened. */
const errors: string[] = [];

async function open(file: string, width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  // Nothing but the file itself: any request to a server is an error of the page.
  page.on('request', (r) => {
    if (!r.url().startsWith('file:')) errors.push(`request to ${r.url()}`);
  });
  await page.goto(pathToFileURL(file).href);
  return page;
}

describe.skipIf(missing !== null && !required)(`the HTML pages in Chromium${missing === null ? '' : ` (skipped: ${missing})`}`, () => {
  const folder = join(scratch, 'results');
  const reportFile = join(folder, 'report.html');

  beforeAll(async () => {
    if (missing !== null) throw new Error(`${missing}, and SYNC_BENCH_REQUIRE_BROWSER=1`);
    mkdirSync(join(folder, 'sweep-rtt'), { recursive: true });
    copyFileSync(join(root, 'test/fixtures/report/default-suite.json'), join(folder, 'default-suite.json'));
    copyFileSync(join(root, 'results/sweep-rtt/sweep.json'), join(folder, 'sweep-rtt/sweep.json'));
    writeFileSync(reportFile, await renderHtmlReport(readResultsFolder(folder)));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    process.stderr.write(`report-browser: pages and screenshots in ${scratch}\n`);
  });

  it('the report: the rows of the JSON, sorted by a column, filtered, the non-linearizable row opened on its window', async () => {
    const page = await open(reportFile, 1280, 800);
    const rows = page.locator('#headline tr.row');
    expect(await rows.count()).toBe(results.rows.length);
    const shown = await rows.evaluateAll((trs) => (trs as unknown as { children: ArrayLike<{ textContent: string | null }> }[]).map((tr) => Array.from(tr.children).slice(0, 4).map((td) => td.textContent)));
    expect(shown).toEqual(results.rows.map((r) => [r.workload, r.latency, r.runner, r.strategy]));

    // Sort by the wall time: ascending, then descending on a second click; rows without one last.
    const header = page.locator('#headline > thead th', { hasText: 'wall ms' });
    const walls = () => rows.evaluateAll((trs) => (trs as unknown as { children: ArrayLike<{ getAttribute(n: string): string | null }> }[]).map((tr) => tr.children[8]?.getAttribute('data-v') ?? ''));
    const expected = results.rows.map((r) => r.wallMs?.median).filter((v): v is number => v !== undefined).sort((a, b) => a - b);
    await header.locator('button').click();
    expect(await header.getAttribute('aria-sort')).toBe('ascending');
    expect((await walls()).map(Number)).toEqual(expected);
    await header.locator('button').click();
    expect((await walls()).map(Number)).toEqual([...expected].reverse());

    // Filter by workload.
    await page.selectOption('select[data-filter="workload"]', 'ticket-rush');
    expect(await page.locator('#headline tr.row:visible').count()).toBe(results.rows.filter((r) => r.workload === 'ticket-rush').length);

    // Open the row whose history is not linearizable: its window is drawn, as the checker finds it.
    const index = results.rows.findIndex((r) => r.linearizable === 'no');
    const row = results.rows[index];
    if (row?.history === undefined || row.history === null) throw new Error('the fixture has no non-linearizable row with a history');
    const check = checkLinearizability(keptToHistory(row.history.operations), ticketCounter(row.history.tickets));
    if (check.verdict !== 'not linearizable') throw new Error(`the fixture's history is ${check.verdict}`);
    const tr = page.locator(`#headline tr.row[data-i="${index}"]`);
    const detail = tr.locator('xpath=following-sibling::tr[1]');
    expect(await detail.isVisible()).toBe(false);
    await tr.click();
    expect(await tr.getAttribute('aria-expanded')).toBe('true');
    const windowOps = detail.locator('svg.history g.op.window');
    expect(await windowOps.count()).toBe(check.window.length);
    expect(await windowOps.evaluateAll((gs) => (gs as unknown as { getAttribute(n: string): string | null }[]).map((g) => Number(g.getAttribute('data-index'))))).toEqual(check.window.map((op) => op.index));
    await windowOps.first().scrollIntoViewIfNeeded();
    expect(await windowOps.first().isVisible()).toBe(true);
    expect(await detail.locator('svg.history g.op').count()).toBe(row.history.operations.length);
    expect(await detail.locator('td', { hasText: 'repetition' }).count()).toBeGreaterThan(0);
    expect(await page.locator('figure svg').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(scratch, 'report-1280x800.png') });
    await page.close();

    const phone = await open(reportFile, 390, 844);
    // The headline table scrolls sideways in its box, the page does not; scrolled to its far right,
    // each row still shows its strategy at the left edge.
    expect(await phone.locator('html').evaluate((e) => (e as unknown as { scrollWidth: number }).scrollWidth)).toBeLessThanOrEqual(390);
    const box = phone.locator('.scroll:has(> #headline)');
    type Scrolled = { scrollWidth: number; clientWidth: number; scrollLeft: number };
    expect(await box.evaluate((e) => (e as unknown as Scrolled).scrollWidth > (e as unknown as Scrolled).clientWidth)).toBe(true);
    await box.evaluate((e) => {
      (e as unknown as Scrolled).scrollLeft = (e as unknown as Scrolled).scrollWidth;
    });
    const strategyCell = phone.locator('#headline tr.row').first().locator('td').nth(3);
    expect(await strategyCell.textContent()).toBe(results.rows[0]?.strategy);
    const cell = await strategyCell.boundingBox();
    const boxLeft = (await box.boundingBox())?.x ?? Number.NaN;
    expect(cell?.x).toBeGreaterThanOrEqual(boxLeft - 1);
    expect((cell?.x ?? 0) + (cell?.width ?? 0)).toBeLessThanOrEqual(390);
    await box.evaluate((e) => {
      (e as unknown as Scrolled).scrollLeft = 0;
    });
    await phone.locator(`#headline tr.row[data-i="${index}"]`).click();
    await phone.screenshot({ path: join(scratch, 'report-390x844.png'), fullPage: false });
    await phone.close();
    expect(errors).toEqual([]);
    expect(existsSync(join(scratch, 'report-1280x800.png'))).toBe(true);
  }, 120_000);

  it('check-history --html: a Jepsen stale read drawn, the two reads red, the states on hover', async () => {
    const out = join(scratch, 'stale-read.html');
    expect(checkHistory([join(root, 'test/fixtures/histories/register-stale-read.jepsen.txt'), '--model', 'cas-register', '--html', out])).toBe(1);
    const page = await open(out, 1280, 800);
    const red = page.locator('svg.history g.op.window');
    expect(await red.evaluateAll((gs) => (gs as unknown as { getAttribute(n: string): string | null }[]).map((g) => Number(g.getAttribute('data-index'))))).toEqual([1, 2]);
    expect(await page.locator('svg.history g.op:not(.window)').count()).toBe(1);
    expect(await red.first().locator('title').textContent()).toMatch(/read\(\) -> 1[\s\S]*in the window/);
    await page.screenshot({ path: join(scratch, 'stale-read-1280x800.png') });
    await page.close();
    expect(errors).toEqual([]);
  }, 120_000);
});
