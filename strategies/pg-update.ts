import { stateTable } from '../bench/engines/postgres-state.ts';
import type { Strategy } from './strategy.ts';
import { engineSetup, type EngineShare } from './support/engine-share.ts';
import { localTurn } from './support/local-turn.ts';
import { postgresConnection } from './support/postgres-session.ts';

/**
 * `pg-update`: the operation travels to the server: the whole purchase is one statement,
 * `UPDATE … SET count = count − 1 WHERE count > 0 RETURNING`, which PostgreSQL runs under the
 * row's lock. A row back means a ticket bought; none, sold out. No body runs in the client, so
 * the simulated latencies do not apply (the real round trip does) and the verdict comes from the
 * clients' history and the final row alone. ticket-rush only.
 *
 * Clients of a thread share its connection and take turns on it for the one statement (a
 * connection runs one query at a time; the client library deprecates queueing them itself).
 */
export const pgUpdate: Strategy = {
  name: 'pg-update',
  description: 'state in a PostgreSQL row; each purchase one UPDATE … WHERE count > 0 RETURNING, run by the server',
  paradigm: 'operations travel',
  guarantee: 'serializable commits',
  order: 'unspecified',
  onHolderCrash: 'nothing is held by a client: a statement cut off by a dead connection is rolled back by the server',
  stateLocation: 'PostgreSQL row (server)',
  stateStore: 'postgres',
  runsIn: 'server',
  workloads: ['ticket-rush'],
  reach: 'machines',

  setup: engineSetup('postgres'),

  async connect(env) {
    const share = env.share as EngineShare;
    const use = await postgresConnection(share.url);
    const purchase = {
      name: `purchase ${share.namespace}`,
      text: `UPDATE ${stateTable(share.namespace)} SET json = jsonb_set(json, '{count}', to_jsonb((json->>'count')::bigint - 1)) WHERE id = 1 AND (json->>'count')::bigint > 0 RETURNING 1`,
    };
    const turn = localTurn(`postgres ${share.url}`);
    return {
      async run() {
        const done = await turn.take();
        try {
          const { rowCount } = await use.connection.query(purchase);
          return { success: rowCount === 1, tornReads: 0 };
        } finally {
          done();
        }
      },
      close: () => use.release(),
    };
  },
};
