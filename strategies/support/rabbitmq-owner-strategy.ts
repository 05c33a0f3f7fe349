/** The two RabbitMQ owner strategies, which differ only in whether the owner is idempotent. */
import { brokerNames } from '../../bench/engines/broker-names.ts';
import { startOwnerThread } from '../../bench/runners/owner-thread.ts';
import type { Strategy } from '../strategy.ts';
import { connectOwnerClient } from './rabbitmq-owner-service.ts';

/** What each client of a RabbitMQ owner gets: where the broker is and the run's request queue. */
export interface RabbitShare {
  readonly url: string;
  readonly queue: string;
}

/**
 * A strategy whose owner thread (started by its setup, in the harness's process under both
 * runners; see `rabbitmq-owner.thread.ts`) consumes the run's RabbitMQ request queue, and whose
 * clients, in threads or in processes, publish to that queue and wait for the owner's reply.
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
    stateLocation: 'memory of the owner thread, written through to the db file',
    broker: 'rabbitmq',
    reach: 'machines',

    async setup(config) {
      const owner = await startOwnerThread(new URL('../rabbitmq-owner.thread.ts', import.meta.url), { config, idempotent }, []);
      const share: RabbitShare = { url: config.services.rabbitmq, queue: brokerNames(config.namespace).requestQueue };
      return { forClient: () => ({ data: share, transfer: [] }), teardown: () => owner.stop() };
    },

    async connect(env) {
      const share = env.share as RabbitShare;
      const client = await connectOwnerClient(share.url, share.queue);
      return {
        async run(op) {
          const answer = await client.request(op);
          if ('error' in answer) throw new Error(`${name} owner: ${answer.error}`);
          return answer.result;
        },
        close: () => client.close(),
      };
    },
  };
}
