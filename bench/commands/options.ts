/**
 * Parsers for command-line values shared by `npm run bench` and `npm run bench:sweep`. Each
 * throws a {@link UsageError} whose message says what is accepted.
 */
import { accessSync, constants, existsSync, fstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { STDOUT } from '../reports/report.ts';
import { DEFAULT_NATS_URL, DEFAULT_POSTGRES_URL, DEFAULT_RABBITMQ_URL, DEFAULT_REDIS_URL, serviceUrls, type ServiceUrls } from '../engines/services.ts';
import { UsageError } from './usage-error.ts';

/**
 * The project's command-line conventions on `cmd`: `-h, --help`; a commander error is one line
 * that ends by pointing at --help, with no "did you mean"; errors are thrown (see
 * `usage-error.ts`), not exits.
 */
export function withConventions(cmd: Command): Command {
  return cmd
    .helpOption('-h, --help', 'show this help')
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput({ outputError: (text, write) => write(`${(text.split('\n')[0] ?? '').replace(/\.$/, '')}; run with --help for the accepted options\n`) });
}

/**
 * Parses `argv` (the arguments after the script) with `cmd`. `given(key)`: the option was on the
 * command line, not left at its default; `str(key)`: its value as a string.
 */
export function parseArguments(cmd: Command, argv: readonly string[]) {
  refuseOptionsKeptByNpm(cmd);
  cmd.parse(argv, { from: 'user' });
  const opts = cmd.opts<Record<string, unknown>>();
  return {
    opts,
    given: (key: string) => cmd.getOptionValueSource(key) !== 'default' && opts[key] !== undefined,
    str: (key: string) => String(opts[key]),
  };
}

/**
 * Throws a {@link UsageError} when npm kept some of `cmd`'s options for itself. `npm run bench
 * --strategy=none` (no `--`) does not pass `--strategy` to the script: npm takes it as its own
 * configuration and hands it on as the environment variable `npm_config_strategy`, so the script
 * would run with its defaults (the default suite, which rewrites results/).
 */
export function refuseOptionsKeptByNpm(cmd: Command, env: NodeJS.ProcessEnv = process.env): void {
  const kept = cmd.options
    .map((o) => o.long?.replace(/^--/, ''))
    .filter((name): name is string => name !== undefined && name !== 'help')
    .filter((name) => env[`npm_config_${name.replace(/-/g, '_')}`] !== undefined);
  if (kept.length === 0) return;
  const shown = kept.map((name) => `--${name}`).join(', ');
  throw new UsageError(`npm kept ${shown} for itself (npm_config_* variables): put -- before the options, e.g. ${cmd.name().replace(/\s*--$/, '')} -- --${kept[0]} …`);
}

/** A whole number from `min` to `max`, for `--<flag>`. */
export function integer(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new UsageError(`--${flag} '${value}' is not accepted: give a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/** A number from `min` to `max`, fractions allowed (e.g. 0.5), for `--<flag>`. */
export function decimal(flag: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value.trim()) || !Number.isFinite(n) || n < min || n > max) {
      throw new UsageError(`--${flag} '${value}' is not accepted: give a number from ${min} to ${max}, e.g. 0.5`);
    }
    return n;
  };
}

/** Comma-separated numbers from `min` to `max`, fractions allowed, ascending and without repeats, for `--<flag>`. */
export function decimalList(flag: string, min: number, max: number) {
  return (value: string): number[] => {
    const one = decimal(flag, min, max);
    const numbers = value.split(',').map((part) => {
      try {
        return one(part.trim());
      } catch {
        throw new UsageError(`--${flag} '${value}' is not accepted: give numbers from ${min} to ${max}, comma-separated, e.g. 0,0.5,1`);
      }
    });
    return [...new Set(numbers)].sort((a, b) => a - b);
  };
}

/** A URL with one of `schemes` (e.g. `redis:`), for `--<flag>`. */
export function serverUrl(flag: string, schemes: readonly string[], example: string) {
  return (value: string): string => {
    let scheme: string;
    try {
      scheme = new URL(value).protocol;
    } catch {
      throw new UsageError(`--${flag} '${value}' is not accepted: it is not a URL; give one like ${example}`);
    }
    if (!schemes.includes(scheme)) throw new UsageError(`--${flag} '${value}' is not accepted: give a ${schemes.join(' or ')} URL, like ${example}`);
    return value;
  };
}

/** `--redis`, `--postgres`, `--rabbitmq` and `--nats`: where the servers of the engine and broker strategies are. */
export function serviceOptions(): Option[] {
  return [
    new Option('--redis <url>', `the Redis server of the redis-* strategies (default: REDIS_URL, else ${DEFAULT_REDIS_URL})`),
    new Option('--postgres <url>', `the PostgreSQL server of the pg-* strategies (default: DATABASE_URL, else ${DEFAULT_POSTGRES_URL})`),
    new Option('--rabbitmq <url>', `the RabbitMQ server of the rabbitmq-* strategies (default: RABBITMQ_URL, else ${DEFAULT_RABBITMQ_URL})`),
    new Option('--nats <url>', `the NATS server, with JetStream, of the nats-* strategies (default: NATS_URL, else ${DEFAULT_NATS_URL})`),
  ];
}

/** `cmd` with the {@link serviceOptions} added. */
export function withServiceOptions(cmd: Command): Command {
  for (const option of serviceOptions()) cmd.addOption(option);
  return cmd;
}

/** The servers' URLs from the {@link serviceOptions} given (checked), else the environment, else the local defaults. */
export function givenServices(given: (key: string) => boolean, str: (key: string) => string): ServiceUrls {
  return serviceUrls({
    ...(given('redis') ? { redis: serverUrl('redis', ['redis:', 'rediss:'], DEFAULT_REDIS_URL)(str('redis')) } : {}),
    ...(given('postgres') ? { postgres: serverUrl('postgres', ['postgres:', 'postgresql:'], DEFAULT_POSTGRES_URL)(str('postgres')) } : {}),
    ...(given('rabbitmq') ? { rabbitmq: serverUrl('rabbitmq', ['amqp:', 'amqps:'], DEFAULT_RABBITMQ_URL)(str('rabbitmq')) } : {}),
    ...(given('nats') ? { nats: serverUrl('nats', ['nats:', 'tls:'], DEFAULT_NATS_URL)(str('nats')) } : {}),
  });
}

/** Comma-separated names out of `valid`, without repeats, for `--<flag>`. */
export function list<T extends string>(flag: string, valid: readonly T[]) {
  return (value: string): T[] => {
    const names = value.split(',').map((s) => s.trim());
    const unknown = names.filter((n) => !(valid as readonly string[]).includes(n));
    if (unknown.length > 0) {
      throw new UsageError(`--${flag} '${value}' is not accepted: choose from ${valid.join(', ')} (comma-separated)`);
    }
    return [...new Set(names)] as T[];
  };
}

/** Comma-separated whole numbers from `min` to `max`, ascending and without repeats, for `--<flag>`. */
export function integerList(flag: string, min: number, max: number) {
  return (value: string): number[] => {
    const parts = value.split(',').map((s) => s.trim());
    const bad = () => new UsageError(`--${flag} '${value}' is not accepted: give whole numbers from ${min} to ${max}, comma-separated`);
    const numbers = parts.map((p) => {
      const n = Number(p);
      if (!/^\d+$/.test(p) || !Number.isSafeInteger(n) || n < min || n > max) throw bad();
      return n;
    });
    return [...new Set(numbers)].sort((a, b) => a - b);
  };
}

/** A file path whose directory exists and is writable, for `--<flag>` (e.g. --json). */
export function writablePath(flag: string, value: string): string {
  const path = resolve(value);
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new UsageError(`--${flag} '${value}' is not accepted: it is a directory; give a file path, e.g. ${join(value, 'results.json')}`);
  }
  const dir = dirname(path);
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch {
    throw new UsageError(`--${flag} '${value}' is not accepted: its directory ${dir} does not exist or is not writable`);
  }
  return path;
}

/** Names of a process's own standard output (1) and error (2) as a path, after `resolve`. */
const ownStreamNames: Readonly<Record<1 | 2, readonly string[]>> = {
  1: ['/dev/stdout', '/dev/fd/1', '/proc/self/fd/1', `/proc/${process.pid}/fd/1`, '/proc/thread-self/fd/1'],
  2: ['/dev/stderr', '/dev/fd/2', '/proc/self/fd/2', `/proc/${process.pid}/fd/2`, '/proc/thread-self/fd/2'],
};

/** Whether `path` (existing) is the file, pipe or terminal open as descriptor `fd` of this process. */
function isOpenAs(path: string, fd: 1 | 2): boolean {
  try {
    const [file, open] = [statSync(path), fstatSync(fd)];
    return file.dev === open.dev && file.ino === open.ino;
  } catch {
    return false;
  }
}

/**
 * The target of `--<flag> <value>` (--json): `'-'` for standard output, else a writable file path
 * (see {@link writablePath}). A path that is this process's standard output (`/dev/stdout`,
 * `/dev/fd/1`, `/proc/self/fd/1`, or the very file or pipe it is redirected to) is taken as `'-'`:
 * written by path, the JSON would replace a redirected file's tables, and a pipe has no path to
 * write to. Standard error (by name or by identity), and anything else that is not a regular file
 * (a device such as /dev/null, a FIFO, a socket), is refused naming `-`: a results file is written
 * to a temporary file and renamed over its path, which would replace such a file, not write into it.
 */
export function jsonOutput(flag: string, value: string): string {
  if (value === STDOUT) return STDOUT;
  const path = resolve(value);
  const onStandardError = ownStreamNames[2].includes(path);
  if (!onStandardError && (ownStreamNames[1].includes(path) || isOpenAs(path, 1))) return STDOUT;
  if (onStandardError || isOpenAs(path, 2)) {
    throw new UsageError(`--${flag} '${value}' is not accepted: it is standard error, where the progress and warnings go; give --${flag} - for the JSON alone on standard output (the tables then go to standard error), or a file path`);
  }
  let kind: string | null = null;
  try {
    const stat = statSync(path);
    if (!stat.isFile() && !stat.isDirectory()) kind = stat.isFIFO() ? 'a pipe (FIFO)' : stat.isSocket() ? 'a socket' : 'a device';
  } catch {
    // Missing: a new file, checked below.
  }
  if (kind !== null) {
    throw new UsageError(`--${flag} '${value}' is not accepted: it is ${kind}, not a regular file (results are written to a temporary file renamed over the path); give --${flag} - for standard output, or a file path`);
  }
  return writablePath(flag, value);
}

/** An existing, writable folder, for `--<flag>` (e.g. --out). */
export function writableDir(flag: string, value: string): string {
  const path = resolve(value);
  try {
    if (!statSync(path).isDirectory()) throw new Error('not a directory');
    accessSync(path, constants.W_OK);
  } catch {
    throw new UsageError(`--${flag} '${value}' is not accepted: it is not an existing, writable folder; create it first (mkdir -p ${value})`);
  }
  return path;
}

/**
 * Whether paths `a` and `b` name the same file: the same real path, or (both existing) the same
 * device and inode, so a symlink or a hard link to the file counts as the file.
 */
export function sameFile(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return resolve(p);
    }
  };
  if (real(a) === real(b)) return true;
  try {
    const [sa, sb] = [statSync(a), statSync(b)];
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false;
  }
}
