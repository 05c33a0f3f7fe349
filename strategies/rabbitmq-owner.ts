import type { Strategy } from './strategy.ts';
import { rabbitOwnerStrategy } from './support/rabbitmq-owner-strategy.ts';

/**
 * `rabbitmq-owner`: operations travel through a broker to a single writer. An owner service
 * consumes purchase requests from a RabbitMQ quorum queue (single active consumer, prefetch 1,
 * manual acknowledgement after the change is stored) and answers on direct reply-to; clients
 * publish with publisher confirms. At-least-once delivery without idempotency: a request
 * redelivered after its owner stored it and died is applied twice. See
 * `support/rabbitmq-owner-service.ts`.
 */
export const rabbitmqOwner: Strategy = rabbitOwnerStrategy(
  'rabbitmq-owner',
  false,
  'an owner service consumes requests from a RabbitMQ quorum queue (single active consumer, prefetch 1, ack after storing) and replies on direct reply-to',
);
