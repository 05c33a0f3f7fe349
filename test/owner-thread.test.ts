/** An owner thread that fails while a run goes on is reported when the strategy stops it, never swallowed. */
import { describe, expect, it } from 'vitest';
import { startOwnerThread } from '../bench/runners/owner-thread.ts';

describe('an owner thread', () => {
  it('that fails after it was ready makes stop() reject, naming the failure, after the thread is gone', async () => {
    const owner = await startOwnerThread(new URL('./fixtures/failing-owner.thread.ts', import.meta.url), {}, []);
    await expect(owner.stop()).rejects.toThrow('the owner thread failed: broken on purpose: the owner failed');
  });
});
