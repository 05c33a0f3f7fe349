/**
 * The delay proxy's partition: one connection goes silent both ways (no FIN, no RST), its bytes
 * held or dropped, while the others go on; then it heals. On real loopback sockets. Nothing here
 * sleeps: "nothing arrived meanwhile" is shown by a round trip on another connection through the
 * same proxy, made after the silenced bytes were written (with no delay, the proxy would have
 * forwarded them first).
 */
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { startDelayProxy, type DelayProxy } from '../bench/network/delay-proxy.ts';

/** A server that records what each connection received, in order, and when it saw the peer's end. */
async function startRecorder(): Promise<{ port: number; seen: string[][]; ended: boolean[]; close(): Promise<void> }> {
  const seen: string[][] = [];
  const ended: boolean[] = [];
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    const at = seen.push([]) - 1;
    ended.push(false);
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => {
      seen[at]?.push(chunk.toString());
      // An echo, so that a client can make a round trip.
      socket.write(chunk);
    });
    socket.once('end', () => (ended[at] = true));
    socket.once('close', () => {
      ended[at] = true;
      sockets.delete(socket);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    seen,
    ended,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function connect(port: number): Promise<Socket> {
  const socket = createConnection({ host: '127.0.0.1', port });
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  await once(socket, 'connect');
  return socket;
}

/** One round trip on `socket` through the echo: resolves with what came back. */
async function roundTrip(socket: Socket, text: string): Promise<string> {
  const back = once(socket, 'data');
  socket.write(text);
  const [chunk] = (await back) as [Buffer];
  return chunk.toString();
}

/** A recorder behind a proxy with no delay, and two connections through it (0 and 1), each seen by the recorder. */
async function setup(): Promise<{ proxy: DelayProxy; recorder: Awaited<ReturnType<typeof startRecorder>>; silent: Socket; other: Socket }> {
  const recorder = await startRecorder();
  const proxy = await startDelayProxy({ targetHost: '127.0.0.1', targetPort: recorder.port, oneWayDelayMs: 0 });
  const silent = await connect(proxy.port);
  expect(await roundTrip(silent, 'hello')).toBe('hello');
  const other = await connect(proxy.port);
  expect(await roundTrip(other, 'ping')).toBe('ping');
  onTestFinished(async () => {
    silent.destroy();
    other.destroy();
    await proxy.close();
    await recorder.close();
  });
  return { proxy, recorder, silent, other };
}

describe('a partitioned connection through the delay proxy', () => {
  it('holds its bytes both ways while the others go on, and delivers them in order at the heal', async () => {
    const { proxy, recorder, silent, other } = await setup();
    expect(proxy.connections()).toBe(2);
    const partition = proxy.partition(0, 'hold');
    silent.write('a');
    silent.write('b');
    // The barrier: a round trip on the other connection, after the silenced writes.
    expect(await roundTrip(other, 'pong')).toBe('pong');
    expect(recorder.seen[0]).toEqual(['hello']);
    const echoed = once(silent, 'data');
    partition.heal();
    await echoed;
    expect(recorder.seen[0]?.join('')).toBe('helloab');
  });

  it('drops its bytes for good under drop, and carries new ones after the heal', async () => {
    const { proxy, recorder, silent, other } = await setup();
    const partition = proxy.partition(0, 'drop');
    silent.write('lost');
    expect(await roundTrip(other, 'pong')).toBe('pong');
    partition.heal();
    expect(await roundTrip(silent, 'after')).toBe('after');
    expect(recorder.seen[0]?.join('')).toBe('helloafter');
  });

  it('sends no FIN and no RST for a client that closes during the partition: the server sees the end only at the heal', async () => {
    const { proxy, recorder, silent, other } = await setup();
    const partition = proxy.partition(0, 'hold');
    const gone = once(silent, 'close');
    silent.destroy();
    await gone;
    expect(await roundTrip(other, 'pong')).toBe('pong');
    expect(recorder.ended[0]).toBe(false);
    partition.heal();
    // Once healed the close crosses: a round trip later the server has seen it.
    const deadline = Date.now() + 5_000;
    while (!recorder.ended[0] && Date.now() < deadline) await roundTrip(other, 'tick');
    expect(recorder.ended[0]).toBe(true);
  });

  it('lists its open connections: one whose client closed during a partition stays open (nothing crossed it), and close() leaves none', async () => {
    const { proxy, silent } = await setup();
    expect(proxy.open()).toEqual([0, 1]);
    proxy.partition(0, 'hold');
    const gone = once(silent, 'close');
    silent.destroy();
    await gone;
    expect(proxy.open()).toEqual([0, 1]);
    await proxy.close();
    expect(proxy.open()).toEqual([]);
  });

  it('reset ends both sides of a dropped connection at once: the client sees it closed, the server its end, and nothing parked crosses', async () => {
    const { proxy, recorder, silent, other } = await setup();
    const partition = proxy.partition(0, 'drop');
    silent.write('lost');
    expect(await roundTrip(other, 'pong')).toBe('pong');
    const gone = once(silent, 'close');
    partition.reset();
    await gone;
    const deadline = Date.now() + 5_000;
    while (!recorder.ended[0] && Date.now() < deadline) await roundTrip(other, 'tick');
    expect(recorder.ended[0]).toBe(true);
    expect(recorder.seen[0]?.join('')).toBe('hello');
    expect(proxy.open()).toEqual([1]);
    partition.reset();
  });

  it('refuses a connection it has not accepted', async () => {
    const { proxy } = await setup();
    expect(() => proxy.partition(5, 'hold')).toThrow(RangeError);
  });
});
