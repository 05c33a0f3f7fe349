/**
 * `--history DIR`: each ticket-rush run's client history, written as one JSON-lines file of
 * Jepsen-style records (see `histories/json-lines.ts`) named after the run, between runs (never
 * inside a measured window). `npm run check-history -- FILE --model ticket-counter --tickets T`
 * checks one on its own.
 */
import { writeHistoryFile } from '../histories/history-writer.ts';
import { ticketRushHistory } from '../histories/run-history.ts';
import type { RunResult, RunSettings } from '../runners/run.ts';

/** What a suite calls after each run whose history it kept. */
export interface HistorySink {
  record(settings: RunSettings, repetition: number, run: RunResult): Promise<void>;
  /** Files written so far. */
  written(): number;
}

/** A sink that writes into `dir` (an existing folder). */
export function historyWriter(dir: string): HistorySink {
  let count = 0;
  return {
    async record(settings, repetition, run) {
      if (run.status !== 'completed' || run.history === null || settings.workload !== 'ticket-rush') return;
      const parts = [settings.workload, settings.latency.name, settings.runner ?? 'threads', settings.strategy, `${settings.clients}-clients`, `${settings.tickets}-tickets`, `rep-${repetition}`];
      await writeHistoryFile(dir, parts, ticketRushHistory(run.history));
      count++;
    },
    written: () => count,
  };
}
