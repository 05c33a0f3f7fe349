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
import { startOwnerThread } from '../../bench/runners/owner-thread.ts';
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
 * The strategy's setup: starts the owner thread `module` (see `startOwnerThread`) with `data` and
 * its channels, and hands each client its end: a port, or the socket's path (`socketName` in the
 * run's directory). Rejects as `startOwnerThread` does.
 */
export async function startOwner(module: URL, data: object, config: StrategyConfig, socketName: string): Promise<StrategyHost> {
  if (config.runner === 'processes') {
    const socketPath = join(dirname(config.dbPath), socketName);
    const owner = await startOwnerThread(module, { ...data, socketPath }, []);
    return { forClient: () => ({ data: socketPath, transfer: [] }), teardown: () => owner.stop() };
  }
  const channels = Array.from({ length: config.clients }, () => new MessageChannel());
  const ports = channels.map((c) => c.port1);
  const owner = await startOwnerThread(module, { ...data, ports }, ports);
  const id = randomUUID();
  return {
    forClient(clientId) {
      const port = channels[clientId]?.port2;
      if (port === undefined) throw new RangeError(`no client ${clientId}`);
      return { data: { port, owner: id } satisfies PortShare, transfer: [port] };
    },
    teardown: () => owner.stop(),
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
