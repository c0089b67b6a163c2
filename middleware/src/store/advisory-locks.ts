import { createHash } from 'node:crypto';
import type { SqlPort } from './sql-port';

/**
 * Runs `fn` while this process holds PostgreSQL transaction-scoped advisory locks on `keys` (two-int keys:
 * `namespace` and a 32-bit hash of each key), so that no other process on the same database runs `fn` for any of
 * them meanwhile. One transaction on a pool connection of its own holds the locks until `fn` has settled, then
 * commits (or rolls back: the locks go either way, and with a dropped connection). The locks are taken in one
 * statement in ascending order of their hashes, so two callers with overlapping keys cannot deadlock. A wait
 * longer than `timeoutMs` fails with the store's SqlError of kind `busy` (SQLSTATE 55P03), and `fn` is not run.
 * Only for PostgreSQL: SQLite is one process's file.
 */
export async function withAdvisoryLocks<T>(port: SqlPort, namespace: number, keys: readonly string[], timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  if (port.dialect !== 'postgres') throw new Error('withAdvisoryLocks: PostgreSQL only');
  const hashes = [...new Set(keys.map(lockHash))].sort((a, b) => a - b);
  if (hashes.length === 0) return fn();
  return port.transaction(async (tx) => {
    await tx.query(`set local lock_timeout = '${Math.max(1, Math.trunc(timeoutMs))}ms'`);
    // unnest yields the array's elements in order, and each row takes its lock before the next is produced.
    await tx.query('select pg_advisory_xact_lock($1::int, k) from unnest($2::int[]) as k', [namespace, `{${hashes.join(',')}}`]);
    return fn();
  });
}

/** A stable signed 32-bit hash of a lock key (the first four bytes of its SHA-1). */
export function lockHash(key: string): number {
  return createHash('sha1').update(key).digest().readInt32BE(0);
}
