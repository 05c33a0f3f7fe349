/**
 * The channel the clients of one thread (or process) share to an owner: requests of different
 * clients reach the owner in the order they were sent, replies reach the client they are for, and
 * every way a client or the channel ends is seen on both sides. Over real MessagePorts and Unix
 * sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { PeerGoneError } from '../strategies/support/message-port.ts';
import { portLink, portPeer, serveSocket, socketLink, type ClientPeer, type OwnerLink } from '../strategies/support/owner-link.ts';
import { demultiplex, sharedLink } from '../strategies/support/shared-channel.ts';

const dir = mkdtempSync(join(tmpdir(), 'sync-bench-shared-channel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An owner that records who said what, in the order it heard it, and echoes each message to its sender. */
function recordingOwner() {
  const heard: string[] = [];
  const closed: number[] = [];
  const peers: ClientPeer[] = [];
  const serve = (peer: ClientPeer) => {
    const n = peers.push(peer) - 1;
    peer.onMessage((m) => {
      heard.push(`${n}:${String(m)}`);
      peer.send(`echo ${String(m)}`);
    });
    peer.onClose(() => closed.push(n));
  };
  return { heard, closed, peers, serve };
}

let owners = 0;

/** The link of client `i`. */
function at(links: readonly OwnerLink[], i: number): OwnerLink {
  const link = links[i];
  if (link === undefined) throw new RangeError(`no client ${i}`);
  return link;
}

/** `count` clients of this thread linked to one owner over MessagePorts, one port each as `startOwner` hands them out. */
async function overPorts(count: number) {
  const owner = recordingOwner();
  const id = `ports-${owners++}`;
  const channels = Array.from({ length: count }, () => new MessageChannel());
  const spares: number[] = [];
  for (const c of channels) demultiplex(portPeer(c.port1), owner.serve);
  const links: OwnerLink[] = [];
  for (const [i, c] of channels.entries()) {
    links.push(await sharedLink(id, () => Promise.resolve(portLink(c.port2, 'the test owner')), () => (spares.push(i), c.port2.close()), 'the test owner'));
  }
  return { owner, links, spares, channels };
}

describe('a shared channel over MessagePorts', () => {
  it("delivers the requests of a thread's clients in the order they were sent, and each reply to its client", async () => {
    const { owner, links, spares } = await overPorts(3);
    expect(spares).toEqual([1, 2]);
    const order = [2, 0, 1, 1, 2, 0, 2, 2, 0, 1];
    for (const [i, client] of order.entries()) links[client]?.send(`m${i}`);
    const replies = await Promise.all(order.map((client) => at(links, client).next()));
    // Owner peers are numbered by first message: client 2 spoke first, then 0, then 1.
    const peerOf = new Map([[2, 0], [0, 1], [1, 2]]);
    expect(owner.heard).toEqual(order.map((client, i) => `${peerOf.get(client)}:m${i}`));
    expect(replies).toEqual(order.map((_, i) => `echo m${i}`));
    for (const link of links) await link.close();
  });

  it("ends a client's owner peer when it closes its link, and the others' when the last one closes", async () => {
    const { owner, links } = await overPorts(2);
    links[0]?.send('a');
    links[1]?.send('b');
    await Promise.all([links[0]?.next(), links[1]?.next()]);
    await links[0]?.close();
    await expect.poll(() => owner.closed, { timeout: 5_000 }).toEqual([0]);
    await expect(links[0]?.next()).rejects.toThrow(PeerGoneError);
    links[1]?.send('still here');
    await expect(links[1]?.next()).resolves.toBe('echo still here');
    await links[1]?.close();
    await expect.poll(() => owner.closed, { timeout: 5_000 }).toEqual([0, 1]);
  });

  it('tells every waiting client that the owner is gone when the physical channel closes', async () => {
    const { owner, links, channels } = await overPorts(2);
    links[0]?.send('a');
    links[1]?.send('b');
    await Promise.all([links[0]?.next(), links[1]?.next()]);
    const waiting = links.map((l) => l.next());
    channels[0]?.port1.close();
    for (const w of waiting) await expect(w).rejects.toThrow(PeerGoneError);
    await expect.poll(() => owner.closed.sort(), { timeout: 5_000 }).toEqual([0, 1]);
    for (const link of links) await link.close();
  });

  it("tells a client the owner closed its peer, and only that client", async () => {
    const { owner, links } = await overPorts(2);
    links[0]?.send('a');
    links[1]?.send('b');
    await Promise.all([links[0]?.next(), links[1]?.next()]);
    owner.peers[0]?.close();
    await expect(links[0]?.next()).rejects.toThrow('the test owner is gone: it closed this client');
    links[1]?.send('c');
    await expect(links[1]?.next()).resolves.toBe('echo c');
    for (const link of links) await link.close();
  });

  it('closes a channel on a frame that is not one', async () => {
    const { port1, port2 } = new MessageChannel();
    demultiplex(portPeer(port1), () => undefined);
    const gone = new Promise<string>((resolve) => port2.once('close', () => resolve('closed')));
    port2.postMessage({ not: 'a frame' });
    await expect(gone).resolves.toBe('closed');
  });
});

describe('a shared channel over a Unix socket', () => {
  it("opens one connection for a process's clients and keeps their requests in send order", async () => {
    const path = join(dir, 'owner.sock');
    const owner = recordingOwner();
    let connections = 0;
    const server = await serveSocket(path, (physical) => {
      connections++;
      demultiplex(physical, owner.serve);
    });
    const open = () => socketLink(path, 'the test owner');
    // Joined while the first connection is still being made: they wait for the same one.
    const links = await Promise.all([0, 1, 2].map(() => sharedLink(path, open, () => undefined, 'the test owner')));
    const order = [1, 0, 2, 2, 1, 0, 0, 1];
    for (const [i, client] of order.entries()) links[client]?.send(`m${i}`);
    const replies = await Promise.all(order.map((client) => at(links, client).next()));
    expect(connections).toBe(1);
    expect(owner.heard.map((h) => h.split(':')[1])).toEqual(order.map((_, i) => `m${i}`));
    expect(replies).toEqual(order.map((_, i) => `echo m${i}`));
    for (const link of links) await link.close();
    await expect.poll(() => owner.closed.length, { timeout: 5_000 }).toBe(3);
    await server.close();
  });
});
