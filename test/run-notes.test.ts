/**
 * What a strategy tells the row (`ClientEnv.note`, `bench/evidence/run-notes.ts`) and where the
 * row says its state lives (`bench/reports/file-system.ts`): file-lock's waiters that only poll
 * because file-change events are unavailable are named in the row, its JSON and the tables, in
 * both runners; "disk" is said only of a file system on a disk.
 */
import { EventEmitter } from 'node:events';
import type { FSWatcher, watch } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNotes, writeNote } from '../bench/evidence/run-notes.ts';
import { fileSystemOf, stateLocationOn } from '../bench/reports/file-system.ts';
import { renderMarkdown } from '../bench/reports/report.ts';
import { environment } from '../bench/reports/environment.ts';
import { renderTerminal } from '../bench/reports/table.ts';
import { runOnce, type RunSettings } from '../bench/runners/run.ts';
import type { RunnerName } from '../bench/runners/runner.ts';
import { summarise } from '../bench/suites/summary.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import type { StrategyName } from '../strategies/registry.ts';
import { LockWaitQueue } from '../strategies/support/lock-wait-queue.ts';

const failing: typeof watch = () => {
  throw Object.assign(new Error('EMFILE: too many open files, watch'), { code: 'EMFILE' });
};
const working = (() => Object.assign(new EventEmitter(), { close: () => undefined }) as unknown as FSWatcher) as unknown as typeof watch;

describe('the lock wait queue without file-change events', () => {
  it('tells every session that opened it with a note, once each, why its waiters only poll', () => {
    const queue = new LockWaitQueue('/nonexistent/db.json.lock', 10, () => true, failing);
    const told: string[] = [];
    queue.open((text) => told.push(`a: ${text}`));
    queue.open((text) => told.push(`b: ${text}`));
    queue.open();
    expect(told).toEqual([
      'a: file-change events unavailable (fs.watch: EMFILE): waiters polled the lock every 10 ms instead of waking at its release',
      'b: file-change events unavailable (fs.watch: EMFILE): waiters polled the lock every 10 ms instead of waking at its release',
    ]);
    queue.close();
    queue.close();
    queue.close();
  });

  it('says nothing while it watches, and tells when the watcher fails later', () => {
    let watcher: EventEmitter | null = null;
    const queue = new LockWaitQueue('/nonexistent/db.json.lock', 10, () => true, ((...args: Parameters<typeof watch>) => {
      watcher = (working as (...a: Parameters<typeof watch>) => EventEmitter)(...args);
      return watcher;
    }) as unknown as typeof watch);
    const told: string[] = [];
    queue.open((text) => told.push(text));
    expect(told).toEqual([]);
    (watcher as EventEmitter | null)?.emit('error', Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' }));
    expect(told).toEqual(['file-change events unavailable (fs.watch: ENOSPC): waiters polled the lock every 10 ms instead of waking at its release']);
    queue.close();
  });
});

describe('the notes file', () => {
  it('keeps each distinct line once, in the order first written, on one line each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'notes-test-'));
    try {
      const path = join(dir, 'notes');
      expect(readNotes(path)).toEqual([]);
      writeNote(path, 'one');
      writeNote(path, 'two\nlines');
      writeNote(path, 'one');
      expect(readNotes(path)).toEqual(['one', 'two lines']);
      writeNote(join(dir, 'gone', 'notes'), 'dropped without a throw');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.each(['threads', 'processes'] as const satisfies readonly RunnerName[])('file-lock without file-change events (%s runner)', (runner) => {
  it('is correct, and its row, JSON and tables say its waiters only polled', async () => {
    const settings: RunSettings = {
      workload: 'ticket-rush',
      strategy: 'file-lock-without-events' as StrategyName,
      strategyModule: new URL('./fixtures/degraded/file-lock-without-events.ts', import.meta.url).href,
      runner,
      clients: 6,
      threads: 2,
      tickets: 3,
      latency: latencyProfiles.quick,
      seed: 1,
      staggerMs: 0,
      fault: null,
    };
    const run = await runOnce(settings);
    expect(run.status === 'failed' ? run.error : run.problems).toEqual([]);
    const note = 'file-change events unavailable (fs.watch: EMFILE): waiters polled the lock every 10 ms instead of waking at its release';
    expect(run.status === 'completed' && run.notes).toEqual([note]);
    const row = summarise(settings, [run]);
    expect(row.notes).toEqual([note]);
    expect(JSON.parse(JSON.stringify(row))).toMatchObject({ notes: [note] });
    expect(renderTerminal([row], { width: 400, columns: { kind: 'headline' } })).toContain(`note: file-lock-without-events (${runner}): ${note}`);
    expect(renderMarkdown({ schema: 'sync-bench/results@1', environment: environment(), command: '', settings: {} as never, rows: [row] })).toContain(`- note: file-lock-without-events (${runner}): ${note}`);
  });
});

describe('where the state lives', () => {
  it('says "disk" only of a file system on a disk', () => {
    expect(stateLocationOn('db file (disk)', 'tmpfs')).toBe('db file (in memory: tmpfs)');
    expect(stateLocationOn('SQLite database (disk)', 'ext4')).toBe('SQLite database (disk: ext4)');
    expect(stateLocationOn('db file (disk)', 'nfs4')).toBe('db file (network: nfs4)');
    expect(stateLocationOn('db file (disk)', undefined)).toBe('db file (disk)');
    expect(stateLocationOn('Redis key (server)', 'tmpfs')).toBe('Redis key (server)');
  });

  it("a row's label is that of the run folder's file system, as /proc/mounts has it", async () => {
    const type = fileSystemOf(tmpdir())?.type;
    const settings: RunSettings = { workload: 'ticket-rush', strategy: 'flock', runner: 'threads', clients: 2, threads: 1, tickets: 1, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: null };
    const run = await runOnce(settings);
    expect(run.status === 'completed' && run.folderFileSystem).toBe(type ?? null);
    expect(summarise(settings, [run]).stateLocation).toBe(stateLocationOn('db file (disk)', type));
    if (fileSystemOf('/dev/shm') !== undefined) expect(fileSystemOf('/dev/shm')?.type).toBe('tmpfs');
  });
});
