import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { LatencyProfile } from './latency.ts';
import type { Operation, OpResult, StateAccess } from './operation.ts';
import { sleepExact } from '../coordination/sleep.ts';
import type { CriticalContext, Evidence, Workload, WorkloadCheck } from './workload.ts';

/**
 * ordered-print, the seed document's first program (`work(n)`). Each client prints "running",
 * sleeps a random 0–1 s (doc profile), prints "done"; the critical section is the whole body.
 * The sleeps are drawn from `seed`, so a run is reproducible.
 *
 * Check: every client's "running" and "done" are adjacent in the global print order. Without
 * mutual exclusion the lines interleave.
 */
export const orderedPrint: Workload = {
  name: 'ordered-print',
  description: 'each client prints "running", sleeps a random time, prints "done" (whole body is the critical section)',
  defaultClients: 3,
  needs: 'mutual exclusion',

  initialState(): null {
    return null;
  },

  inputs(clients: number, latency: LatencyProfile, seed: number): number[] {
    const rng = xoroshiro128plus(seed);
    const maxUs = Math.round(latency.printMaxMs * 1000);
    return Array.from({ length: clients }, () => uniformInt(rng, 0, maxUs) / 1000);
  },

  beforeCritical(): Promise<number> {
    return Promise.resolve(0);
  },

  async criticalSection(_access: StateAccess, op: Operation, { prints }: CriticalContext): Promise<OpResult> {
    prints.print(op.clientId, 'running');
    await sleepExact(op.input);
    prints.print(op.clientId, 'done');
    return { success: true, tornReads: 0 };
  },

  nominalMs(op: Operation): number {
    return op.input;
  },

  check({ prints, clients }: Evidence): WorkloadCheck {
    const lines = prints.lines();
    let interleaved = 0;
    const problems: string[] = [];
    for (let client = 0; client < clients; client++) {
      const running = lines.findIndex((l) => l.clientId === client && l.kind === 'running');
      const done = lines.findIndex((l) => l.clientId === client && l.kind === 'done');
      if (running < 0 || done < 0) problems.push(`client ${client} printed ${running < 0 ? 'no "running"' : 'no "done"'}`);
      else if (done !== running + 1) interleaved++;
    }
    if (prints.printed !== 2 * clients) problems.push(`${prints.printed} lines printed, expected ${2 * clients}`);
    if (interleaved > 0) problems.push(`${interleaved} of ${clients} clients interleaved`);
    return { figures: { workload: 'ordered-print', interleaved }, problems };
  },
};
