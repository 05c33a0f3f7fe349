import type { Strategy } from '../../strategies/strategy.ts';

/** Why a fault that strikes a client inside its critical section does not apply to `strategy`, or null. */
export function noClientSection(fault: string, strategy: Strategy): string | null {
  return strategy.runsIn === 'server' ? `not applicable to ${fault}: the critical section runs inside the server, where no client can fail in it` : null;
}
