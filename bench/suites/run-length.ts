/**
 * How long a suite run is: the tutorial's shape (each client buys once, or prints once) where the
 * latencies make a run long enough to measure, and more requests per client where they do not.
 *
 * At the `zero` profile one request per client is over in 5–50 ms under threads (50 clients, 2
 * cores), so short that the scheduler's noise is most of it: two runs of the same code differed by
 * up to 27% in their medians. There each client makes its requests one after another until the run
 * has the critical sections {@link ZERO_CRITICAL_SECTIONS} gives its runner, each in the event log
 * and judged like the tutorial's one. Under threads, 1,000 (ticket-rush: 20 purchases per client;
 * ordered-print: 334 pairs of prints per client): 0.1–2 s here. Under processes a handoff costs
 * 1–40 ms (a process must be woken), so 1,000 would cost up to 40 s a run: 200 there (ticket-rush
 * 4 purchases per client; ordered-print 67 pairs per client), 0.2–8 s. The `doc` and `quick`
 * profiles keep one request per client: the tutorial's own program, whose 100–300 ms latencies
 * already make its runs long.
 */
import type { RunnerName } from '../runners/runner.ts';
import type { LatencyName } from '../workloads/latency.ts';

/** Critical sections in all of a `zero` run of the suite, by runner (rounded up to a whole number per client). */
export const ZERO_CRITICAL_SECTIONS: Readonly<Record<RunnerName, number>> = { threads: 1000, processes: 200 };

/** Requests each of `clients` clients makes in a suite run at `latency` under `runner`: 1, or enough for {@link ZERO_CRITICAL_SECTIONS} at `zero`. */
export function requestsPerClient(latency: LatencyName, clients: number, runner: RunnerName): number {
  return latency === 'zero' ? Math.ceil(ZERO_CRITICAL_SECTIONS[runner] / Math.max(1, clients)) : 1;
}
