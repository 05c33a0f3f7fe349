/** The two RabbitMQ owner strategies, which differ only in whether the owner is idempotent. */
import { brokerNames } from '../../bench/engines/broker-names.ts';
import type { Strategy } from '../strategy.ts';
import { connectOwnerClient } from './rabbitmq-owner-service.ts';
import { startRunOwner } from './owner-endpoints.ts';
import { sharedConnection } from './shared-connection.ts';

/** What each client of a RabbitMQ owner gets: where the broker is and the run's request queue. */
export interface RabbitShare {
  readonly url: string;
  readonly queue: string;
}

/**
 * A strategy whose owner (started by its setup: a thread of the runner's process under the threads
 * runner, a process of its own under the processes runner, see `startRunOwner`, running
 * `rabbitmq-owner.thread.ts`) consumes the run's RabbitMQ request queue, and whose
 * clients, in threads or in processes, publish to that queue and wait for the owner's reply. The
 * clients of a thread or process share one connection (200 connections of one thread took over
 * 10 s to close here).
 */
export function rabbitOwnerStrategy(name: string, idempotent: boolean, description: string): Strategy {
  return {
    name,
    description,
    paradigm: 'operations travel',
    guarantee: 'mutual exclusion',
    // Requests from different connections reach the queue in no order RabbitMQ promises.
    order: 'unspecified',
    onHolderCrash: idempotent
      ? "unaffected: a dead client's request is applied and its reply dropped. An owner that dies after storing a change and before acknowledging it has the request redelivered to the next owner, which finds its id stored with the change and answers from the store"
      : "unaffected: a dead client's request is applied and its reply dropped. An owner that dies after storing a change and before acknowledging it has the request redelivered to the next owner, which applies it again (a ticket sold twice)",
    onOwnerCrash: idempotent
      ? 'restarted (by the harness, as a supervisor would): RabbitMQ redelivers the request the dead owner had not acknowledged, and the new owner, which loads the db, finds its id stored with the sale and answers from the store: sold once'
      : 'restarted (by the harness, as a supervisor would): RabbitMQ redelivers the request the dead owner had not acknowledged, and the new owner, which loads the db, applies it again: a request stored before the crash is sold twice',
    recoversFromOwnerCrash: true,
    stateLocation: 'memory of the owner, written through to the db file',
    broker: 'rabbitmq',
    reach: 'machines',

    async setup(config) {
      const owner = await startRunOwner(new URL('../rabbitmq-owner.thread.ts', import.meta.url), { config, idempotent }, config, true);
      const share: RabbitShare = { url: config.services.rabbitmq, queue: brokerNames(config.namespace).requestQueue };
      return { forClient: () => ({ data: share, transfer: [] }), teardown: () => owner.stop() };
    },

    async connect(env) {
      const share = env.share as RabbitShare;
      // One connection and confirm channel per thread or process, shared by its clients: replies are matched by correlation id.
      const use = await sharedConnection(`rabbitmq ${share.url} ${share.queue}`, () => connectOwnerClient(share.url, share.queue), (client) => client.close());
      return {
        async run(op) {
          const answer = await use.connection.request(op);
          if ('error' in answer) throw new Error(`${name} owner: ${answer.error}`);
          return answer.result;
        },
        close: () => use.release(),
      };
    },
  };
}
