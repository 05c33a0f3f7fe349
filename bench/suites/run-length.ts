/**
 * How long a suite run is: the tutorial's shape (each client buys once, or prints once) where the
 * latencies make a run long enough to measure, and more requests per client where they do not.
 *
 * At the `zero` profile one request per client is over in 5–50 ms (50 clients, 2 cores), so short
 * that the scheduler's noise is most of it: two runs of the same code differed by up to 27% in
 * their medians. There each client makes its requests one after another until the run has
 * {@link ZERO_CRITICAL_SECTIONS} critical sections in all (ticket-rush: 20 purchases per client;
 * ordered-print: 334 pairs of prints per client), a run of about 0.1–2 s here; each one is in the event
 * log and judged like the tutorial's one. The `doc` and `quick` profiles keep one request per
 * client: the tutorial's own program, whose 100–300 ms latencies already make its runs long.
 */
import type { LatencyName } from '../workloads/latency.ts';

/** Critical sections in all of a `zero` run of the suite (rounded up to a whole number per client). */
export const ZERO_CRITICAL_SECTIONS = 1000;

/** Requests each of `clients` clients makes in a suite run at `latency`: 1, or enough for {@link ZERO_CRITICAL_SECTIONS} at `zero`. */
export function requestsPerClient(latency: LatencyName, clients: number): number {
  return latency === 'zero' ? Math.ceil(ZERO_CRITICAL_SECTIONS / Math.max(1, clients)) : 1;
}
