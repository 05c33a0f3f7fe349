/**
 * How busy the machine was while a run measured: the load average at its start and end, the CPU
 * time other processes took meanwhile, and other sync-bench runs that overlapped it. Two runs at
 * once slow each other down (and, given the same output path, overwrite each other's files), with
 * nothing in their figures to show it; this is what shows it.
 *
 * Sources: `os.loadavg()` (1, 5 and 15 minutes; zeros on Windows), `os.cpus()` times (machine
 * CPU time, all cores, as the kernel counts it), `process.cpuUsage()` (this process, all its
 * threads) plus, on Linux, the CPU time of its waited-for child processes from `/proc/self/stat`
 * (`cutime` + `cstime`, in USER_HZ = 100 ticks per second, as Linux reports to user space). Other
 * runs of this checkout are found through a marker file each run keeps, while it runs and for a
 * day after, in `node_modules/.cache/sync-bench/runs/` (never in the temporary folder, which a
 * run leaves as it found it).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Other processes using this share of the machine's cores or more, on average over the run, make it busy. */
export const BUSY_SHARE = 0.1;

/** Marker files of runs that ended longer ago than this are removed, ms. */
const MARKER_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Linux's USER_HZ: clock ticks per second in `/proc/<pid>/stat`. */
const USER_HZ = 100;

/** What the machine looked like when a run started (see {@link loadAtStart}). */
export interface LoadStart {
  readonly startedAt: number;
  /** 1, 5 and 15 minute load averages. */
  readonly loadAverage: readonly number[];
  /** Machine CPU time, all cores: busy and total, ms. */
  readonly machineBusyMs: number;
  /** This process's CPU time, threads and waited-for children, ms. */
  readonly ownCpuMs: number;
  /** This run's marker file, or null when none could be written. */
  readonly marker: string | null;
}

/** How busy the machine was during a run, as kept in a report's environment. */
export interface MachineLoad {
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  readonly loadAverageStart: readonly number[];
  readonly loadAverageEnd: readonly number[];
  /**
   * CPU time that other processes took during the run, as an average count of busy cores (machine
   * CPU time less this run's, over the run's wall time); null where the machine does not report it.
   */
  readonly otherProcessesCores: number | null;
  /** Other sync-bench runs that overlapped this one: "pid 123 (npm run bench -- …)". */
  readonly concurrentRuns: readonly string[];
  /** Why the figures may be slower than the machine can do: one sentence each; empty on a quiet machine. */
  readonly warnings: readonly string[];
}

function markerDir(): string {
  return fileURLToPath(new URL('../../node_modules/.cache/sync-bench/runs/', import.meta.url));
}

function machineBusyMs(): number {
  return os.cpus().reduce((sum, cpu) => sum + cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq, 0);
}

/** CPU time of this process (all threads) and of its waited-for child processes, ms. */
function ownCpuMs(): number {
  const usage = process.cpuUsage();
  let children = 0;
  try {
    // Fields after the command name (which is in parentheses and may hold spaces): cutime and cstime are the 14th and 15th of them.
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    children = ((Number(fields[13]) || 0) + (Number(fields[14]) || 0)) * (1000 / USER_HZ);
  } catch {
    // Not Linux: child processes' CPU time is not known, and counts as other processes'.
  }
  return (usage.user + usage.system) / 1000 + children;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

interface Marker {
  readonly pid: number;
  readonly command: string;
  readonly started: number;
  readonly ended: number | null;
}

function readMarkers(): { file: string; marker: Marker }[] {
  const dir = markerDir();
  const out: { file: string; marker: Marker }[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    try {
      const marker = JSON.parse(readFileSync(file, 'utf8')) as Marker;
      if (typeof marker.pid === 'number' && typeof marker.started === 'number') out.push({ file, marker });
    } catch {
      // Being written, or not ours: skip it.
    }
  }
  return out;
}

/** The command line of this process, as a user would have typed it. */
function commandLine(): string {
  const script = process.argv[1]?.split('/').pop() ?? 'node';
  return `${script.replace(/\.ts$/, '')} ${process.argv.slice(2).join(' ')}`.trim();
}

/**
 * Notes the machine's state as a run starts, and leaves a marker that other runs can see. Never
 * throws: what cannot be read is left out.
 */
export function loadAtStart(): LoadStart {
  const startedAt = Date.now();
  let marker: string | null = null;
  try {
    mkdirSync(markerDir(), { recursive: true, mode: 0o1777 });
    marker = join(markerDir(), `${process.pid}-${startedAt}.json`);
    writeFileSync(marker, JSON.stringify({ pid: process.pid, command: commandLine(), started: startedAt, ended: null } satisfies Marker));
  } catch {
    marker = null;
  }
  return { startedAt, loadAverage: os.loadavg(), machineBusyMs: machineBusyMs(), ownCpuMs: ownCpuMs(), marker };
}

/**
 * How busy the machine was from `start` to now, with a warning for each sign that it was: other
 * processes took {@link BUSY_SHARE} of its cores or more, or another sync-bench run overlapped
 * this one. Marks this run's marker as ended and removes markers older than a day, and those of
 * runs that died without ending. Never throws.
 */
export function loadAtEnd(start: LoadStart): MachineLoad {
  const now = Date.now();
  const wallMs = Math.max(1, now - start.startedAt);
  const cores = Math.max(1, os.cpus().length);
  const machine = machineBusyMs() - start.machineBusyMs;
  const own = ownCpuMs() - start.ownCpuMs;
  const otherProcessesCores = machine > 0 ? Math.max(0, machine - own) / wallMs : null;
  const concurrentRuns: string[] = [];
  try {
    for (const { file, marker } of readMarkers()) {
      if (file === start.marker) continue;
      const running = marker.ended === null;
      if (running && !alive(marker.pid)) {
        rmSync(file, { force: true });
        continue;
      }
      if (!running && now - (marker.ended ?? now) > MARKER_LIFETIME_MS) {
        rmSync(file, { force: true });
        continue;
      }
      const overlaps = marker.started < now && (marker.ended ?? now) > start.startedAt;
      if (overlaps && marker.pid !== process.pid) concurrentRuns.push(`pid ${marker.pid} (${marker.command})`);
    }
    if (start.marker !== null) {
      const mine = JSON.parse(readFileSync(start.marker, 'utf8')) as Marker;
      writeFileSync(start.marker, JSON.stringify({ ...mine, ended: now } satisfies Marker));
    }
  } catch {
    // The markers are a courtesy: a run goes on without them.
  }
  const warnings: string[] = [];
  if (concurrentRuns.length > 0) {
    warnings.push(
      `another sync-bench run overlapped this one (${concurrentRuns.join('; ')}): each slows the other down, and runs given the same output path overwrite each other's files`,
    );
  }
  if (otherProcessesCores !== null && otherProcessesCores >= BUSY_SHARE * cores) {
    warnings.push(`other processes kept ${otherProcessesCores.toFixed(2)} of the ${cores} cores busy on average during the run: the figures may be slower than this machine can do`);
  }
  return { loadAverageStart: start.loadAverage, loadAverageEnd: os.loadavg(), otherProcessesCores, concurrentRuns, warnings };
}

const fixed = (xs: readonly number[] | undefined) => (xs ?? []).map((x) => x.toFixed(2)).join(' ');

/**
 * One line on the machine's load for a report header or a comparison: "load average 0.12 0.30
 * 0.25 at start, 1.50 0.70 0.40 at end; other processes 0.05 cores", or '' for a report written
 * before these figures existed.
 */
export function describeLoad(env: { readonly load?: MachineLoad }): string {
  const load = env.load;
  if (load === undefined) return '';
  const others = load.otherProcessesCores === null ? '' : `; other processes ${load.otherProcessesCores.toFixed(2)} cores on average`;
  return `load average (1, 5, 15 min) ${fixed(load.loadAverageStart)} at start, ${fixed(load.loadAverageEnd)} at end${others}`;
}
