/**
 * Both ends of an owner (a queue owner, a token desk) for either runner, over the transports of
 * `owner-link.ts`: in the threads runner one MessagePort per client, in the processes runner a
 * Unix socket in the run's directory that every client connects to. The clients of one thread (or
 * process) share one of these channels (see `shared-channel.ts`), so that their requests reach the
 * owner in the order they were made: what `order: 'arrival'` promises.
 */
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { startOwnerThread, type OwnerThread } from '../../bench/runners/owner-thread.ts';
import { addRunOwner, type RunOwner } from '../../bench/runners/run-owners.ts';
import type { StrategyConfig } from '../../bench/runners/run-config.ts';
import type { StrategyHost } from '../strategy.ts';
import { portLink, portPeer, serveSocket, socketLink, type ClientPeer, type OwnerLink } from './owner-link.ts';
import { demultiplex, sharedLink } from './shared-channel.ts';

/** A client's share in the threads runner: its own port, and the id of the owner's ports (one run's). */
interface PortShare {
  readonly port: MessagePort;
  readonly owner: string;
}

/** What an owner task receives besides its own data: its clients' ports, or the socket to listen on. */
export type OwnerChannels = { readonly ports: readonly MessagePort[] } | { readonly socketPath: string };

/**
 * The harness's owner processes (`bench/runners/owner-process.ts`), imported by URL at run time:
 * a bundle of a client or owner process, which never runs a setup, leaves them out.
 */
const ownerProcessUrl = new URL('../../bench/runners/owner-process.ts', import.meta.url).href;

/**
 * The strategy's setup: starts the owner task `module` with `data` and its channels, and hands
 * each client its end: a port, or the socket's path (`socketName` in the run's directory). Under
 * the threads runner the owner is a thread of the runner's process (see `startOwnerThread`); under
 * the processes runner it is a process of its own (see `startOwnerProcess`), so that it can die
 * alone. Either is recorded as the run's owner (see `run-owners.ts`). Rejects as they do.
 */
export async function startOwner(module: URL, data: object, config: StrategyConfig, socketName: string): Promise<StrategyHost> {
  const seed = config.executor as unknown as object;
  if (config.runner === 'processes') {
    const socketPath = join(dirname(config.dbPath), socketName);
    const { startOwnerProcess } = (await import(ownerProcessUrl)) as typeof import('../../bench/runners/owner-process.ts');
    const owner = await startOwnerProcess(module, { ...data, socketPath }, seed as Parameters<typeof startOwnerProcess>[2]);
    return { forClient: () => ({ data: socketPath, transfer: [] }), teardown: () => owner.stop() };
  }
  const channels = Array.from({ length: config.clients }, () => new MessageChannel());
  const ports = channels.map((c) => c.port1);
  const owner = await startOwnerThread(module, { ...data, ports }, ports);
  const id = randomUUID();
  const forget = addRunOwner(seed, threadRunOwner(owner));
  return {
    forClient(clientId) {
      const port = channels[clientId]?.port2;
      if (port === undefined) throw new RangeError(`no client ${clientId}`);
      return { data: { port, owner: id } satisfies PortShare, transfer: [port] };
    },
    teardown() {
      forget();
      return owner.stop();
    },
  };
}

/** An owner thread of the runner's process as the harness sees it: it stamps into the run's own log. */
function threadRunOwner(owner: OwnerThread, restart?: () => Promise<void>): RunOwner {
  return {
    where: 'the owner thread',
    pid: null,
    completed: () => 0,
    stamps: () => Promise.resolve(null),
    kill: () => owner.kill(),
    ...(restart === undefined ? {} : { restart }),
  };
}

/**
 * Starts the owner task `module` (its default export, as for `startOwnerThread`) with `data` for
 * one run, for an owner its clients reach through a broker rather than through a channel of the
 * harness's: under the processes runner a process of its own (see `startOwnerProcess`), under
 * the threads runner a thread of the runner's process; either is recorded as the run's owner (see
 * `run-owners.ts`), so that `crash-owner` can kill it. With `restarts`, a killed owner can be
 * restarted by the harness once (`RunOwner.restart`): a new owner with the same task and data,
 * which loads its state from the store again and is itself recorded as an owner of the run.
 * `stop` stops every owner started, and rejects with the first failure. Rejects as they do.
 */
export async function startRunOwner(module: URL, data: object, config: StrategyConfig, restarts: boolean): Promise<OwnerThread> {
  const seed = config.executor as unknown as object;
  const started: OwnerThread[] = [];
  const forget: (() => void)[] = [];
  const start = async (struck: boolean): Promise<void> => {
    let restarted = false;
    const restart = restarts
      ? async () => {
          if (restarted) return;
          restarted = true;
          await start(true);
        }
      : undefined;
    if (config.runner === 'processes') {
      const { startOwnerProcess } = (await import(ownerProcessUrl)) as typeof import('../../bench/runners/owner-process.ts');
      // Under processes the fault gate of the new owner's own process says the fault has struck; under threads the run's gate says so already.
      started.push(await startOwnerProcess(module, data, seed as Parameters<typeof startOwnerProcess>[2], { struck, ...(restart === undefined ? {} : { restart }) }));
      return;
    }
    const owner = await startOwnerThread(module, data, []);
    started.push(owner);
    forget.push(addRunOwner(seed, threadRunOwner(owner, restart)));
  };
  await start(false);
  return {
    async kill() {
      await Promise.all(started.map((owner) => owner.kill()));
    },
    async stop() {
      for (const f of forget) f();
      const ends = await Promise.allSettled(started.map((owner) => owner.stop()));
      const failed = ends.find((end): end is PromiseRejectedResult => end.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    },
  };
}

/**
 * A client's link to its owner from the share `startOwner` gave it, over its thread's (or
 * process's) shared channel; `owner` names it in errors.
 */
export function linkToOwner(share: unknown, owner: string): Promise<OwnerLink> {
  if (typeof share === 'string') return sharedLink(share, () => socketLink(share, owner), () => undefined, owner);
  const { port, owner: id } = share as PortShare;
  return sharedLink(id, () => Promise.resolve(portLink(port, owner)), () => port.close(), owner);
}

/**
 * The owner thread's side: calls `serve` with each client as it comes (at its first message on its
 * thread's shared channel); `close` ends them all.
 */
export async function servePeers(channels: OwnerChannels, serve: (peer: ClientPeer) => void): Promise<{ close(): Promise<void> }> {
  if ('socketPath' in channels) return serveSocket(channels.socketPath, (physical) => demultiplex(physical, serve));
  const peers = channels.ports.map(portPeer);
  for (const physical of peers) demultiplex(physical, serve);
  return {
    close() {
      for (const peer of peers) peer.close();
      return Promise.resolve();
    },
  };
}
