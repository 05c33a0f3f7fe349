/**
 * The faults' home (`bench/faults/`): every registered fault is one object implementing `Fault`,
 * and what a runner cannot do to a victim makes a fault not applicable there, or fails a run that
 * asks for it anyway, with the reason: never a throw from deep inside the runner.
 */
import { describe, expect, it } from 'vitest';
import { faultNames, faults } from '../bench/faults/registry.ts';
import { outOfReach } from '../bench/runners/reach.ts';
import { victimLacks, runnerNames } from '../bench/runners/runner.ts';
import { runOnce } from '../bench/runners/run.ts';
import { latencyProfiles } from '../bench/workloads/latency.ts';
import { strategies } from '../strategies/registry.ts';

describe('the faults registry', () => {
  it('names each fault after its key, and a fault that needs what a runner lacks is not applicable there', () => {
    for (const name of faultNames) {
      expect(faults[name].name).toBe(name);
      for (const runner of runnerNames) {
        const lacked = faults[name].needs.some((action) => victimLacks[runner][action] !== undefined);
        const reason = outOfReach(strategies.flock, runner, 'ticket-rush', name);
        if (lacked) expect(reason).toMatch(new RegExp(`^not applicable to ${name} under ${runner}: `));
        else expect(reason ?? '').not.toMatch(new RegExp(`under ${runner}`));
      }
    }
  });

  it('fails a pause asked of the threads runner anyway, with why, instead of throwing', async () => {
    const run = await runOnce({ workload: 'ticket-rush', strategy: 'atomics-mutex', runner: 'threads', clients: 2, threads: 1, tickets: 2, latency: latencyProfiles.zero, seed: 1, staggerMs: 0, fault: 'pause-in-cs' });
    expect(run.status).toBe('failed');
    expect(run.status === 'failed' ? run.error : '').toMatch(/pause-in-cs needs to pause the victim, which this runner cannot do/);
  }, 60_000);
});
