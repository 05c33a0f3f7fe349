/**
 * The Unix-socket transport between client processes and an owner thread: messages in order both
 * ways, and every way a connection can end, on real sockets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PeerGoneError } from '../strategies/support/message-port.ts';
import { serveSocket, socketLink, type ClientPeer } from '../strategies/support/owner-link.ts';

const dir = mkdtempSync(join(tmpdir(), 'sync-bench-owner-link-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let sockets = 0;
const path = () => join(dir, `${sockets++}.sock`);

describe('owner link over a Unix socket', () => {
  it('carries messages in order both ways, one JSON document per line', async () => {
    const at = path();
    const owner = await serveSocket(at, (peer) => peer.onMessage((m) => peer.send({ echo: m })));
    const link = await socketLink(at, 'the test owner');
    for (let i = 0; i < 100; i++) link.send({ i, text: 'line\nbreak' });
    const replies = await Promise.all(Array.from({ length: 100 }, () => link.next()));
    expect(replies).toEqual(Array.from({ length: 100 }, (_, i) => ({ echo: { i, text: 'line\nbreak' } })));
    await link.close();
    await owner.close();
  });

  it('tells a waiting client that the owner is gone when the owner closes', async () => {
    const at = path();
    const owner = await serveSocket(at, () => undefined);
    const link = await socketLink(at, 'the test owner');
    const waiting = link.next();
    await owner.close();
    await expect(waiting).rejects.toThrow(PeerGoneError);
    await expect(link.next()).rejects.toThrow('the test owner is gone');
    await link.close();
  });

  it('ends the link, without throwing in the client, when the owner dies half-way through a line', async () => {
    const at = path();
    const server = createServer((socket: Socket) => {
      socket.write('{"result":');
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(at, resolve));
    const link = await socketLink(at, 'the test owner');
    await expect(link.next()).rejects.toThrow(PeerGoneError);
    await link.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes the connection of a client that sends a line that is not JSON, and only that one', async () => {
    const at = path();
    const peers: ClientPeer[] = [];
    const closed: number[] = [];
    const received: unknown[] = [];
    const owner = await serveSocket(at, (peer) => {
      const n = peers.push(peer) - 1;
      peer.onMessage((m) => received.push(m));
      peer.onClose(() => closed.push(n));
    });
    const good = await socketLink(at, 'the test owner');
    const bad = createConnection(at);
    await new Promise((resolve) => bad.once('connect', resolve));
    const badClosed = new Promise((resolve) => bad.once('close', resolve));
    bad.write('not json\n{"after":"the bad line"}\n');
    await badClosed;
    good.send({ still: 'here' });
    await expect.poll(() => received, { timeout: 5_000 }).toEqual([{ still: 'here' }]);
    expect(closed).toEqual([1]);
    await good.close();
    await owner.close();
  });

  it('takes 1000 clients connecting at once (a listen queue of 511 turned the rest away with EAGAIN)', async () => {
    const at = path();
    const owner = await serveSocket(at, (peer) => peer.onMessage((m) => peer.send(m)));
    try {
      // Issued in one turn of the event loop: every connect reaches the queue before the owner accepts any.
      const links = await Promise.all(Array.from({ length: 1000 }, () => socketLink(at, 'the test owner')));
      links[999]?.send('last');
      expect(await links[999]?.next()).toBe('last');
      await Promise.all(links.map((l) => l.close()));
    } finally {
      await owner.close();
    }
  });

  it('retries a connection a full listen queue turned away (EAGAIN) until the owner accepts it', async () => {
    const at = path();
    // A queue of one: most of 20 connects at once are turned away, then let in as the server accepts.
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    server.listen({ path: at, backlog: 1 });
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const links = await Promise.all(Array.from({ length: 20 }, () => socketLink(at, 'the test owner')));
      expect(links).toHaveLength(20);
      await expect.poll(() => accepted.length).toBe(20);
      await Promise.all(links.map((l) => l.close()));
    } finally {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("rejects the connection with the socket's own error when no owner listens", async () => {
    await expect(socketLink(join(dir, 'nobody.sock'), 'the test owner')).rejects.toThrow(/ENOENT|ECONNREFUSED/);
  });
});

describe('a socket path too long for a Unix socket address', () => {
  it('is refused before anything is created, saying to set a shorter TMPDIR', async () => {
    const long = join(dir, 'a'.repeat(120 - dir.length), 'owner.sock');
    await expect(serveSocket(long, () => undefined)).rejects.toThrow(/bytes, more than the 107 a socket address holds: set TMPDIR to a shorter folder/);
  });
});
