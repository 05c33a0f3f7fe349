import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { startOwnerThread } from '../bench/runners/owner-thread.ts';
import type { OpResult } from '../bench/workloads/operation.ts';
import { nextMessage } from './support/message-port.ts';
import type { Strategy } from './strategy.ts';

/** What the owner thread answers to one operation. */
export type OwnerReply = { readonly result: OpResult } | { readonly error: string };

/**
 * `queue-owner`: operations travel, the state stays. One owner thread (`queue-owner.thread.ts`)
 * loads the db into memory at start, then applies the clients' operations one at a time in
 * arrival order, persists each change to the db file (with the write latency) and replies.
 * Clients never touch the store inside the critical section; each has its own MessagePort to the
 * owner. The owner's death is a failure of the run: it is not recovered.
 */
export const queueOwner: Strategy = {
  name: 'queue-owner',
  description: 'an owner thread holds the state in memory and applies requests one at a time, in arrival order',
  paradigm: 'operations travel',
  guarantee: 'mutual exclusion',
  order: 'arrival',
  onHolderCrash:
    "unaffected: the owner applies the dead client's request and replies to a closed port; if the owner itself dies, every waiting client fails with 'the queue owner thread is gone'",
  stateLocation: 'memory of the owner thread',
  reach: 'threads of one process',
  reachLimit: 'the owner is a worker thread reached over MessagePorts; ports cannot be handed to another process',

  async setup(config) {
    const channels = Array.from({ length: config.clients }, () => new MessageChannel());
    const ownerPorts = channels.map((c) => c.port1);
    const owner = await startOwnerThread(new URL('./queue-owner.thread.ts', import.meta.url), { config, ports: ownerPorts }, ownerPorts);
    return {
      forClient(clientId) {
        const port = channels[clientId]?.port2;
        if (port === undefined) throw new RangeError(`no client ${clientId}`);
        return { data: port, transfer: [port] };
      },
      async teardown() {
        await owner.stop();
      },
    };
  },

  connect(env) {
    const port = env.share as MessagePort;
    return Promise.resolve({
      async run(op) {
        port.postMessage(op);
        const reply = (await nextMessage(port, 'the queue owner thread')) as OwnerReply;
        if ('error' in reply) throw new Error(`queue owner: ${reply.error}`);
        return reply.result;
      },
      close() {
        port.close();
        return Promise.resolve();
      },
    });
  },
};

