import { setTimeout as delay } from 'node:timers/promises';

/** Timers may fire up to this many ms early or late; the rest of a sleep is finished by polling. */
const TIMER_SLACK_MS = 2;

/**
 * Sleeps `ms` milliseconds, never less and by default not more than a few microseconds over:
 * a timer for all but the last {@link TIMER_SLACK_MS} ms, then `setImmediate` turns until the
 * deadline. Polling yields to the event loop on every turn, so other clients on the same thread
 * keep running. Node's bare `setTimeout` can fire early by a fraction of a millisecond and late by
 * about one, which over the 49 serial holds of the doc ticket-rush is already 1% of its floor.
 *
 * `ms` <= 0 returns at once.
 */
export async function sleepExact(ms: number): Promise<void> {
  if (!(ms > 0)) return;
  const deadline = process.hrtime.bigint() + BigInt(Math.round(ms * 1e6));
  if (ms > TIMER_SLACK_MS) await delay(ms - TIMER_SLACK_MS);
  while (process.hrtime.bigint() < deadline) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
