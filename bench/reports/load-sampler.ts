/**
 * The load of other processes during one repetition, sampled while it runs (the environment's
 * machine load, `machine-load.ts`, covers the whole run, start and end only). Every
 * {@link SAMPLE_INTERVAL_MS} and at the start and end of the repetition, the CPU time (user +
 * system) of every process is read from `/proc/<pid>/stat`; the CPU time gained between samples by
 * processes outside this process's tree (this process, its worker threads, its client processes and
 * their children) is the other processes' share. A repetition is busy when that share, averaged over
 * its wall time, is more than {@link BUSY_CORES} of a core: what others took from a 2-core machine
 * then is a quarter of it or more.
 *
 * Not counted as others: the database and message servers the strategies use (processes named
 * `postgres`, `redis-server`, `beam.smp`, `nats-server`): under a server strategy their work is
 * the row's own; load that another program puts on them is not seen. A process that starts and ends
 * between two samples is not seen either; one first seen in a sample counts all its CPU time so far.
 * Linux only (elsewhere the figure is null); CPU time comes in USER_HZ ticks of 10 ms, so a
 * repetition of under a few hundred ms has a coarse figure.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** How often the processes are read during a repetition, ms. */
export const SAMPLE_INTERVAL_MS = 500;

/** A repetition during which other processes used more than this many cores on average is busy. */
export const BUSY_CORES = 0.5;

/** Linux's USER_HZ: clock ticks per second in `/proc/<pid>/stat`. */
const USER_HZ = 100;

/** Processes whose CPU time is the strategies' own servers', not another program's. */
const SERVER_NAMES = new Set(['postgres', 'redis-server', 'beam.smp', 'nats-server']);

/** What one repetition's sampling found, as kept in the JSON (`runs[].load`). */
export interface RepetitionLoad {
  /** Other processes' CPU time over the repetition's wall time, in cores; null where /proc cannot be read. */
  readonly otherCores: number | null;
  /** Readings of /proc taken, the start and end included. */
  readonly samples: number;
  /** otherCores > {@link BUSY_CORES}. */
  readonly busy: boolean;
}

/** One process in a reading of /proc: its parent, its name and its CPU time so far, ticks. */
export interface ProcessTicks {
  readonly ppid: number;
  readonly name: string;
  readonly ticks: number;
}

/** Parses one `/proc/<pid>/stat` line: name, ppid, utime + stime. Null for a line it cannot read. */
export function parseStat(line: string): ProcessTicks | null {
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // After the name: state, ppid, …; utime and stime are the 12th and 13th fields after it.
  const fields = line.slice(close + 2).split(' ');
  const [ppid, utime, stime] = [Number(fields[1]), Number(fields[11]), Number(fields[12])];
  if (![ppid, utime, stime].every(Number.isFinite)) return null;
  return { ppid, name: line.slice(open + 1, close), ticks: utime + stime };
}

/** Every process's ticks, by pid; empty when /proc cannot be read. */
async function readProcesses(): Promise<Map<number, ProcessTicks>> {
  const out = new Map<number, ProcessTicks>();
  let names: string[];
  try {
    names = await readdir('/proc');
  } catch {
    return out;
  }
  // One file at a time: the reads go through libuv's thread pool, which the run's own file
  // operations (file-lock's mkdir, stat and rename, in its worker threads) share; reading in
  // parallel would queue hundreds of tasks in front of them.
  for (const n of names.filter((name) => /^\d+$/.test(name))) {
    try {
      const parsed = parseStat(await readFile(`/proc/${n}/stat`, 'utf8'));
      if (parsed !== null) out.set(Number(n), parsed);
    } catch {
      // Ended between the listing and the read.
    }
  }
  return out;
}

/**
 * Every process's ticks, by pid, read at once without yielding: for the readings at a repetition's
 * start and end, outside its measured window, where the one-at-a-time reads of {@link readProcesses}
 * (each a wait for libuv's thread pool) took 0.2–1.2 s per repetition at a load average of 30. A
 * reading of 200 processes blocks this thread for a few ms.
 */
function readProcessesNow(): Map<number, ProcessTicks> {
  const out = new Map<number, ProcessTicks>();
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const n of names.filter((name) => /^\d+$/.test(name))) {
    try {
      const parsed = parseStat(readFileSync(`/proc/${n}/stat`, 'utf8'));
      if (parsed !== null) out.set(Number(n), parsed);
    } catch {
      // Ended between the listing and the read.
    }
  }
  return out;
}

/** The pids of `root` and its descendants in a reading. */
export function treeOf(root: number, processes: ReadonlyMap<number, ProcessTicks>): Set<number> {
  const tree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of processes) {
      if (!tree.has(pid) && tree.has(p.ppid)) {
        tree.add(pid);
        grew = true;
      }
    }
  }
  return tree;
}

/**
 * Other processes' CPU ticks gained from `before` to `after`: processes outside `root`'s tree (in
 * `after`) and not servers; a process absent from `before` counts its ticks from 0.
 */
export function otherTicks(before: ReadonlyMap<number, ProcessTicks>, after: ReadonlyMap<number, ProcessTicks>, root: number): number {
  const mine = treeOf(root, after);
  let sum = 0;
  for (const [pid, p] of after) {
    if (mine.has(pid) || SERVER_NAMES.has(p.name)) continue;
    const earlier = before.get(pid);
    // A pid reused by a new process has fewer ticks than the old one had: count the new one's.
    sum += earlier === undefined || earlier.ticks > p.ticks ? p.ticks : p.ticks - earlier.ticks;
  }
  return sum;
}

/** The load of a repetition from its other processes' ticks, its wall time (ms) and the readings taken. */
export function repetitionLoad(ticks: number | null, wallMs: number, samples: number): RepetitionLoad {
  if (ticks === null || wallMs <= 0) return { otherCores: null, samples, busy: false };
  const otherCores = (ticks * (1000 / USER_HZ)) / wallMs;
  return { otherCores, samples, busy: otherCores > BUSY_CORES };
}

/** A sampler running during one repetition; {@link LoadSampler.stop} takes the last reading and says what it found. */
export interface LoadSampler {
  stop(): Promise<RepetitionLoad>;
}

/**
 * Starts sampling other processes' CPU time now, every {@link SAMPLE_INTERVAL_MS}, until stopped.
 * Never throws. The first and last readings are taken at once (see {@link readProcessesNow}); a
 * reading still under way at the stop is dropped, not waited for (under load one took 20 s): the
 * last reading counts the ticks since the last one completed.
 */
export function startLoadSampler(root = process.pid): Promise<LoadSampler> {
  const started = performance.now();
  let last = readProcessesNow();
  const readable = last.size > 0;
  let ticks = 0;
  let samples = 1;
  let stopped = false;
  const take = (now: Map<number, ProcessTicks>) => {
    ticks += otherTicks(last, now, root);
    last = now;
    samples++;
  };
  let reading = false;
  // During the repetition, one file at a time, yielding between them (see `readProcesses`); one reading at a time.
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    void readProcesses().then((now) => {
      reading = false;
      if (!stopped) take(now);
    });
  }, SAMPLE_INTERVAL_MS);
  timer.unref();
  return Promise.resolve({
    stop() {
      clearInterval(timer);
      stopped = true;
      take(readProcessesNow());
      return Promise.resolve(repetitionLoad(readable ? ticks : null, performance.now() - started, samples));
    },
  });
}
