/**
 * The owners a strategy's setup started for one run (a queue owner, a token desk): threads of the
 * runner's process, or processes of their own under the `processes` runner. They are kept by the
 * run's config (the executor seed the strategy's setup was handed, see `run-config.ts`), so that
 * the runner can read the stamps an owner process made and a fault (`crash-owner`) can kill them,
 * without the strategy passing anything back.
 */

/** One owner of a run, as the harness sees it. */
export interface RunOwner {
  /** For messages: "the owner thread", or "owner process PID". */
  readonly where: string;
  /** The pid of its own process; null for a thread of the runner's process. */
  readonly pid: number | null;
  /** Bodies it completed, as it last reported them; 0 for a thread (its stamps are in the run's own log). */
  completed(): number;
  /**
   * The bytes of its own event log, in the run's numbering of slots: now, or as they were when it
   * was killed. Null for a thread (it stamps into the run's own log). Rejects if the process
   * is gone without having sent them.
   */
  stamps(): Promise<Uint8Array | null>;
  /** Kills it as a crash would (see `crash-owner`); resolves once it is gone. */
  kill(): Promise<void>;
  /**
   * Starts a new owner in its place, once it was killed, as a supervisor would (systemd, a
   * container's restart policy): the same task and data, its state loaded from the store again,
   * recorded as another owner of the run. Absent: the strategy restarts nothing. Rejects if the new
   * owner does not start.
   */
  restart?(): Promise<void>;
}

const owners = new WeakMap<object, RunOwner[]>();

/** Records `owner` as an owner of the run whose config is `seed`; the returned function forgets it (the owner was stopped). */
export function addRunOwner(seed: object, owner: RunOwner): () => void {
  const list = owners.get(seed) ?? [];
  list.push(owner);
  owners.set(seed, list);
  return () => {
    const at = list.indexOf(owner);
    if (at >= 0) list.splice(at, 1);
  };
}

/** The owners running for the run whose config is `config` (empty: the strategy has none, or they stopped). */
export function runOwners(config: object): readonly RunOwner[] {
  return [...(owners.get(config) ?? [])];
}
