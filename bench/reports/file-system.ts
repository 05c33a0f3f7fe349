/**
 * The file system a folder lives on, as the kernel names it ("ext4", "tmpfs", "nfs4"): where the
 * run folders' db files, SQLite databases and lock files actually are, which the "state lives in"
 * label of a row says instead of taking "disk" for granted.
 */
import { readFileSync, realpathSync } from 'node:fs';

/** File systems whose files live in memory: a write there never reaches a disk. */
const IN_MEMORY = new Set(['tmpfs', 'ramfs', 'devtmpfs', 'hugetlbfs']);
/** File systems whose files live on another machine. */
const NETWORK = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', '9p', 'fuse.sshfs', 'ceph', 'glusterfs']);

/**
 * `dir`'s real path and the type of the longest mount point above it in /proc/mounts (mount
 * points there escape spaces and the like as octal `\NNN`); undefined where /proc/mounts or `dir`
 * cannot be read (not Linux).
 */
export function fileSystemOf(dir: string): { readonly dir: string; readonly type: string } | undefined {
  try {
    const real = realpathSync.native(dir);
    let best: { point: string; type: string } | undefined;
    for (const line of readFileSync('/proc/mounts', 'utf8').split('\n')) {
      const [, rawPoint, type] = line.split(' ');
      if (rawPoint === undefined || type === undefined) continue;
      const point = rawPoint.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
      const inside = point === '/' || real === point || real.startsWith(`${point}/`);
      if (inside && (best === undefined || point.length >= best.point.length)) best = { point, type };
    }
    return best === undefined ? undefined : { dir: real, type: best.type };
  } catch {
    return undefined;
  }
}

/** What a file on a file system of `type` is stored on: "in memory: tmpfs", "network: nfs4", "disk: ext4". */
export function storageOf(type: string): string {
  if (IN_MEMORY.has(type)) return `in memory: ${type}`;
  if (NETWORK.has(type)) return `network: ${type}`;
  return `disk: ${type}`;
}

/**
 * A strategy's "state lives in" label with its "(disk)" told truthfully for files on a file system
 * of `type` ("db file (disk)" on tmpfs is "db file (in memory: tmpfs)"); the label as it is when
 * it says no "(disk)" (a server, a thread's memory) or the type is unknown.
 */
export function stateLocationOn(label: string, type: string | undefined): string {
  return type === undefined ? label : label.replace('(disk)', `(${storageOf(type)})`);
}
