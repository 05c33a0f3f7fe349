import type { OpResult } from './operation.ts';
import type { Workload, WorkloadCheck } from './workload.ts';

const RESULT: OpResult = { success: true, tornReads: 0 };

/**
 * noop: an empty critical section, for measuring coordination alone (`npm run bench:micro`).
 * Its state is never read or written; its check has nothing to find.
 */
export const noop: Workload = {
  name: 'noop',
  description: 'an empty critical section: coordination cost alone (used by bench:micro)',
  defaultClients: 2,
  needs: 'mutual exclusion',
  initialState: () => null,
  inputs: (clients: number) => new Array<number>(clients).fill(0),
  beforeCritical: () => Promise.resolve(0),
  criticalSection: () => Promise.resolve(RESULT),
  nominalMs: () => 0,
  check: (): WorkloadCheck => ({ figures: { workload: 'noop' }, problems: [] }),
};
