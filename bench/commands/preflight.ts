/**
 * Checks, once at the start of a command that runs anything, that the machine can hold a run:
 * the temporary folder (TMPDIR) is a folder where a run can create its directory and files. One
 * line says what is wrong and what to set, before anything starts. Then removes the run folders
 * there that dead runs left (see `runners/run-folder.ts`), saying so in one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadRunFoldersLine, removeDeadRunFolders } from '../runners/run-folder.ts';
import { UsageError } from './usage-error.ts';
import { writeMessage } from './message-line.ts';

/**
 * Throws a {@link UsageError} naming the problem unless a run can use the temporary folder; then
 * removes the folders of dead runs there and names them on stderr.
 */
export function checkTemporaryFolder(): void {
  const folder = tmpdir();
  let dir: string | null = null;
  try {
    dir = mkdtempSync(join(folder, 'sync-bench-check-'));
    const probe = join(dir, 'probe.json');
    writeFileSync(probe, '{"count":1}');
    if (readFileSync(probe, 'utf8') !== '{"count":1}') throw new Error('a file written there read back differently');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new UsageError(
      `the temporary folder ${folder} cannot hold a run (${reason}): set TMPDIR to an existing, writable folder, e.g. TMPDIR=/tmp; nothing was run`,
    );
  } finally {
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  }
  const removed = deadRunFoldersLine(removeDeadRunFolders(folder));
  if (removed !== null) writeMessage(removed);
}
