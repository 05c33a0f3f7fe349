import { dirname, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { startOwnerThread } from '../bench/runners/owner-thread.ts';
import { MemoryState } from '../bench/workloads/store.ts';
import { portLink, socketLink } from './support/owner-link.ts';
import type { Strategy } from './strategy.ts';

/** Messages between a client and the token desk. */
export type DeskRequest = { readonly type: 'acquire' } | { readonly type: 'release'; readonly state: unknown };
/** The token: the state itself. Whoever has received it and not yet released it owns the state. */
export interface Token {
  readonly state: unknown;
}

/** What the desk answers instead of the token once it could not re-issue a lost one. */
export interface TokenLost {
  readonly lost: string;
}

/**
 * `message-channel`: ownership travels. The state itself is a token that moves in messages over
 * MessagePorts; there is exactly one token, so whoever holds it has exclusive access, with no
 * shared memory and no lock. The holder applies its operation to the in-memory state, persists
 * a change to the db file (with the write latency), and passes the token on.
 *
 * The token is passed through a desk thread (`message-channel.thread.ts`), which keeps it while
 * nobody wants it and hands it to requesters in arrival order; a handoff is thus two messages
 * (holder → desk → next holder). The desk never reads or changes the state. In the processes
 * runner the desk listens on a Unix domain socket in the run's directory and the token travels as
 * JSON (see `support/owner-link.ts`).
 */
export const messageChannel: Strategy = {
  name: 'message-channel',
  description: 'the state is a token passed in messages (MessagePorts; a Unix socket from processes), through a desk, in request order',
  paradigm: 'ownership travels',
  guarantee: 'mutual exclusion',
  order: 'arrival',
  onHolderCrash:
    "the desk sees the holder's port or socket close and re-issues the token from the state last persisted to the db file",
  stateLocation: 'memory of the token holder',
  reach: 'processes of one machine',

  async setup(config) {
    const module = new URL('./message-channel.thread.ts', import.meta.url);
    if (config.runner === 'processes') {
      const socketPath = join(dirname(config.dbPath), 'token-desk.sock');
      const desk = await startOwnerThread(module, { dbPath: config.dbPath, socketPath }, []);
      return { forClient: () => ({ data: socketPath, transfer: [] }), teardown: () => desk.stop() };
    }
    const channels = Array.from({ length: config.clients }, () => new MessageChannel());
    const deskPorts = channels.map((c) => c.port1);
    const desk = await startOwnerThread(module, { dbPath: config.dbPath, ports: deskPorts }, deskPorts);
    return {
      forClient(clientId) {
        const port = channels[clientId]?.port2;
        if (port === undefined) throw new RangeError(`no client ${clientId}`);
        return { data: port, transfer: [port] };
      },
      async teardown() {
        await desk.stop();
      },
    };
  },

  async connect(env) {
    const desk = 'the token desk thread';
    const link = typeof env.share === 'string' ? await socketLink(env.share, desk) : portLink(env.share as MessagePort, desk);
    const send = (message: DeskRequest) => link.send(message);
    return {
      async run(op) {
        send({ type: 'acquire' });
        const token = (await link.next()) as Token | TokenLost;
        if ('lost' in token) throw new Error(`message-channel: ${token.lost}`);
        const state = new MemoryState(token.state, env.store);
        try {
          return await env.execute(op, state);
        } finally {
          send({ type: 'release', state: state.current });
        }
      },
      close: () => link.close(),
    };
  },
};
