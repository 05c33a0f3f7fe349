import { MemoryState } from '../bench/workloads/store.ts';
import { linkToOwner, startOwner } from './support/owner-endpoints.ts';
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
 * (holder → desk → next holder). The desk never reads or changes the state. The clients of one
 * thread (or process) share one channel to the desk, so its requests arrive in the order they were
 * made (see `support/shared-channel.ts`). In the processes runner the desk listens on a Unix
 * domain socket in the run's directory and the token travels as JSON (see `support/owner-link.ts`).
 */
export const messageChannel: Strategy = {
  name: 'message-channel',
  description: 'the state is a token passed in messages (MessagePorts; a Unix socket from processes), through a desk, in request order',
  paradigm: 'ownership travels',
  guarantee: 'mutual exclusion',
  order: 'arrival',
  onHolderCrash:
    "the desk sees the holder's port or socket close and re-issues the token from the state last persisted to the db file",
  onOwnerCrash:
    "none: clients waiting at the desk fail ('the token desk thread is gone'), the holder finishes its section but cannot hand the token back, and nobody restarts the desk; the db file keeps what holders persisted",
  stateLocation: 'memory of the token holder',
  reach: 'processes of one machine',

  setup(config) {
    return startOwner(new URL('./message-channel.thread.ts', import.meta.url), { dbPath: config.dbPath }, config, 'token-desk.sock');
  },

  async connect(env) {
    const link = await linkToOwner(env.share, 'the token desk thread');
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
