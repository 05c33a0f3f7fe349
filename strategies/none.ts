import type { Strategy } from './strategy.ts';

/**
 * `none`: no coordination. Every client runs its critical section on the db file at once.
 * The baseline: it measures the workload without any serialisation and is expected to be wrong
 * (ticket-rush oversells, ordered-print interleaves).
 */
export const none: Strategy = {
  name: 'none',
  description: 'no coordination: the uncoordinated baseline, expected to be wrong',
  paradigm: 'no coordination',
  guarantee: 'none',
  order: 'unspecified',
  onHolderCrash:
    'nothing to recover: nobody waits for anybody',
  stateLocation: 'db file (disk)',
  reach: 'not applicable',

  setup() {
    return Promise.resolve({
      forClient: () => ({ data: null, transfer: [] }),
      teardown: () => Promise.resolve(),
    });
  },

  connect(env) {
    return Promise.resolve({
      run: (op) => env.execute(op, env.store),
      close: () => Promise.resolve(),
    });
  },
};
