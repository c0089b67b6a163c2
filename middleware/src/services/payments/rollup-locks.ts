/**
 * Roll-up runs of one Account or Opportunity never overlap across processes on PostgreSQL (see `RollupLocks`).
 */
import { AppError } from '../../errors';
import { SqlError, withAdvisoryLocks, type SqlPort } from '../../store';
import type { RollupLocks } from './payment-rollups';

/** The advisory lock namespace (first int) of roll-up runs; the second int is the record's hash. */
export const ROLLUP_LOCK_NAMESPACE = 715_034_201;
/** How long a run waits for another process's run of the same records (a run holds them for one Salesforce call). */
export const ROLLUP_LOCK_TIMEOUT_MS = 30_000;

/**
 * PostgreSQL advisory locks on the records of a roll-up run, held from before its read until its write has
 * answered. Ids count by their first 15 characters (Salesforce answers 18, callers may hold 15). A wait longer
 * than `timeoutMs` fails the run with a retryable TIMEOUT.
 */
export function postgresRollupLocks(port: SqlPort, timeoutMs = ROLLUP_LOCK_TIMEOUT_MS): RollupLocks {
  return {
    async hold<T>(records: { opportunityIds: string[]; accountIds: string[] }, fn: () => Promise<T>): Promise<T> {
      const keys = [...records.accountIds.map((id) => `Account|${id.slice(0, 15)}`), ...records.opportunityIds.map((id) => `Opportunity|${id.slice(0, 15)}`)];
      try {
        return await withAdvisoryLocks(port, ROLLUP_LOCK_NAMESPACE, keys, timeoutMs, fn);
      } catch (error) {
        if (error instanceof SqlError && error.kind === 'busy') {
          throw new AppError('TIMEOUT', `Another process kept the roll-ups of these records busy for over ${Math.round(timeoutMs / 1000)} s.`, {
            retryable: true,
            fix: 'Nothing to do: the job is retried. If this repeats, look for a stuck roll-up in the other instances\' logs.',
            details: { accounts: records.accountIds.length, opportunities: records.opportunityIds.length },
            cause: error,
          });
        }
        throw error;
      }
    },
  };
}
