import type { Strategy } from './strategy.ts';
import { rabbitOwnerStrategy } from './support/rabbitmq-owner-strategy.ts';

/**
 * `rabbitmq-owner-idempotent`: `rabbitmq-owner` whose owner stores each request's id in the same
 * write as its change, and answers a redelivered request whose id is stored from the store
 * instead of applying it again. See `support/rabbitmq-owner-service.ts`.
 */
export const rabbitmqOwnerIdempotent: Strategy = rabbitOwnerStrategy(
  'rabbitmq-owner-idempotent',
  true,
  'rabbitmq-owner whose owner stores each request id in the same write as its change and answers a redelivered request from the store',
);
