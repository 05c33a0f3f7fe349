/**
 * One ordered channel per client thread (or client process) to an owner, shared by every client of
 * that thread: the requests of one thread reach the owner in the order they were made.
 *
 * Why: with a channel per client (a MessagePort each, a socket each), the owner's event loop takes
 * the channels in its own order (libuv visits ports in their creation order, sockets in epoll's
 * order), so two requests one thread made 50 ms apart could reach the owner in the other order on
 * a loaded machine, and an owner serving in its arrival order did not serve in the clients' order.
 * One MessagePort, or one socket stream, delivers in send order; so does this channel for all the
 * clients of a thread.
 *
 * Frames on the physical channel (a port or a socket, see `owner-link.ts`):
 * - client → owner: `{ k, m }` a message of the client numbered `k` on this channel (its first one
 *   introduces it to the owner), `{ k, end: true }` the client closed its link;
 * - owner → client: `{ k, m }` a message to client `k`, `{ k, end: true }` the owner closed it.
 * When the physical channel closes (the thread or process died, or the owner ended), every client
 * on it is gone, on both sides.
 */
import type { ClientPeer, OwnerLink } from './owner-link.ts';
import { PeerGoneError } from './message-port.ts';

/** A frame of the shared channel: a message to or from client `k`, or its end. */
export type Frame = { readonly k: number; readonly m: unknown } | { readonly k: number; readonly end: true };

function isFrame(value: unknown): value is Frame {
  return typeof value === 'object' && value !== null && typeof (value as { k?: unknown }).k === 'number';
}

/** One client's view of the shared channel. */
interface Member {
  readonly received: unknown[];
  readonly waiting: { resolve: (message: unknown) => void; reject: (error: Error) => void }[];
  gone: PeerGoneError | null;
}

/** This thread's side of one shared channel. */
interface Channel {
  readonly physical: OwnerLink;
  readonly members: Map<number, Member>;
  nextKey: number;
}

/** This thread's shared channels, by owner (a run's socket path, or the id of its ports). */
const channels = new Map<string, Channel>();

/** Channels being opened (a socket connecting), so that the thread's other clients wait for the same one. */
const opening = new Map<string, Promise<Channel>>();

function end(member: Member, error: PeerGoneError): void {
  if (member.gone !== null) return;
  member.gone = error;
  for (const next of member.waiting.splice(0)) next.reject(error);
}

function open(physical: OwnerLink, owner: string): Channel {
  const channel: Channel = { physical, members: new Map(), nextKey: 0 };
  void (async () => {
    for (;;) {
      let frame: unknown;
      try {
        frame = await physical.next();
      } catch (error) {
        const gone = error instanceof PeerGoneError ? error : new PeerGoneError(`${owner} is gone: ${String(error)}`);
        for (const member of channel.members.values()) end(member, gone);
        return;
      }
      if (!isFrame(frame)) continue;
      const member = channel.members.get(frame.k);
      if (member === undefined) continue;
      if ('end' in frame) end(member, new PeerGoneError(`${owner} is gone: it closed this client's link`));
      else {
        const next = member.waiting.shift();
        if (next === undefined) member.received.push(frame.m);
        else next.resolve(frame.m);
      }
    }
  })();
  return channel;
}

/** This thread's channel to the owner `key`: the open one, the one being opened, or a new one. */
function channelFor(key: string, physical: () => Promise<OwnerLink>, spare: () => void, owner: string): Promise<Channel> {
  const existing = channels.get(key);
  const pending = existing === undefined ? opening.get(key) : Promise.resolve(existing);
  if (pending !== undefined) {
    spare();
    return pending;
  }
  const opened = physical().then((link) => {
    const channel = open(link, owner);
    channels.set(key, channel);
    return channel;
  });
  opening.set(key, opened);
  void opened.finally(() => opening.delete(key)).catch(() => undefined);
  return opened;
}

/**
 * A client's link to the owner `key` over this thread's shared channel. The first client of the
 * thread opens the channel with `physical()` (its own port or a new socket); a later one joins it
 * and closes `spare` (its own port, unused). The channel closes with its last client's link.
 * `owner` names the owner in errors.
 */
export async function sharedLink(key: string, physical: () => Promise<OwnerLink>, spare: () => void, owner: string): Promise<OwnerLink> {
  const channel = await channelFor(key, physical, spare, owner);
  const k = channel.nextKey++;
  const member: Member = { received: [], waiting: [], gone: null };
  channel.members.set(k, member);
  return {
    send: (m) => {
      if (member.gone === null) channel.physical.send({ k, m } satisfies Frame);
    },
    next() {
      if (member.received.length > 0) return Promise.resolve(member.received.shift());
      if (member.gone !== null) return Promise.reject(member.gone);
      return new Promise((resolve, reject) => member.waiting.push({ resolve, reject }));
    },
    async close() {
      if (!channel.members.delete(k)) return;
      if (member.gone === null) channel.physical.send({ k, end: true } satisfies Frame);
      end(member, new PeerGoneError(`${owner}: this client closed its link`));
      if (channel.members.size > 0) return;
      if (channels.get(key) === channel) channels.delete(key);
      await channel.physical.close();
    },
  };
}

/**
 * The owner's side of one physical channel: calls `serve` with a peer for each client that
 * speaks on it (at its first message), and closes them all when the channel closes. A frame that
 * is not one ends the physical channel.
 */
export function demultiplex(physical: ClientPeer, serve: (peer: ClientPeer) => void): void {
  const peers = new Map<number, { readonly listeners: ((message: unknown) => void)[]; readonly closed: (() => void)[]; ended: boolean }>();
  const finish = (k: number) => {
    const peer = peers.get(k);
    if (peer === undefined || peer.ended) return;
    peer.ended = true;
    peers.delete(k);
    for (const listener of peer.closed.splice(0)) listener();
  };
  physical.onMessage((frame) => {
    if (!isFrame(frame)) {
      physical.close();
      return;
    }
    const { k } = frame;
    if ('end' in frame) {
      finish(k);
      return;
    }
    let peer = peers.get(k);
    if (peer === undefined) {
      const state = { listeners: [] as ((message: unknown) => void)[], closed: [] as (() => void)[], ended: false };
      peer = state;
      peers.set(k, state);
      serve({
        send: (m) => {
          if (!state.ended) physical.send({ k, m } satisfies Frame);
        },
        onMessage: (listener) => state.listeners.push(listener),
        onClose: (listener) => state.closed.push(listener),
        close: () => {
          if (!state.ended) physical.send({ k, end: true } satisfies Frame);
          finish(k);
        },
      });
    }
    for (const listener of peer.listeners) listener(frame.m);
  });
  physical.onClose(() => {
    for (const k of [...peers.keys()]) finish(k);
  });
}
