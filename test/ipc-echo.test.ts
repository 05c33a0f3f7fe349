/** bench:micro's fork IPC round trip: no listener added per echo (Node's MaxListenersExceededWarning), and an ended child rejects instead of hanging. */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ipcEcho } from '../bench/suites/ipc-echo.ts';

const echoChild = () => spawn(process.execPath, ['-e', "process.on('message', (m) => process.send(m))"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' });

describe('ipcEcho', () => {
  it('500 round trips get each message back and leave one listener of each kind', async () => {
    const child = echoChild();
    try {
      const echo = ipcEcho(child);
      const before = { message: child.listenerCount('message'), error: child.listenerCount('error') };
      for (let i = 0; i < 500; i++) expect(await echo(`m${i}`)).toBe(`m${i}`);
      expect(child.listenerCount('message')).toBe(before.message);
      expect(child.listenerCount('error')).toBe(before.error);
    } finally {
      child.kill();
    }
  });

  it('a child that ends while an echo is awaited rejects it, and later echoes', async () => {
    const child = spawn(process.execPath, ['-e', "process.on('message', () => process.exit(3))"], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const echo = ipcEcho(child);
    await expect(echo('x')).rejects.toThrow(/ended \(exit code 3\)/);
    await expect(echo('x')).rejects.toThrow(/has ended/);
  });
});
