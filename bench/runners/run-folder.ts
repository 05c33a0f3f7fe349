/**
 * A run's temporary folder says whose it is, so a folder that a dead run left (SIGKILL, a crash,
 * a closed machine) can be told from a live run's and removed at the next command's start.
 *
 * Each folder made by {@link makeRunFolder} holds a file {@link OWNER_FILE}: the owning process's
 * pid and its start time (field 22 of /proc/PID/stat, clock ticks since boot). The owner is dead
 * when /proc/PID is gone, or when the process with that pid started at another time (the pid was
 * reused). A folder without the file (another program's, a test's scratch folder) is never
 * touched. Without /proc (not Linux) nothing can be told, and nothing is removed.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The name of the owner file inside a run folder. */
export const OWNER_FILE = 'owner';

/** The prefix of the run folders in the temporary folder. */
export const RUN_FOLDER_PREFIX = 'sync-bench-';

/** The start time of process `pid` (clock ticks since boot, as text), or null if there is no such process or no /proc. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name, in parentheses, may hold spaces: fields are counted after its closing one (field 3 on).
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

/**
 * Makes a fresh run folder `<tmpdir>/<prefix>XXXXXX` with its owner file (this process).
 * Rejects as `mkdtemp` or `writeFile` do.
 */
export async function makeRunFolder(prefix: string = RUN_FOLDER_PREFIX): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await writeFile(join(dir, OWNER_FILE), `${process.pid} ${processStartTime(process.pid) ?? '?'}\n`);
  return dir;
}

/** A run folder whose owner is dead. */
export interface DeadRunFolder {
  readonly path: string;
  readonly pid: number;
  /** 'gone' (no such process) or 'reused' (a process with that pid started at another time). */
  readonly why: 'gone' | 'reused';
}

/** Why the owner recorded in `text` (an owner file) is dead, or null if it is alive or cannot be told. */
function deadOwner(text: string): { pid: number; why: 'gone' | 'reused' } | null {
  const [pidText, started] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || started === undefined || started === '?') return null;
  const now = processStartTime(pid);
  if (now === null) return { pid, why: 'gone' };
  return now === started ? null : { pid, why: 'reused' };
}

/**
 * Removes the run folders in `folder` (default: the temporary folder) whose owner is dead, and
 * returns them; a live run's folder (another command running at once, another checkout's) is
 * kept. Never throws: a folder that cannot be read or removed is left as it is.
 */
export function removeDeadRunFolders(folder: string = tmpdir()): DeadRunFolder[] {
  if (processStartTime(process.pid) === null) return []; // no /proc: owners cannot be told
  let entries: string[];
  try {
    entries = readdirSync(folder).filter((name) => name.startsWith(RUN_FOLDER_PREFIX));
  } catch {
    return [];
  }
  const removed: DeadRunFolder[] = [];
  for (const name of entries) {
    const path = join(folder, name);
    let owner: string;
    try {
      owner = readFileSync(join(path, OWNER_FILE), 'utf8');
    } catch {
      continue; // not a run folder of ours, or not a folder
    }
    const dead = deadOwner(owner);
    if (dead === null) continue;
    try {
      rmSync(path, { recursive: true, force: true });
      removed.push({ path, ...dead });
    } catch {
      // Left as it is: the next command tries again.
    }
  }
  return removed;
}

/** One line naming the folders {@link removeDeadRunFolders} removed; null if none. */
export function deadRunFoldersLine(removed: readonly DeadRunFolder[]): string | null {
  if (removed.length === 0) return null;
  const named = removed.map((r) => `${r.path} (pid ${r.pid} ${r.why === 'gone' ? 'is gone' : 'was reused'})`).join(', ');
  return `removed ${removed.length === 1 ? 'the temporary folder' : `${removed.length} temporary folders`} that ${removed.length === 1 ? 'a run' : 'runs'} which ended without cleaning up left: ${named}`;
}

/** The run folders in `folder` (default: the temporary folder) that this process owns and that still exist. */
export function ownRunFolders(folder: string = tmpdir()): string[] {
  let entries: string[];
  try {
    entries = readdirSync(folder).filter((name) => name.startsWith(RUN_FOLDER_PREFIX));
  } catch {
    return [];
  }
  return entries
    .map((name) => join(folder, name))
    .filter((path) => {
      try {
        return Number(readFileSync(join(path, OWNER_FILE), 'utf8').split(' ')[0]) === process.pid;
      } catch {
        return false;
      }
    });
}
