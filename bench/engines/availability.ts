/**
 * Which of a suite's strategies cannot run because their server does not answer: each engine
 * the strategies need is probed once, before anything runs.
 */
import type { Strategy } from '../../strategies/strategy.ts';
import { probeService, skippedReason, type EngineName, type ServiceUrls } from './services.ts';

/** The engine whose server `strategy` keeps its state in, or null for one that needs none. */
export function engineOf(strategy: Pick<Strategy, 'stateStore'>): EngineName | null {
  return strategy.stateStore === 'redis' || strategy.stateStore === 'postgres' ? strategy.stateStore : null;
}

/**
 * By strategy name, the reason it is skipped ("skipped: no Redis at URL (why); how to start
 * one"), for each of `chosen` whose server does not answer at `urls`; the others are absent.
 */
export async function unavailableStrategies(chosen: readonly (readonly [string, Strategy])[], urls: ServiceUrls): Promise<Record<string, string>> {
  const engines = [...new Set(chosen.map(([, s]) => engineOf(s)).filter((e): e is EngineName => e !== null))];
  const down = new Map<EngineName, string>();
  await Promise.all(
    engines.map(async (engine) => {
      const why = await probeService(engine, urls[engine]);
      if (why !== null) down.set(engine, skippedReason(engine, urls[engine], why));
    }),
  );
  const skipped: Record<string, string> = {};
  for (const [name, strategy] of chosen) {
    const engine = engineOf(strategy);
    const reason = engine === null ? undefined : down.get(engine);
    if (reason !== undefined) skipped[name] = reason;
  }
  return skipped;
}
