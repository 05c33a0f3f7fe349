/**
 * A private server that cannot be set up says why in one line (see `bench/faults/private-servers.ts`):
 * a program killed at its time limit, its last stderr line, or its message, never an empty reason.
 */
import { describe, expect, it } from 'vitest';
import { failureLine, findProgram } from '../bench/faults/private-servers.ts';

describe('why a private server did not start', () => {
  it('a program killed at its time limit says so, not an empty line', () => {
    expect(failureLine(Object.assign(new Error(''), { killed: true, signal: 'SIGTERM', stderr: '' }))).toMatch(/did not finish within its time limit of \d+ ms \(killed with SIGTERM\)/);
  });

  it("a failed program's last stderr line, else its message's last line, else that none was given", () => {
    expect(failureLine(Object.assign(new Error('Command failed'), { stderr: 'first\ninitdb: error: cannot write\n' }))).toBe('initdb: error: cannot write');
    expect(failureLine(Object.assign(new Error('Command failed\nspawn EACCES'), { stderr: '' }))).toBe('spawn EACCES');
    expect(failureLine({})).toBe('no reason given');
  });

  it('a program on neither PATH nor under the PostgreSQL folder is not found', () => {
    expect(findProgram('initdb', { PATH: '' }, '/nonexistent-postgresql-lib')).toBeNull();
  });
});
