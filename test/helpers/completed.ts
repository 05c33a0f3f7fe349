import type { CompletedRun, RunResult } from '../../bench/runners/run.ts';

/** `result` as a completed run; throws with the run's error when it failed, so a test fails saying why. */
export function completed(result: RunResult): CompletedRun {
  if (result.status === 'failed') throw new Error(`run failed: ${result.error}`);
  return result;
}
