/** bench:micro's progress line: fitted to the terminal, so it is rewritten in place instead of wrapping and staying on screen. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { showStep } from '../bench/commands/progress.ts';
import { displayWidth } from '../bench/reports/text-width.ts';

describe('showStep', () => {
  afterEach(() => vi.restoreAllMocks());

  it('on a terminal 40 columns wide, a longer step is shortened to 39 columns with "…" and rewrites the line', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => (written.push(String(chunk)), true));
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    const columns = Object.getOwnPropertyDescriptor(process.stderr, 'columns');
    Object.defineProperty(process.stderr, 'isTTY', { value: true, configurable: true });
    Object.defineProperty(process.stderr, 'columns', { value: 40, configurable: true });
    try {
      showStep('floor: fork IPC round trip to another process, then the contended handoff of every strategy');
      showStep('short step');
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
      if (columns) Object.defineProperty(process.stderr, 'columns', columns);
      else delete (process.stderr as { columns?: number }).columns;
    }
    expect(written).toHaveLength(2);
    const [long, short] = written.map((w) => w.replace('\r\x1b[K', ''));
    expect(written.every((w) => w.startsWith('\r\x1b[K'))).toBe(true);
    expect(displayWidth(long ?? '')).toBe(39);
    expect(long).toMatch(/…$/);
    expect(short).toBe('short step');
  });
});
