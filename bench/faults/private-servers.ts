/**
 * Private servers for a fault that strikes the server (`crash-server`): a Redis server and a
 * PostgreSQL cluster of the harness's own, on free loopback ports, in a temporary folder of the
 * run (see `runners/run-folder.ts`), so that killing them harms nobody else's data.
 *
 * - Redis: `redis-server` from PATH, with no persistence, as the local one is configured
 *   (`--save "" --appendonly no`): what it holds lives in its memory only.
 * - PostgreSQL: `initdb` and `pg_ctl` from PATH or `/usr/lib/postgresql/<version>/bin` (the
 *   newest), a cluster made in the folder and started with `pg_ctl start -w`, trust
 *   authentication, listening on 127.0.0.1 only, `fsync` on (the default). Run as root, both refuse
 *   to: they are then run as the `postgres` user (`runuser -u postgres --`), which owns the folder.
 *
 * A server is killed with SIGKILL (PostgreSQL: the postmaster and every backend, as a crash of
 * the machine's server would), and restarted on the same port and folder: Redis comes back empty,
 * PostgreSQL replays its write-ahead log. Every process of a server is watched by a sentinel (see
 * `runners/orphan-sentinel.ts`) that kills it should the harness die without closing it; `close`
 * kills the servers and removes the folder.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as delay } from 'node:timers/promises';
import type { EngineName } from '../engines/services.ts';
import { startSentinel } from '../runners/orphan-sentinel.ts';
import { makeRunFolder, processStartTime } from '../runners/run-folder.ts';

/**
 * Starts a private server for the first time; if it does not come up, kills what was started and
 * stops its sentinel's watch. Resolves with null once it answers, or with why it did not.
 */
async function firstStart(start: () => Promise<void>, kill: () => Promise<void>, watch: { stop(): void }): Promise<string | null> {
  try {
    await start();
    return null;
  } catch (error) {
    await kill().catch(() => undefined);
    watch.stop();
    return error instanceof Error ? error.message : String(error);
  }
}

const run = promisify(execFile);

/** One line saying why a program run by {@link run} failed: killed at its time limit, its last line on stderr, or the error's message. */
export function failureLine(error: unknown): string {
  const e = error as { killed?: boolean; signal?: string | null; stderr?: string; message?: string };
  if (e.killed === true) return `did not finish within its time limit of ${SERVER_START_MS} ms (killed with ${e.signal ?? 'a signal'})`;
  const last = (text: string | undefined) => text?.trim().split('\n').slice(-1)[0]?.trim() ?? '';
  return last(e.stderr) || last(e.message) || 'no reason given';
}

/**
 * How long a private server may take to start (or restart) and answer, ms: 30 s, or
 * `SYNC_BENCH_SERVER_START_MS` (a whole number ≥ 1; the tests set a tiny one to see a server that
 * does not start in time become a skipped row).
 */
export const SERVER_START_MS = positiveFromEnv('SYNC_BENCH_SERVER_START_MS') ?? 30_000;

/** Where PostgreSQL's versions are looked for when `initdb` is not on PATH: `SYNC_BENCH_POSTGRES_LIB`, else `/usr/lib/postgresql`. */
export const POSTGRES_LIB = process.env.SYNC_BENCH_POSTGRES_LIB ?? '/usr/lib/postgresql';

/** A whole number ≥ 1 from the environment variable `name`; undefined when unset or not one. */
function positiveFromEnv(name: string): number | undefined {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value >= 1 ? value : undefined;
}

/** One private server. */
export interface PrivateServer {
  readonly engine: EngineName;
  /** Where its clients reach it. */
  readonly url: string;
  /** Stops every process of the server (SIGSTOP): it answers nothing, and what was sent to it stays unanswered. */
  freeze(): void;
  /** Sends SIGKILL to every process of the server (a stopped one too); resolves once they are all gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder; resolves once it answers (rejects after {@link SERVER_START_MS}). */
  restart(): Promise<void>;
  /** Kills it, whatever its state; never rejects. */
  close(): Promise<void>;
}

/** Where `name` is: on PATH, else in the newest `/usr/lib/postgresql/<version>/bin` (PostgreSQL's programs); null if nowhere. */
export function findProgram(name: string, env: NodeJS.ProcessEnv = process.env, postgresLib = POSTGRES_LIB): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && existsSync(join(dir, name))) return join(dir, name);
  }
  let versions: string[] = [];
  try {
    versions = readdirSync(postgresLib).sort((a, b) => Number(b) - Number(a));
  } catch {
    return null;
  }
  for (const version of versions) if (existsSync(join(postgresLib, version, 'bin', name))) return join(postgresLib, version, 'bin', name);
  return null;
}

/** A free TCP port on the loopback interface (free when asked: another program may take it before the server does, and the start then fails, saying so). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Resolves once `ready` resolves true, trying every 100 ms; rejects with `what` after `limitMs`. */
async function waitUntil(ready: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await ready().catch(() => false)) return;
    await delay(100);
  }
  throw new Error(`${what} did not answer within ${limitMs / 1000} s`);
}

/** Whether a Redis server answers PING at `port`. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let seen = '';
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('\r\n')) done(seen.startsWith('+PONG'));
    });
    socket.once('connect', () => socket.write('PING\r\n'));
  });
}

/** Whether `pid` is alive (a zombie counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of `pid`'s children (from /proc). */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

/** Sends `signal` to each of `pids` (one already gone is passed over). */
function signalAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGKILL to each of `pids`; resolves once all are gone (rejects after 10 s). */
async function killAll(pids: readonly number[]): Promise<void> {
  signalAll(pids, 'SIGKILL');
  await waitUntil(() => Promise.resolve(pids.every((pid) => !alive(pid))), 10_000, `the killed server processes ${pids.join(', ')} (still there)`);
}

/** Sentinels of one server's processes, renewed at each start. */
class Watch {
  private sentinel: { stop(): void } | null = null;
  watch(pids: readonly number[]): void {
    this.sentinel?.stop();
    this.sentinel = startSentinel(pids);
  }
  stop(): void {
    this.sentinel?.stop();
    this.sentinel = null;
  }
}

/** A private Redis server in `dir`, or why it cannot be started here. */
export async function startRedis(dir: string): Promise<PrivateServer | string> {
  const program = findProgram('redis-server');
  if (program === null) return 'no redis-server on PATH';
  const port = await freePort();
  const watch = new Watch();
  let child: ChildProcess | null = null;
  let stderr = '';
  const start = async () => {
    // Its own process group: a terminal's Ctrl-C is the harness's to handle, and it ends the server.
    const started = spawn(program, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--protected-mode', 'no', '--logfile', ''], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    started.on('error', () => undefined);
    started.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1_000)));
    started.unref();
    child = started;
    if (started.pid !== undefined) watch.watch([started.pid]);
    await waitUntil(() => Promise.resolve(started.exitCode === null && started.signalCode === null).then((up) => up && redisAnswers(port)), SERVER_START_MS, `redis-server on port ${port}${stderr === '' ? '' : ` (${stderr.trim().split('\n').slice(-1)[0]})`}`);
  };
  const kill = async () => {
    const pid = child?.pid;
    if (pid !== undefined) await killAll([pid]);
  };
  const failed = await firstStart(start, kill, watch);
  if (failed !== null) return failed;
  return {
    engine: 'redis',
    url: `redis://127.0.0.1:${port}`,
    freeze() {
      const pid = child?.pid;
      if (pid !== undefined) signalAll([pid], 'SIGSTOP');
    },
    kill,
    restart: start,
    async close() {
      await kill().catch(() => undefined);
      watch.stop();
    },
  };
}

/** The command line that runs `program` as the `postgres` user when this process is root (PostgreSQL refuses root), else as itself. */
function asPostgres(program: string, args: readonly string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, [...args]];
}

/** A private PostgreSQL cluster in `dir` (which it takes over), or why it cannot be started here. */
export async function startPostgres(dir: string): Promise<PrivateServer | string> {
  const initdb = findProgram('initdb');
  const pgCtl = findProgram('pg_ctl');
  if (initdb === null || pgCtl === null) return `no ${initdb === null ? 'initdb' : 'pg_ctl'} on PATH or in ${POSTGRES_LIB}/*/bin`;
  const root = process.getuid?.() === 0;
  const data = join(dir, 'pgdata');
  try {
    if (root) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: group } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(group.trim()));
    }
    await mkdir(data, { mode: 0o700 });
    if (root) await run('chown', ['postgres:', data]);
    const [program, args] = asPostgres(initdb, ['-D', data, '--auth=trust', '--username=postgres', '--no-sync', '--no-instructions']);
    await run(program, args, { timeout: SERVER_START_MS });
  } catch (error) {
    return `initdb failed: ${failureLine(error)}`;
  }
  const port = await freePort();
  const watch = new Watch();
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const postmaster = (): number | null => {
    try {
      const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      return Number.isSafeInteger(pid) && pid > 0 && processStartTime(pid) !== null ? pid : null;
    } catch {
      return null;
    }
  };
  const start = async () => {
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
    const [program, args] = asPostgres(pgCtl, ['-D', data, '-l', join(dir, 'postgres.log'), '-o', options, '-w', '-t', String(Math.ceil(SERVER_START_MS / 1000)), 'start']);
    try {
      await run(program, args, { timeout: SERVER_START_MS + 5_000 });
    } catch (error) {
      let log = '';
      try {
        log = readFileSync(join(dir, 'postgres.log'), 'utf8').trim().split('\n').slice(-1)[0] ?? '';
      } catch {
        // no log
      }
      throw new Error(`pg_ctl start on port ${port} failed: ${log || ((error as { stderr?: string }).stderr ?? (error as Error).message).trim()}`);
    }
    const pid = postmaster();
    if (pid !== null) watch.watch([pid]);
    // Imported here, not at the top: client processes load this module (through the faults) and need no PostgreSQL client of their own.
    const { Client } = await import('pg');
    await waitUntil(async () => {
      const client = new Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return true;
      } finally {
        await client.end().catch(() => undefined);
      }
    }, SERVER_START_MS, `PostgreSQL on port ${port}`);
  };
  // The postmaster and every backend: a crash of the server, not of one connection.
  const kill = async () => {
    const pid = postmaster();
    if (pid === null) return;
    await killAll([pid, ...childrenOf(pid)]);
    // A dead postmaster's pid file names a process that may linger as a zombie until it is reaped,
    // which the next start would take for a live postmaster: the file goes with the server.
    // So do its socket and the socket's lock file, which name it too.
    for (const file of ['postmaster.pid', `../.s.PGSQL.${port}`, `../.s.PGSQL.${port}.lock`]) await rm(join(data, file), { force: true });
  };
  const failed = await firstStart(start, kill, watch);
  if (failed !== null) return failed;
  return {
    engine: 'postgres',
    url,
    freeze() {
      const pid = postmaster();
      if (pid !== null) signalAll([pid, ...childrenOf(pid)], 'SIGSTOP');
    },
    kill,
    restart: start,
    async close() {
      await kill().catch(() => undefined);
      watch.stop();
    },
  };
}

/** The private servers of one fault suite, in one run folder. */
export interface PrivateServers {
  readonly folder: string;
  /** By engine: the server, or why it could not be started. */
  readonly servers: Readonly<Record<PrivateEngine, PrivateServer | string>>;
  /** Kills every server and removes the folder; never rejects. */
  close(): Promise<void>;
}

/** The servers the harness can start privately (a NATS server keeping a strategy's state is not one of them yet). */
export type PrivateEngine = Extract<EngineName, 'redis' | 'postgres'>;

/** Starts a private Redis server and PostgreSQL cluster in a fresh run folder. */
export async function startPrivateServers(): Promise<PrivateServers> {
  const folder = await makeRunFolder();
  // The postgres user goes through it to its own folder inside (mkdtemp made it 0700).
  await chmod(folder, 0o711);
  const redisDir = join(folder, 'redis');
  await mkdir(redisDir);
  const postgresDir = join(folder, 'postgres');
  await mkdir(postgresDir);
  const [redis, postgres] = await Promise.all([startRedis(redisDir), startPostgres(postgresDir)]);
  return {
    folder,
    servers: { redis, postgres },
    async close() {
      for (const server of [redis, postgres]) if (typeof server !== 'string') await server.close();
      await rm(folder, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }).catch(() => undefined);
    },
  };
}
