/**
 * One NATS connection per thread (or process) and server, shared by the clients of that thread
 * (see `shared-connection.ts`): NATS multiplexes requests on a connection, replies come back on
 * inboxes of their own.
 */
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { sharedConnection, type ConnectionUse } from './shared-connection.ts';

/** This thread's connection to the NATS server at `url`. */
export function sharedNats(url: string): Promise<ConnectionUse<NatsConnection>> {
  return sharedConnection(`nats ${url}`, () => connect({ servers: url }), (nc) => nc.close());
}
