/**
 * Load sampled during a repetition: /proc lines parsed (names with spaces and parentheses), this
 * process's tree told from others, the strategies' servers not counted, a reused pid not counted
 * negative, and the busy rule (more than half a core) on fixed readings. The wrong readings it must
 * catch: our own client processes counted as others (every processes-runner repetition "busy"), a
 * PostgreSQL backend serving the row counted against it, a pid reused by a new process giving
 * negative CPU.
 */
import { describe, expect, it } from 'vitest';
import { BUSY_CORES, otherTicks, parseStat, repetitionLoad, startLoadSampler, treeOf, type ProcessTicks } from '../bench/reports/load-sampler.ts';

const stat = (pid: number, name: string, ppid: number, utime: number, stime: number) =>
  `${pid} (${name}) S ${ppid} ${pid} ${pid} 0 -1 4194304 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 100 1000 10 18446744073709551615`;

describe('parseStat', () => {
  it('reads the name, the parent and user + system ticks, even with spaces and parentheses in the name', () => {
    expect(parseStat(stat(42, 'node', 1, 120, 30))).toEqual({ ppid: 1, name: 'node', ticks: 150 });
    expect(parseStat(stat(43, 'Web (Content) x', 42, 5, 5))).toEqual({ ppid: 42, name: 'Web (Content) x', ticks: 10 });
    expect(parseStat('garbage')).toBeNull();
  });
});

describe('otherTicks', () => {
  const reading = (entries: [number, ProcessTicks][]) => new Map(entries);
  const before = reading([
    [1, { ppid: 0, name: 'init', ticks: 1000 }],
    [100, { ppid: 1, name: 'node', ticks: 500 }], // this run
    [101, { ppid: 100, name: 'node', ticks: 10 }], // a client process of this run
    [200, { ppid: 1, name: 'node', ticks: 50 }], // another program
    [300, { ppid: 1, name: 'postgres', ticks: 70 }],
    [400, { ppid: 1, name: 'make', ticks: 900 }],
  ]);
  const after = reading([
    [1, { ppid: 0, name: 'init', ticks: 1001 }],
    [100, { ppid: 1, name: 'node', ticks: 600 }],
    [101, { ppid: 100, name: 'node', ticks: 90 }],
    [102, { ppid: 101, name: 'sh', ticks: 40 }], // a grandchild, new
    [200, { ppid: 1, name: 'node', ticks: 80 }],
    [300, { ppid: 1, name: 'postgres', ticks: 170 }],
    [400, { ppid: 1, name: 'cc1', ticks: 20 }], // pid 400 reused by a new process
    [500, { ppid: 1, name: 'vitest', ticks: 15 }], // new since the last reading
  ]);

  it('knows this process tree, grandchildren included', () => {
    expect([...treeOf(100, after)].sort((a, b) => a - b)).toEqual([100, 101, 102]);
  });

  it("counts only other processes' ticks: not this tree, not the servers; a new or reused pid from 0", () => {
    // init 1 + other node 30 + reused pid 20 + new 15.
    expect(otherTicks(before, after, 100)).toBe(66);
  });
});

describe('repetitionLoad', () => {
  it('is busy above half a core on average over the repetition, not at it', () => {
    expect(BUSY_CORES).toBe(0.5);
    // 50 ticks of 10 ms over 1 s: 0.5 cores.
    expect(repetitionLoad(50, 1000, 3)).toEqual({ otherCores: 0.5, samples: 3, busy: false });
    expect(repetitionLoad(51, 1000, 3)).toMatchObject({ busy: true });
    expect(repetitionLoad(null, 1000, 1)).toEqual({ otherCores: null, samples: 1, busy: false });
  });
});

describe('startLoadSampler', () => {
  it('reads /proc at the start and the end of a repetition and gives a figure', async () => {
    const sampler = await startLoadSampler();
    const load = await sampler.stop();
    expect(load.samples).toBeGreaterThanOrEqual(2);
    expect(load.otherCores).not.toBeNull();
    expect(load.otherCores).toBeGreaterThanOrEqual(0);
  });
});
