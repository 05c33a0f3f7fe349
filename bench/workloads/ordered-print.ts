import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { LatencyProfile } from './latency.ts';
import type { Operation, OpResult, StateAccess } from './operation.ts';
import { sleepExact } from '../coordination/sleep.ts';
import type { PrintLine } from '../evidence/print-log.ts';
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

  check({ prints, clients, outcomes }: Evidence): WorkloadCheck {
    const lines = prints.lines();
    let interleaved = 0;
    const problems: string[] = [];
    const requests = outcomes.reduce((sum, o) => sum + o.requests, 0);
    if (requests > clients) return severalEach(lines, prints.printed, clients, requests);
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

/**
 * The check when clients printed several pairs each (`requests` critical sections in all, as the
 * harness counted them): every "running" is followed at once by the same client's "done", each
 * client printed as many of each as it made requests, and `interleaved` counts the clients with at
 * least one pair split.
 */
function severalEach(lines: readonly PrintLine[], printed: number, clients: number, requests: number): WorkloadCheck {
  const split = new Set<number>();
  const running = new Array<number>(clients).fill(0);
  const done = new Array<number>(clients).fill(0);
  lines.forEach((line, i) => {
    if (line.kind === 'done') done[line.clientId] = (done[line.clientId] ?? 0) + 1;
    if (line.kind !== 'running') return;
    running[line.clientId] = (running[line.clientId] ?? 0) + 1;
    const next = lines[i + 1];
    if (next?.kind !== 'done' || next.clientId !== line.clientId) split.add(line.clientId);
  });
  const problems: string[] = [];
  const unpaired = running.filter((r, client) => r !== done[client]).length;
  if (unpaired > 0) problems.push(`${unpaired} clients printed "running" and "done" different numbers of times`);
  if (printed !== 2 * requests) problems.push(`${printed} lines printed, expected ${2 * requests}`);
  if (split.size > 0) problems.push(`${split.size} of ${clients} clients interleaved`);
  return { figures: { workload: 'ordered-print', interleaved: split.size }, problems };
}
