import { redisKeys } from '../bench/engines/redis-state.ts';
import type { Strategy } from './strategy.ts';
import { engineSetup, type EngineShare } from './support/engine-share.ts';
import { loadScript, redisConnection } from './support/redis-session.ts';

/** The whole purchase, run by Redis as one script (scripts run one at a time). KEYS: state. Returns 1 bought, 0 sold out. */
const PURCHASE_LUA = `
local db = cjson.decode(redis.call('GET', KEYS[1]))
if db.count > 0 then
  db.count = db.count - 1
  redis.call('SET', KEYS[1], cjson.encode(db))
  return 1
end
return 0`;

/**
 * `redis-script`: the operation travels to the server: the whole purchase is one Lua script
 * (`EVALSHA`), which Redis runs to the end before any other command. No body runs in the client,
 * so the simulated latencies do not apply (the real round trip does) and the verdict comes from
 * the clients' history and the final state alone. ticket-rush only. Clients of a thread share its
 * connection; nothing is held between commands.
 */
export const redisScript: Strategy = {
  name: 'redis-script',
  description: 'state in a Redis key; each purchase one server-side Lua script (EVALSHA), run by Redis one at a time',
  paradigm: 'operations travel',
  guarantee: 'serializable commits',
  order: 'unspecified',
  onHolderCrash: 'nothing is held by a client: a script runs to its end inside the server whatever happens to the client that sent it',
  stateLocation: 'Redis key (server)',
  stateStore: 'redis',
  runsIn: 'server',
  workloads: ['ticket-rush'],
  reach: 'machines',

  setup: engineSetup('redis'),

  async connect(env) {
    const share = env.share as EngineShare;
    const use = await redisConnection(share.url);
    const purchase = await loadScript(use.connection, PURCHASE_LUA);
    const state = redisKeys(share.namespace).state;
    return {
      async run() {
        const bought = await purchase.run(use.connection, [state], []);
        return { success: bought === 1, tornReads: 0 };
      },
      close: () => use.release(),
    };
  },
};
