import { processesRunner } from './processes.ts';
import type { Runner, RunnerName } from './runner.ts';
import { threadsRunner } from './threads.ts';

/** Every runner, by name. */
export const runners: Record<RunnerName, Runner> = { threads: threadsRunner, processes: processesRunner };
