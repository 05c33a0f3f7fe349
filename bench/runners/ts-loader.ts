import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/**
 * `execArgv` for worker threads that load this project's TypeScript directly: tsx's loader, by
 * absolute URL so it resolves whatever the current directory and however the parent was started
 * (the tsx CLI, vitest, plain node with `--import tsx`).
 */
export const tsWorkerExecArgv: string[] = [
  '--import',
  pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href,
];

