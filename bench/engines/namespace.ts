import { randomBytes } from 'node:crypto';

/**
 * A fresh namespace for one run's state in a shared server: a Redis key prefix and a PostgreSQL
 * schema name, `sync_bench_<pid>_<12 hex digits>`. Made of [a-z0-9_] only, so it is a valid
 * unquoted SQL identifier; random, so runs at once (two benches, a bench and the tests) never
 * share one.
 */
export function runNamespace(): string {
  return `sync_bench_${process.pid}_${randomBytes(6).toString('hex')}`;
}

/** Whether `name` is a namespace made by {@link runNamespace} (checked before it is put into SQL). */
export function isRunNamespace(name: string): boolean {
  return /^sync_bench_\d+_[0-9a-f]{12}$/.test(name);
}
