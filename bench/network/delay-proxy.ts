/**
 * A TCP proxy on loopback that holds the bytes going each way for a fixed one-way delay, to
 * simulate the network between the harness's clients and a server (Redis, PostgreSQL) where the
 * kernel has no netem. A client connects to the proxy's `host`:`port` instead of the server's; every
 * request and every reply waits `oneWayDelayMs` (milliseconds) each way, so a round trip costs at
 * least twice that: `--rtt MS` is a proxy with `oneWayDelayMs` MS / 2.
 *
 * The link it simulates has latency and unlimited bandwidth: each chunk is held for the delay from
 * its own arrival at the proxy (a burst of N chunks is not delayed N times), and chunks leave in
 * the order they came. An end of stream (a half-close) goes the same way, after the data before
 * it. With a delay of 0 each chunk is forwarded at once. A chunk waits on a timer until 2 ms before
 * it is due, then on event-loop turns (timers wake on whole milliseconds): it is held at least the
 * delay and little more, plus any event-loop lag, at the cost of a busy event loop in the last 2 ms.
 *
 * A connection can be partitioned (`partition`): silent both ways, no FIN and no RST, its bytes
 * held or dropped, until it is healed (see {@link PartitionMode}).
 *
 * Not simulated: bandwidth limits, loss (outside a partition), reordering, jitter, the round trip of the TCP handshake
 * (the proxy connects to the target as soon as a client connects) and the kernel's segment sizes.
 *
 * It also counts request turns (see {@link DelayProxy.requestTurns}): how many times a client sent
 * bytes after the server had answered on that connection, the evidence of how many round trips
 * the clients' operations took.
 *
 * Errors: `startDelayProxy` rejects on a delay that is not a finite number ≥ 0, and when it cannot
 * listen. After that nothing is thrown: a target that refuses or resets the connection closes the
 * client's side, a client that resets closes the target's side, and an error on either socket
 * destroys both.
 */
import { once } from 'node:events';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

export interface DelayProxyOptions {
  /** The server's host, e.g. `127.0.0.1`. */
  targetHost: string;
  targetPort: number;
  /** How long each chunk is held, each way, in milliseconds; 0 forwards at once. */
  oneWayDelayMs: number;
  /** The address to listen on, `127.0.0.1` unless given; the port is always an ephemeral one. */
  listenHost?: string;
}

/** A listening proxy. */
export interface DelayProxy {
  /** The address it listens on. */
  readonly host: string;
  /** The ephemeral port it listens on. */
  readonly port: number;
  /**
   * Request turns so far, over every connection: each time bytes arrived from a client on a
   * connection where the server had sent bytes since the client's last ones (or where the client
   * had sent none yet). Counted on arrival at the proxy, before any delay. A lower bound on the
   * round trips the clients made: requests a client (or several sharing a connection) pipelines
   * before an answer arrives share one turn; a step that waits for the server's answer before it
   * asks again is a turn of its own.
   */
  readonly requestTurns: number;
  /** Stops listening and destroys every connection, with whatever it still holds; never hangs. */
  close(): Promise<void>;
  /** Connections accepted so far (the index {@link partition} takes is their order, from 0). */
  connections(): number;
  /** The indices of the connections accepted so far whose two sockets are not both closed (or destroyed by `close`) yet, in order. */
  open(): number[];
  /**
   * Silences connection `index` both ways (see {@link PartitionMode}) until the returned
   * partition is healed; the other connections go on. Throws a RangeError for a connection not
   * accepted yet.
   */
  partition(index: number, mode: PartitionMode): Partition;
}

/** One direction of a connection: what arrives on `from` is written to `to` after `delayMs`. */
interface DelayedPipe {
  /** Drops what is still held and clears the pending timer. */
  stop(): void;
}

/**
 * A partition of one connection (see {@link DelayProxy.partition}): `hold` keeps every byte and
 * end that arrives either way until the heal, then sends them on in order, as TCP retransmission
 * would after a short outage; `drop` discards them for good (the stream resumes after the heal
 * with a gap, as after an outage longer than the peers' retransmission). Either way nothing is
 * closed or reset meanwhile: a side that closes during the partition is closed on the other side
 * only at the heal.
 */
export type PartitionMode = 'hold' | 'drop';

/** A partition in force; `heal` ends it (idempotent). */
export interface Partition {
  heal(): void;
  /**
   * Ends the connection instead, both sides destroyed at once and whatever waited for a heal
   * discarded: the peers' kernels giving up on a connection whose bytes stopped coming back
   * (idempotent, and after `heal` too).
   */
  reset(): void;
}

/** Whether a connection is silent now, shared by its two pipes and its close handlers. */
interface Silence {
  mode: PartitionMode | null;
  /** Deliveries postponed until the heal (hold), in arrival order. */
  readonly parked: (() => void)[];
}

/**
 * Forwards `from` to `to`, each chunk (and the end, as `null`) `delayMs` after its arrival, in
 * order. When `to` buffers more than its high-water mark, `from` is paused until `to` drains.
 */
function pipeWithDelay(from: Socket, to: Socket, delayMs: number, silence: Silence): DelayedPipe {
  const held: { dueAt: number; chunk: Buffer | null }[] = [];
  let timer: { cancel(): void } | undefined;
  // A timer for all but the last 2 ms, then event-loop turns until due: timers wake on whole
  // milliseconds, which would hold a 0.25 ms delay for a whole one.
  const wakeAt = (dueAt: number): { cancel(): void } => {
    const left = dueAt - performance.now();
    if (left > 2) {
      const t = setTimeout(flush, Math.floor(left - 2));
      return { cancel: () => clearTimeout(t) };
    }
    const i = setImmediate(flush);
    return { cancel: () => clearImmediate(i) };
  };
  let waitingForDrain = false;

  const deliver = (chunk: Buffer | null): void => {
    if (to.destroyed) return;
    if (chunk === null) {
      to.end();
      return;
    }
    if (!to.write(chunk) && !waitingForDrain) {
      waitingForDrain = true;
      from.pause();
      to.once('drain', () => {
        waitingForDrain = false;
        from.resume();
      });
    }
  };

  const flush = (): void => {
    timer = undefined;
    // Checked against the clock, not trusted to the timer, which can fire up to a millisecond early.
    const now = performance.now();
    let next = held[0];
    while (next !== undefined && next.dueAt <= now) {
      held.shift();
      deliver(next.chunk);
      next = held[0];
    }
    if (next !== undefined) timer = wakeAt(next.dueAt);
  };

  const arrive = (chunk: Buffer | null): void => {
    if (silence.mode === 'drop') return;
    if (silence.mode === 'hold') {
      silence.parked.push(() => arrive(chunk));
      return;
    }
    if (delayMs === 0) {
      deliver(chunk);
      return;
    }
    const dueAt = performance.now() + delayMs;
    held.push({ dueAt, chunk });
    timer ??= wakeAt(dueAt);
  };

  from.on('data', (chunk: Buffer) => arrive(chunk));
  from.on('end', () => arrive(null));
  return {
    stop() {
      timer?.cancel();
      timer = undefined;
      held.length = 0;
    },
  };
}

/**
 * Joins `client` and `target` with a delayed pipe each way. Returns the function that destroys the
 * pair; `onGone` is called once both sockets have closed, `onTurn` at each request turn.
 */
function relay(client: Socket, target: Socket, delayMs: number, silence: Silence, onGone: () => void, onTurn: () => void): () => void {
  // A client's bytes after the server's (or its first ones) open a request turn.
  let answered = true;
  client.on('data', () => {
    if (answered) onTurn();
    answered = false;
  });
  target.on('data', () => (answered = true));
  const pipes = [pipeWithDelay(client, target, delayMs, silence), pipeWithDelay(target, client, delayMs, silence)];
  const destroyNow = (): void => {
    for (const pipe of pipes) pipe.stop();
    client.destroy();
    target.destroy();
  };
  // During a partition a close is not seen across it: it waits for the heal.
  const destroy = (): void => {
    if (silence.mode === null) destroyNow();
    else silence.parked.push(destroyNow);
  };
  let open = 2;
  for (const socket of [client, target]) {
    socket.setNoDelay(true);
    // An error is followed by 'close'; the pair ends there, and nothing is thrown.
    socket.on('error', destroy);
    socket.once('close', () => {
      // A socket that closes after its peer's end has queued that end for the other side, behind
      // the data before it; one that closes without it (a reset, a refusal) takes the pair down.
      // During a partition even an orderly close is not seen across it until the heal.
      if (!socket.readableEnded || silence.mode !== null) destroy();
      if (--open === 0) {
        destroy();
        onGone();
      }
    });
  }
  return destroy;
}

/** Starts a proxy to `targetHost`:`targetPort` that delays each direction by `oneWayDelayMs`. */
export async function startDelayProxy(options: DelayProxyOptions): Promise<DelayProxy> {
  const { targetHost, targetPort, oneWayDelayMs } = options;
  const host = options.listenHost ?? '127.0.0.1';
  if (!Number.isFinite(oneWayDelayMs) || oneWayDelayMs < 0) {
    throw new RangeError(`the one-way delay must be a finite number of milliseconds ≥ 0, not ${oneWayDelayMs}`);
  }
  const pairs = new Set<() => void>();
  const silences: Silence[] = [];
  /** By connection index, what destroys its pair at once, partition or not. */
  const resets = new Map<number, () => void>();
  const opened = new Set<number>();
  let closing = false;
  let requestTurns = 0;
  // Half-open on both sides, so that a client's end does not end its side before the delayed reply.
  const server = createServer({ allowHalfOpen: true }, (client) => {
    if (closing) {
      client.destroy();
      return;
    }
    const target = createConnection({ host: targetHost, port: targetPort, allowHalfOpen: true });
    const silence: Silence = { mode: null, parked: [] };
    const index = silences.push(silence) - 1;
    opened.add(index);
    const destroy = relay(
      client,
      target,
      oneWayDelayMs,
      silence,
      () => {
        pairs.delete(destroy);
        opened.delete(index);
        resets.delete(index);
      },
      () => requestTurns++,
    );
    pairs.add(destroy);
    resets.set(index, () => {
      silence.parked.length = 0;
      silence.mode = null;
      destroy();
    });
  });
  server.listen(0, host);
  await once(server, 'listening');
  // A failed accept is that client's connection failing, not the proxy's.
  server.on('error', () => undefined);
  const { port } = server.address() as AddressInfo;
  return {
    host,
    port,
    get requestTurns() {
      return requestTurns;
    },
    connections: () => silences.length,
    open: () => [...opened],
    partition(index, mode) {
      const silence = silences[index];
      if (silence === undefined) throw new RangeError(`no connection ${index}: ${silences.length} accepted so far`);
      silence.mode = mode;
      return {
        heal() {
          if (silence.mode === null) return;
          silence.mode = null;
          for (const deliver of silence.parked.splice(0)) deliver();
        },
        reset() {
          resets.get(index)?.();
        },
      };
    },
    close() {
      closing = true;
      for (const silence of silences) {
        silence.mode = null;
        // What waited for a heal runs now (a close across the partition among it), before every pair is destroyed.
        for (const deliver of silence.parked.splice(0)) deliver();
      }
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const destroy of pairs) destroy();
      pairs.clear();
      // Destroyed, both sockets of each: none is open any more, whenever their close events come.
      opened.clear();
      return closed;
    },
  };
}
