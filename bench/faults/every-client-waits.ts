import type { StrikeContext } from './fault.ts';

/** How long the victim may take to get inside its critical section, and the others to ask for theirs, ms. */
export const STRIKE_WAIT_MS = 5_000;

/**
 * The moment of a fault that strikes a holder: once the victim is inside its critical section and
 * every other client has asked for its own (or {@link STRIKE_WAIT_MS} passed), and 20 ms more to
 * let them reach their wait.
 */
export async function everyClientWaits(context: StrikeContext): Promise<void> {
  const deadline = Date.now() + STRIKE_WAIT_MS;
  await Promise.race([context.victimInside(), context.sleep(STRIKE_WAIT_MS)]);
  // Every client, the victim included, asks once before anything else happens to it.
  while (context.requests() < context.clients && Date.now() < deadline) await context.sleep(5);
  await context.sleep(20);
}
