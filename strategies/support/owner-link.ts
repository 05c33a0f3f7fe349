/**
 * The two transports between a client and an owner (a queue owner, a token desk), behind one
 * shape on each side:
 * - threads of one process: a MessagePort per client (structured clone, no copy through the kernel);
 * - processes: a Unix domain socket at a path in the run's directory, one connection per client,
 *   carrying one JSON document per line (newline-delimited JSON, split by `node:readline`).
 * The socket was chosen over the fork IPC channel by measuring both (`npm run bench:micro`,
 * "cross-process floors"): the IPC channel reaches only the harness's main thread, so an owner
 * thread behind it would pay a second hop through a MessagePort.
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import type { MessagePort } from 'node:worker_threads';
import { nextMessage, PeerGoneError } from './message-port.ts';

/** The owner's view of one client: messages in order, one `close` when the client is gone. */
export interface ClientPeer {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once, when the client's end closes (its thread or process ended, or it closed). */
  onClose(listener: () => void): void;
  close(): void;
}

/** A client's view of its owner: request and reply, in order. */
export interface OwnerLink {
  send(message: unknown): void;
  /** The next message from the owner; rejects with {@link PeerGoneError} if the owner is gone first. */
  next(): Promise<unknown>;
  close(): Promise<void>;
}

/** A MessagePort as the owner's view of a client. */
export function portPeer(port: MessagePort): ClientPeer {
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', listener),
    onClose: (listener) => port.once('close', listener),
    close: () => port.close(),
  };
}

/** A MessagePort as a client's link to its owner; `owner` names it in errors. */
export function portLink(port: MessagePort, owner: string): OwnerLink {
  return {
    send: (message) => port.postMessage(message),
    next: () => nextMessage(port, owner),
    close() {
      port.close();
      return Promise.resolve();
    },
  };
}

/** A listening Unix-socket owner end. */
export interface SocketOwner {
  /** Stops listening and closes every client connection. */
  close(): Promise<void>;
}

/** The longest path a Unix socket address holds on Linux (`sun_path` is 108 bytes with its NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

/** One line of JSON per message. */
function writeLine(socket: Socket, message: unknown): void {
  if (!socket.destroyed) socket.write(`${JSON.stringify(message)}\n`);
}

/**
 * Calls `onMessage` with each line of `socket` parsed as JSON, in order. A line that is not JSON
 * (garbage, or half a line from a peer that died while writing it) ends the connection, and the
 * lines after it are dropped: the socket's 'close' tells the rest. A reset (a peer killed
 * mid-line) is that close too, not an error thrown here.
 */
function onJsonLines(socket: Socket, onMessage: (message: unknown) => void): void {
  createInterface({ input: socket, crlfDelay: Infinity }).on('line', (line) => {
    if (socket.destroyed) return;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      socket.destroy();
      return;
    }
    onMessage(message);
  });
  socket.on('error', () => undefined);
}

/**
 * Connections the owner's socket queues before it accepts them: as many as a run has clients (the
 * kernel caps it at `net.core.somaxconn`; Node's default, 511, turned the 512th of 1000 clients
 * connecting at once away with EAGAIN).
 */
export const LISTEN_BACKLOG = 4096;

/** How long a client retries a connection the owner's full queue turned away (EAGAIN), ms. */
export const CONNECT_RETRY_MS = 10_000;

/**
 * Listens on the Unix socket `path` and hands each client connection to `onPeer`. Resolves once
 * listening. A line that is not JSON ends its connection (the peer sees it close). Throws, before
 * creating anything, when `path` is longer than {@link MAX_SOCKET_PATH_BYTES}.
 */
export async function serveSocket(path: string, onPeer: (peer: ClientPeer) => void): Promise<SocketOwner> {
  // Longer, the address would be cut short where the kernel keeps it: a stray socket file elsewhere.
  const bytes = Buffer.byteLength(path);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new Error(`the Unix socket path ${path} is ${bytes} bytes, more than the ${MAX_SOCKET_PATH_BYTES} a socket address holds: set TMPDIR to a shorter folder`);
  }
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const listeners: ((message: unknown) => void)[] = [];
    onJsonLines(socket, (message) => {
      for (const listener of listeners) listener(message);
    });
    onPeer({
      send: (message) => writeLine(socket, message),
      onMessage: (listener) => listeners.push(listener),
      onClose: (listener) => socket.once('close', () => listener()),
      close: () => socket.destroy(),
    });
    socket.once('close', () => sockets.delete(socket));
  });
  server.listen({ path, backlog: LISTEN_BACKLOG });
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([error]) => Promise.reject(error as Error))]);
  return {
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The kernel's cap on a listen queue, for an error message; null where it cannot be read. */
function somaxconn(): string | null {
  try {
    return readFileSync('/proc/sys/net/core/somaxconn', 'utf8').trim();
  } catch {
    return null;
  }
}

/**
 * A connected socket to `path`. A connection turned away because the owner's listen queue is full
 * (EAGAIN on a Unix socket) is retried, 1 ms apart doubling to 100 ms, for {@link CONNECT_RETRY_MS};
 * then it fails, saying why. Any other error fails at once.
 */
async function connectSocket(path: string, owner: string): Promise<Socket> {
  const deadline = Date.now() + CONNECT_RETRY_MS;
  for (let pauseMs = 1; ; pauseMs = Math.min(100, 2 * pauseMs)) {
    const socket = createConnection(path);
    try {
      await Promise.race([once(socket, 'connect'), once(socket, 'error').then(([error]) => Promise.reject(error as Error))]);
      return socket;
    } catch (error) {
      socket.destroy();
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      if (Date.now() >= deadline) {
        const cap = somaxconn();
        throw new Error(
          `${owner}'s socket ${path} kept its listen queue full for ${CONNECT_RETRY_MS / 1000} s (connect EAGAIN${cap === null ? '' : `; the kernel caps the queue at net.core.somaxconn = ${cap}`}): run fewer clients, or raise net.core.somaxconn`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

/** Connects to the owner listening at the Unix socket `path`; `owner` names it in errors. */
export async function socketLink(path: string, owner: string): Promise<OwnerLink> {
  const socket = await connectSocket(path, owner);
  socket.setNoDelay(true);
  const received: unknown[] = [];
  const waiting: { resolve: (message: unknown) => void; reject: (error: Error) => void }[] = [];
  let gone: PeerGoneError | null = null;
  onJsonLines(socket, (message) => {
    const next = waiting.shift();
    if (next === undefined) received.push(message);
    else next.resolve(message);
  });
  socket.once('close', () => {
    gone = new PeerGoneError(`${owner} is gone: its socket closed`);
    for (const next of waiting.splice(0)) next.reject(gone);
  });
  return {
    send: (message) => writeLine(socket, message),
    next() {
      if (received.length > 0) return Promise.resolve(received.shift());
      if (gone !== null) return Promise.reject(gone);
      return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
    },
    close() {
      if (socket.destroyed) return Promise.resolve();
      // 'close' comes after an 'error' too (a reset while ending): the link is closed either way.
      const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
      socket.end();
      return closed;
    },
  };
}
