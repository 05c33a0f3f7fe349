/**
 * The owner service of `rabbitmq-owner` and `rabbitmq-owner-idempotent`, and its clients, over
 * RabbitMQ (AMQP 0-9-1, the `amqplib` client):
 *
 * - the request queue is a quorum queue with single active consumer (`x-single-active-consumer`):
 *   one owner consumes at a time, and a second owner waits as a standby that RabbitMQ switches to
 *   when the first one's channel closes; it expires once unused (`x-expires`, see
 *   `bench/engines/broker-names.ts`), so a killed run's queue does not stay;
 * - the owner consumes with prefetch 1 and manual acknowledgement: it applies one request, stores
 *   the change (write-through to the run's store), replies, and only then acknowledges. An owner
 *   that dies before its acknowledgement reaches the broker has its request redelivered to the
 *   next owner (at-least-once delivery);
 * - a client publishes each request as a persistent message, with publisher confirms, and waits
 *   for its reply on direct reply-to (`amq.rabbitmq.reply-to`), on the channel it published on
 *   (the server refuses a reply-to consumer on another channel), matched by correlation id.
 *
 * Idempotent owner: the request id is stored in the same write as the change (see
 * {@link REQUESTS_KEY}); a redelivered request whose id is stored is answered from the store
 * without running the body again. Without it, a redelivered request runs again: a ticket sold twice.
 *
 * Checked against RabbitMQ 3.10: quorum queue with single active consumer, the standby taking the
 * unacknowledged message (redelivered flag set) when the active consumer's connection dies,
 * direct reply-to on a confirm channel.
 */
import { randomUUID } from 'node:crypto';
import amqp, { type Channel, type ChannelModel, type ConfirmChannel, type ConsumeMessage } from 'amqplib';
import { QUEUE_EXPIRES_MS } from '../../bench/engines/broker-names.ts';
import type { Operation, OpResult, ReadResult, StateAccess } from '../../bench/workloads/operation.ts';

/** One request: the operation and its id (a fresh UUID per request, kept by a redelivery). */
export interface OwnerRequest {
  readonly id: string;
  readonly op: Operation;
}

/** What the owner answers. */
export type OwnerAnswer = { readonly result: OpResult } | { readonly error: string };

/**
 * Socket options of every connection: Nagle's algorithm off (amqplib leaves it on by default),
 * otherwise a small request waits for the acknowledgement of the one before it (measured here:
 * about 53 ms a request/reply round trip with it, 8 ms without, on RabbitMQ 3.10).
 */
export const SOCKET_OPTIONS = { noDelay: true } as const;

/** The pseudo-queue of direct reply-to. */
export const DIRECT_REPLY_TO = 'amq.rabbitmq.reply-to';

/**
 * The key under which the idempotent owner keeps, in the stored state, the ids of the requests
 * whose change it stored (most recent last, at most {@link REMEMBERED_REQUESTS}). A single active
 * consumer with prefetch 1 has at most one request unacknowledged at a time, so only the latest
 * can come back; more are kept as a margin.
 */
export const REQUESTS_KEY = 'appliedRequests';

/** How many request ids the idempotent owner keeps in the state. */
export const REMEMBERED_REQUESTS = 64;

/** The queue's arguments: a quorum queue, one active consumer, deleted once unused. */
export const REQUEST_QUEUE_ARGUMENTS = { 'x-queue-type': 'quorum', 'x-single-active-consumer': true, 'x-expires': QUEUE_EXPIRES_MS } as const;

/** Declares the request queue `queue` (idempotent: the same arguments again are accepted). */
export async function declareRequestQueue(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(queue, { durable: true, arguments: REQUEST_QUEUE_ARGUMENTS });
}

/** The state the owner applies requests to: read, and written through to the run's store. */
export interface OwnerState extends StateAccess {
  /** The state as last written (or loaded). */
  readonly current: unknown;
}

/** The request ids stored in `state` under {@link REQUESTS_KEY}. */
export function storedRequests(state: unknown): readonly string[] {
  const ids = typeof state === 'object' && state !== null ? (state as Record<string, unknown>)[REQUESTS_KEY] : undefined;
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : [];
}

/** `access` whose every write also stores `id` among the applied requests, in the same write. */
function stampingRequest(access: OwnerState, id: string): StateAccess {
  return {
    get readLatencyMs() {
      return access.readLatencyMs;
    },
    get writeLatencyMs() {
      return access.writeLatencyMs;
    },
    read: (): Promise<ReadResult> => access.read(),
    write(state) {
      if (typeof state !== 'object' || state === null) return access.write(state);
      const ids = [...storedRequests(access.current).filter((known) => known !== id), id].slice(-REMEMBERED_REQUESTS);
      return access.write({ ...(state as Record<string, unknown>), [REQUESTS_KEY]: ids });
    },
  };
}

/** What the owner service needs. */
export interface OwnerServiceOptions {
  readonly url: string;
  readonly queue: string;
  /** Store each request's id with its change and answer a redelivered one from the store. */
  readonly idempotent: boolean;
  readonly state: OwnerState;
  /** Runs the body (the harness's executor in a run). */
  readonly execute: (op: Operation, access: StateAccess) => Promise<OpResult>;
  /**
   * Called after a request's body returned (its change stored) and before the reply and the
   * acknowledgement: where a test or a fault kills the owner.
   */
  readonly afterStore?: (request: OwnerRequest) => void | Promise<void>;
}

/** A running owner: `close` cancels its consumer and closes its connection; `failed` rejects if the connection is lost. */
export interface OwnerService {
  close(): Promise<void>;
  readonly failed: Promise<never>;
}

/**
 * Connects, declares the request queue and starts consuming it (prefetch 1, manual
 * acknowledgement). Resolves once the consumer is registered (it may still be a standby).
 */
export async function startOwnerService(options: OwnerServiceOptions): Promise<OwnerService> {
  const connection = await amqp.connect(options.url, SOCKET_OPTIONS);
  let closing = false;
  const failed = new Promise<never>((_, reject) => {
    connection.on('error', (error: Error) => reject(error));
    connection.on('close', () => {
      if (!closing) reject(new Error('the RabbitMQ connection of the owner closed'));
    });
  });
  failed.catch(() => undefined);
  const channel = await connection.createChannel();
  await declareRequestQueue(channel, options.queue);
  await channel.prefetch(1);
  const handle = async (message: ConsumeMessage): Promise<void> => {
    const request = JSON.parse(message.content.toString()) as OwnerRequest;
    let answer: OwnerAnswer;
    if (options.idempotent && storedRequests(options.state.current).includes(request.id)) {
      // Stored with its change: a write is stored only by a body that made one (ticket-rush: a sale).
      answer = { result: { success: true, tornReads: 0 } };
    } else {
      try {
        answer = { result: await options.execute(request.op, options.idempotent ? stampingRequest(options.state, request.id) : options.state) };
      } catch (error) {
        answer = { error: error instanceof Error ? error.message : String(error) };
      }
      await options.afterStore?.(request);
    }
    const replyTo = message.properties.replyTo as unknown;
    if (typeof replyTo === 'string') channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(answer)), { correlationId: message.properties.correlationId as unknown as string });
    channel.ack(message);
  };
  // Prefetch 1: the next delivery comes only after this one's acknowledgement, so requests are applied one at a time.
  await channel.consume(options.queue, (message) => {
    if (message !== null) void handle(message);
  });
  return {
    failed,
    async close() {
      closing = true;
      await connection.close().catch(() => undefined);
    },
  };
}

/** A client's side: `request` publishes one request and resolves with the owner's answer. */
export interface OwnerClient {
  request(op: Operation): Promise<OwnerAnswer>;
  close(): Promise<void>;
}

/**
 * One client's connection: a confirm channel that publishes requests (persistent, confirmed) and
 * consumes the replies on direct reply-to. A lost connection rejects every pending request.
 */
export async function connectOwnerClient(url: string, queue: string): Promise<OwnerClient> {
  const connection: ChannelModel = await amqp.connect(url, SOCKET_OPTIONS);
  const pending = new Map<string, { resolve: (answer: OwnerAnswer) => void; reject: (error: Error) => void }>();
  let gone: Error | null = null;
  const fail = (error: Error) => {
    gone ??= error;
    for (const waiter of pending.values()) waiter.reject(gone);
    pending.clear();
  };
  connection.on('error', (error: Error) => fail(error));
  connection.on('close', () => fail(new Error('the RabbitMQ connection closed')));
  const channel: ConfirmChannel = await connection.createConfirmChannel();
  await channel.consume(
    DIRECT_REPLY_TO,
    (message) => {
      if (message === null) return fail(new Error('the reply consumer was cancelled'));
      const id = message.properties.correlationId as unknown;
      const waiter = typeof id === 'string' ? pending.get(id) : undefined;
      // A second answer to one request (after a redelivery) finds nobody waiting: dropped.
      if (waiter === undefined) return;
      pending.delete(id as string);
      waiter.resolve(JSON.parse(message.content.toString()) as OwnerAnswer);
    },
    { noAck: true },
  );
  return {
    async request(op) {
      if (gone !== null) throw gone;
      const id = randomUUID();
      const answer = new Promise<OwnerAnswer>((resolve, reject) => pending.set(id, { resolve, reject }));
      // Awaited below, after the confirm: a connection lost meanwhile is reported there, not as unhandled.
      answer.catch(() => undefined);
      const body = Buffer.from(JSON.stringify({ id, op } satisfies OwnerRequest));
      await new Promise<void>((resolve, reject) =>
        channel.sendToQueue(queue, body, { persistent: true, replyTo: DIRECT_REPLY_TO, correlationId: id }, (error: unknown) =>
          error === null || error === undefined ? resolve() : reject(new Error(`RabbitMQ did not confirm the request (${error instanceof Error ? error.message : JSON.stringify(error)})`)),
        ),
      );
      return answer;
    },
    async close() {
      gone ??= new Error('the client closed');
      await connection.close().catch(() => undefined);
    },
  };
}
