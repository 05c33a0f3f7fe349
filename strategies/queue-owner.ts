import type { OpResult } from '../bench/workloads/operation.ts';
import { linkToOwner, startOwner } from './support/owner-endpoints.ts';
import type { Strategy } from './strategy.ts';

/** What the owner thread answers to one operation. */
export type OwnerReply = { readonly result: OpResult } | { readonly error: string };

/**
 * `queue-owner`: operations travel, the state stays. One owner thread (`queue-owner.thread.ts`)
 * loads the db into memory at start, then applies the clients' operations one at a time in
 * arrival order, persists each change to the db file (with the write latency) and replies.
 * Clients never touch the store inside the critical section. In the threads runner the clients of
 * a thread share one MessagePort to the owner; in the processes runner the owner thread listens on
 * a Unix domain socket in the run's directory and each client process connects to it once (see
 * `support/owner-link.ts`, `support/shared-channel.ts`): a thread's requests arrive in the order
 * they were made. The owner's death is a failure of the run: it is not recovered.
 */
export const queueOwner: Strategy = {
  name: 'queue-owner',
  description: 'an owner thread holds the state in memory and applies requests one at a time, in arrival order (MessagePorts; a Unix socket from processes)',
  paradigm: 'operations travel',
  guarantee: 'mutual exclusion',
  order: 'arrival',
  onHolderCrash:
    "unaffected: the owner applies the dead client's request and replies to a closed port or socket; if the owner itself dies, every waiting client fails with 'the queue owner thread is gone'",
  onOwnerCrash:
    "none: every waiting client's request fails ('the queue owner thread is gone'), and nobody restarts the owner; what it persisted before each reply stays in the db file",
  stateLocation: 'memory of the owner thread',
  reach: 'processes of one machine',

  setup(config) {
    return startOwner(new URL('./queue-owner.thread.ts', import.meta.url), { config }, config, 'queue-owner.sock');
  },

  async connect(env) {
    const link = await linkToOwner(env.share, 'the queue owner thread');
    return {
      async run(op) {
        link.send(op);
        const reply = (await link.next()) as OwnerReply;
        if ('error' in reply) throw new Error(`queue owner: ${reply.error}`);
        return reply.result;
      },
      close: () => link.close(),
    };
  },
};

