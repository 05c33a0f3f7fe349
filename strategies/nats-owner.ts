import { brokerNames } from '../bench/engines/broker-names.ts';
import type { StrategyConfig } from '../bench/runners/run-config.ts';
import type { Strategy } from './strategy.ts';
import type { OwnerAnswer } from './support/rabbitmq-owner-service.ts';
import { sharedNats } from './support/nats-connection.ts';
import { startRunOwner } from './support/owner-endpoints.ts';

/** What each client gets: where the NATS server is, the run's request subject and how long to wait for a reply. */
interface NatsOwnerShare {
  readonly url: string;
  readonly subject: string;
  readonly replyTimeoutMs: number;
}

/**
 * How long a client waits for the owner's reply, ms: every client's critical section ahead of it
 * at four times its longest nominal length, plus 10 s. Past it the outcome is unknown: core NATS
 * delivers at most once, so the request or the reply may have been lost, or the owner may have
 * applied it and died.
 */
export function replyTimeoutMs(config: Pick<StrategyConfig, 'clients' | 'latency'>): number {
  return 10_000 + config.clients * 4 * (config.latency.readMs + config.latency.writeMs + config.latency.printMaxMs);
}

/**
 * `nats-owner`: operations travel over NATS request/reply to a single writer. An owner (started
 * by the setup: a thread of the runner's process under the threads runner, a process of its own
 * under the processes runner; see `startRunOwner` and `nats-owner.thread.ts`) subscribes to the run's subject in a queue group and applies requests
 * one at a time; each client sends its request and waits for the reply on its inbox. Core NATS is
 * at-most-once: nothing is stored or redelivered, and a request without a reply in time fails
 * the client saying its outcome is unknown.
 */
export const natsOwner: Strategy = {
  name: 'nats-owner',
  description: 'an owner subscribed in a NATS queue group applies requests one at a time and replies (request/reply, at most once)',
  paradigm: 'operations travel',
  guarantee: 'mutual exclusion',
  order: 'unspecified',
  onHolderCrash: "unaffected: a dead client's request is applied and its reply dropped; if the owner dies, the requests it had not answered time out with an unknown outcome",
  onOwnerCrash:
    "restarted (by the harness, as a supervisor would), but nothing is redelivered: core NATS keeps no message, so the requests the dead owner held (applied and stored, or not yet) get no reply, and their clients time out with the outcome unknown; requests sent while no owner listens fail at once ('no responders')",
  recoversFromOwnerCrash: true,
  stateLocation: 'memory of the owner, written through to the db file',
  broker: 'nats',
  reach: 'machines',

  async setup(config) {
    const owner = await startRunOwner(new URL('./nats-owner.thread.ts', import.meta.url), { config }, config, true);
    const share: NatsOwnerShare = { url: config.services.nats, subject: brokerNames(config.namespace).requestSubject, replyTimeoutMs: replyTimeoutMs(config) };
    return { forClient: () => ({ data: share, transfer: [] }), teardown: () => owner.stop() };
  },

  async connect(env) {
    const share = env.share as NatsOwnerShare;
    const use = await sharedNats(share.url);
    const nc = use.connection;
    return {
      async run(op) {
        let answer: OwnerAnswer;
        try {
          answer = (await nc.request(share.subject, JSON.stringify(op), { timeout: share.replyTimeoutMs })).json<OwnerAnswer>();
        } catch (error) {
          throw new Error(`nats-owner: no reply (${error instanceof Error ? error.message : String(error)}): the outcome of the request is unknown`);
        }
        if ('error' in answer) throw new Error(`nats-owner owner: ${answer.error}`);
        return answer.result;
      },
      close: () => use.release(),
    };
  },
};
