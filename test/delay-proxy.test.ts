/**
 * The delay proxy between the harness's clients and a server: bytes intact and in order, each way
 * held for the one-way delay, ends forwarded behind the data, and every way a connection or the
 * proxy can end, on real sockets (an echo server made here, and the Redis on this machine).
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startDelayProxy } from '../bench/network/delay-proxy.ts';

/** An echo server on an ephemeral loopback port; `received` fires on each chunk it gets. */
async function startEcho(): Promise<{ port: number; received: EventTarget; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const received = new EventTarget();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('data', () => received.dispatchEvent(new Event('data')));
    socket.pipe(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    received,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  await once(socket, 'connect');
  return socket;
}

/** Resolves with the first `length` bytes `socket` receives. */
function readBytes(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let got = 0;
    const onData = (chunk: Buffer): void => {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= length) {
        socket.off('data', onData);
        resolve(Buffer.concat(chunks).subarray(0, length));
      }
    };
    socket.on('data', onData);
    socket.once('close', () => reject(new Error(`the socket closed after ${got} of ${length} bytes`)));
  });
}

/** Everything `socket` receives until its end. */
async function readToEnd(socket: Socket): Promise<Buffer> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(socket, 'end');
  return Buffer.concat(chunks);
}

/** A port on which nothing listens (it did a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Whether something answers a TCP connection at `port` within a quarter of a second. */
async function listening(port: number): Promise<boolean> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setTimeout(250, () => socket.destroy(new Error('timed out')));
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

const REDIS_PORT = 6379;
const redisUp = await listening(REDIS_PORT);

describe('delay proxy', () => {
  it('carries 200 writes intact and in order both ways', async () => {
    const echo = await startEcho();
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: echo.port, oneWayDelayMs: 5 });
    const client = await connect(proxy.port);
    const writes = Array.from({ length: 200 }, (_, i) => Buffer.concat([Buffer.from(`<${i}>`), Buffer.from(Array.from({ length: 256 }, (_, b) => (b + i) % 256))]));
    const sent = Buffer.concat(writes);
    const reply = readBytes(client, sent.length);
    for (const [i, chunk] of writes.entries()) {
      client.write(chunk);
      // Let some chunks reach the proxy apart, so that several are held at once with different due times.
      if (i % 10 === 9) await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await reply).equals(sent)).toBe(true);
    client.destroy();
    await proxy.close();
    await echo.close();
  });

  it('carries a 4 MiB transfer intact, through the pauses for a full buffer', async () => {
    const echo = await startEcho();
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: echo.port, oneWayDelayMs: 2 });
    const client = await connect(proxy.port);
    const sent = randomBytes(4 * 1024 * 1024);
    const reply = readBytes(client, sent.length);
    client.write(sent);
    expect((await reply).equals(sent)).toBe(true);
    client.destroy();
    await proxy.close();
    await echo.close();
  });

  it('makes a round trip take at least twice the one-way delay', async () => {
    const delayMs = 40;
    const echo = await startEcho();
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: echo.port, oneWayDelayMs: delayMs });
    const client = await connect(proxy.port);
    const reply = readBytes(client, 4);
    const start = process.hrtime.bigint();
    client.write('ping');
    expect((await reply).toString()).toBe('ping');
    const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
    expect(elapsedMs).toBeGreaterThanOrEqual(2 * delayMs);
    client.destroy();
    await proxy.close();
    await echo.close();
  });

  it('forwards at once with a delay of 0', async () => {
    const echo = await startEcho();
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: echo.port, oneWayDelayMs: 0 });
    const client = await connect(proxy.port);
    const reply = readBytes(client, 5);
    client.write('hello');
    expect((await reply).toString()).toBe('hello');
    client.destroy();
    await proxy.close();
    await echo.close();
  });

  it("forwards a client's end behind the delayed data, and the server's end back", async () => {
    const echo = await startEcho();
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: echo.port, oneWayDelayMs: 20 });
    const client = await connect(proxy.port);
    const reply = readToEnd(client);
    client.end('last words');
    expect((await reply).toString()).toBe('last words');
    await proxy.close();
    await echo.close();
  });

  it('closes, without hanging, with a connection open and a reply held in the proxy', async () => {
    const echo = await startEcho();
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: echo.port, oneWayDelayMs: 100 });
    const client = await connect(proxy.port);
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    client.on('error', () => undefined);
    const clientClosed = once(client, 'close');
    const echoed = once(echo.received, 'data');
    client.write('in flight');
    // The server has it: its echo is now held in the proxy, on its way back.
    await echoed;
    await proxy.close();
    await clientClosed;
    expect(received).toEqual([]);
    await echo.close();
  }, 2_000);

  it('ends the client when nothing listens at the target, without an uncaught error', async () => {
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: await closedPort(), oneWayDelayMs: 10 });
    const client = await connect(proxy.port);
    // A reset, if the proxy's end comes as one, is the connection ending too.
    client.on('error', () => undefined);
    const received: Buffer[] = [];
    client.on('data', (chunk: Buffer) => received.push(chunk));
    client.write('anyone there?');
    await once(client, 'close');
    expect(received).toEqual([]);
    await proxy.close();
  }, 2_000);

  it('refuses a delay that is negative or not a number', async () => {
    await expect(startDelayProxy({ targetHost: '127.0.0.1', targetPort: 1, oneWayDelayMs: -1 })).rejects.toThrow(RangeError);
    await expect(startDelayProxy({ targetHost: '127.0.0.1', targetPort: 1, oneWayDelayMs: Number.NaN })).rejects.toThrow(RangeError);
  });

  it("counts request turns: a client's bytes after the server's, or its first ones, per connection; pipelined bytes share a turn", async () => {
    const accepted: Socket[] = [];
    const received = new EventTarget();
    const server = createServer((socket) => {
      accepted.push(socket);
      socket.on('data', () => received.dispatchEvent(new Event('data')));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: (server.address() as AddressInfo).port, oneWayDelayMs: 1 });
    const arrived = () => once(received, 'data');
    const client = await connect(proxy.port);
    expect(proxy.requestTurns).toBe(0);
    let got = arrived();
    client.write('a');
    await got;
    got = arrived();
    // Sent before any answer: the same turn.
    client.write('b');
    await got;
    expect(proxy.requestTurns).toBe(1);
    const answer = readBytes(client, 1);
    accepted[0]?.write('x');
    await answer;
    got = arrived();
    client.write('c');
    await got;
    expect(proxy.requestTurns).toBe(2);
    const other = await connect(proxy.port);
    got = arrived();
    other.write('d');
    await got;
    expect(proxy.requestTurns).toBe(3);
    client.destroy();
    other.destroy();
    await proxy.close();
    for (const socket of accepted) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it.skipIf(!redisUp)('carries a Redis PING and its PONG, a round trip later', async () => {
    const delayMs = 10;
    const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: REDIS_PORT, oneWayDelayMs: delayMs });
    const client = await connect(proxy.port);
    const reply = readBytes(client, 7);
    const start = process.hrtime.bigint();
    client.write('PING\r\n');
    expect((await reply).toString()).toBe('+PONG\r\n');
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeGreaterThanOrEqual(2 * delayMs);
    client.destroy();
    await proxy.close();
  });
});
