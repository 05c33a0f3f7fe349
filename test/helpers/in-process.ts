/**
 * A command's command line tried in this process: its parser (or, for a command that runs nothing
 * but reading files, its `main`) is called with the arguments, and what it writes to stdout and
 * stderr is caught. Exit codes come from the command's own `usageExitCode`, as its entry point
 * gets them; one real process per command (see `run-command.ts`) proves that path end to end.
 */
import { vi } from 'vitest';
import { usageExitCode } from '../../bench/commands/usage-error.ts';

/** What a command line came to. */
export interface Answer {
  /** The exit code; null when the parser accepted the command line (it returned settings, not a code). */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Calls `command(argv)` (a command's exported `parse`, or a `main` that returns its exit code)
 * with stdout and stderr caught, and npm's `npm_config_*` variables set aside unless `env` sets
 * them. A number returned is the exit code; an error thrown becomes one as `main` makes it
 * (`usageExitCode`: 2 for a bad command line, 0 after --help; anything else is rethrown).
 */
export async function answerTo(command: (argv: readonly string[]) => unknown, argv: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<Answer> {
  const saved = { ...process.env };
  for (const key of Object.keys(process.env)) if (key.startsWith('npm_config_')) delete process.env[key];
  Object.assign(process.env, env);
  const out = { stdout: '', stderr: '' };
  const catcher = (name: 'stdout' | 'stderr') => (chunk: string | Uint8Array) => {
    out[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  };
  const spies = [vi.spyOn(process.stdout, 'write').mockImplementation(catcher('stdout')), vi.spyOn(process.stderr, 'write').mockImplementation(catcher('stderr'))];
  let code: number | null;
  try {
    const returned = await command(argv);
    code = typeof returned === 'number' ? returned : null;
  } catch (error) {
    code = usageExitCode(error);
  } finally {
    for (const spy of spies) spy.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  return { code, ...out };
}
