/**
 * A run's queue in RabbitMQ (see `broker-names.ts`): the strategy declares it in its setup; the
 * harness deletes it at the end of the run, whatever happened. The AMQP protocol has no way to
 * list queues, so a killed run's queue cannot be named afterwards: it is declared with an expiry
 * (`x-expires`, {@link QUEUE_EXPIRES_MS}) and the server deletes it once no consumer has used it
 * for that long.
 */
import amqp from 'amqplib';
import { brokerNames } from './broker-names.ts';

/** How long the harness waits for the server, ms. */
const HARNESS_TIMEOUT_MS = 5_000;

/** Deletes the run's request queue (a queue that is not there is no error). */
export async function dropRabbitQueue(url: string, namespace: string): Promise<void> {
  const connection = await amqp.connect(url, { timeout: HARNESS_TIMEOUT_MS });
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createChannel();
    await channel.deleteQueue(brokerNames(namespace).requestQueue);
  } finally {
    await connection.close().catch(() => undefined);
  }
}
