/**
 * The messages between the `processes` runner's process and an owner process (see
 * `owner-host.ts`), over the IPC channel of `child_process.fork` (V8 serialisation).
 *
 * Runner → owner: `start` once; `killed` (the fault gate's "killed" cell was set in the runner: a
 * body the owner runs for the victim may go on); `stamps` (send the event log as it is now);
 * `halt` (crash: terminate the owner's thread, then send the stamps; SIGKILL follows); `stop`
 * (the run is over: the owner task returns, and the process exits).
 * Owner → runner: `ready` (the owner task is listening), `progress` (bodies completed so far, when
 * it changed, at most every `PROGRESS_EVERY_MS`), `inside` and `entered` (the fault gate's cells,
 * as a body the owner runs set them), `stamps` and `halted` (the bytes of its event log, and its
 * completed bodies), `stopped`, or `failed` at any point.
 */
import type { RunConfig } from './run-config.ts';

/** The run's config without its SharedArrayBuffers, which cannot reach another process. */
export type OwnerPortableConfig = Omit<RunConfig, 'log' | 'faultGate' | 'barrier' | 'finish' | 'stop'>;

export interface OwnerStart {
  readonly type: 'start';
  /** The compiled owner task's `file://` URL. */
  readonly module: string;
  /** The task's data, with the executor seed replaced by {@link SEED_MARK} (see {@link replaceSeed}). */
  readonly data: unknown;
  readonly config: OwnerPortableConfig;
  /** The runner's log as it is at the owner's start (each one-request slot's client and input), or null: a fresh log of `slots` slots. */
  readonly log: Uint8Array | null;
  readonly slots: number;
  /** The fault has struck already (an owner restarted after crash-owner): a body it runs for the victim goes on at once. */
  readonly struck: boolean;
}

export type ToOwner = OwnerStart | { readonly type: 'killed' } | { readonly type: 'stamps' } | { readonly type: 'halt' } | { readonly type: 'stop' };

export type FromOwner =
  | { readonly type: 'ready'; readonly pid: number }
  | { readonly type: 'progress'; readonly completed: number }
  | { readonly type: 'inside' }
  | { readonly type: 'entered' }
  | { readonly type: 'stamps'; readonly log: Uint8Array; readonly completed: number }
  | { readonly type: 'halted'; readonly log: Uint8Array; readonly completed: number }
  | { readonly type: 'stopped' }
  | { readonly type: 'failed'; readonly error: string };

/** What stands for the executor seed in an owner's task data on its way to the owner process. */
export const SEED_MARK = { 'sync-bench': 'executor seed' } as const;

function isMark(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)['sync-bench'] === 'executor seed' && Object.keys(value).length === 1;
}

/** Walks plain objects and arrays of `data`, replacing each value for which `match` holds by `by`. */
function replaced(data: unknown, match: (value: unknown) => boolean, by: unknown): unknown {
  if (match(data)) return by;
  if (Array.isArray(data)) return data.map((item) => replaced(item, match, by));
  if (typeof data === 'object' && data !== null && Object.getPrototypeOf(data) === Object.prototype) {
    return Object.fromEntries(Object.entries(data).map(([key, value]) => [key, replaced(value, match, by)]));
  }
  return data;
}

/** `data` with every occurrence of `seed` (the run's config, which holds the evidence's buffers) replaced by {@link SEED_MARK}. */
export function replaceSeed(data: unknown, seed: object): unknown {
  return replaced(data, (value) => value === seed, SEED_MARK);
}

/** `data` with every {@link SEED_MARK} replaced by the owner process's own `config`. */
export function restoreSeed(data: unknown, config: RunConfig): unknown {
  return replaced(data, isMark, config);
}
