import { placeholders, type SqlExecutor, type SqlValue } from '../store/sql-port';
import type { JobsRow } from '../store/schema';
import type { JobState } from './types';

/**
 * Every statement the queue runs, one function each, written once for SQLite and PostgreSQL. Each is a
 * single statement, so each is atomic on its own; guards in the WHERE clauses (state, lease token)
 * make a late or duplicate caller a no-op instead of a corruption.
 */

export interface InsertJob {
  id: string;
  type: string;
  payload: string;
  idempotencyKey: string | null;
  priority: number;
  maxAttempts: number;
  runAt: string;
  now: string;
}

/** Inserts unless a live job holds the key (then returns no row). */
export async function insertJob(db: SqlExecutor, job: InsertJob): Promise<JobsRow | undefined> {
  const { rows } = await db.query<JobsRow>(
    `insert into jobs (id, type, payload, state, idempotency_key, priority, attempts, max_attempts, run_at, created_at, updated_at)
     values ($1, $2, $3, 'queued', $4, $5, 0, $6, $7, $8, $8)
     on conflict (idempotency_key) where state in ('queued', 'running') do nothing
     returning *`,
    [job.id, job.type, job.payload, job.idempotencyKey, job.priority, job.maxAttempts, job.runAt, job.now],
  );
  return rows[0];
}

const JOB_COLUMNS = 8;

/**
 * `insertJob` for many jobs in one statement: each is inserted unless a live job holds its key. The rows
 * come back in no particular order, only those inserted: callers match them by id.
 */
export async function insertJobs(db: SqlExecutor, jobs: readonly InsertJob[]): Promise<JobsRow[]> {
  if (jobs.length === 0) return [];
  const values = jobs.map((_, i) => {
    const at = i * JOB_COLUMNS + 1;
    return `($${at}, $${at + 1}, $${at + 2}, 'queued', $${at + 3}, $${at + 4}, 0, $${at + 5}, $${at + 6}, $${at + 7}, $${at + 7})`;
  });
  const { rows } = await db.query<JobsRow>(
    `insert into jobs (id, type, payload, state, idempotency_key, priority, attempts, max_attempts, run_at, created_at, updated_at)
     values ${values.join(', ')}
     on conflict (idempotency_key) where state in ('queued', 'running') do nothing
     returning *`,
    jobs.flatMap((job) => [job.id, job.type, job.payload, job.idempotencyKey, job.priority, job.maxAttempts, job.runAt, job.now]),
  );
  return rows;
}

/** Every job holding one of these keys, whatever its state (callers pick the newest per key). */
export async function selectByKeys(db: SqlExecutor, keys: readonly string[]): Promise<JobsRow[]> {
  if (keys.length === 0) return [];
  const { rows } = await db.query<JobsRow>(`select * from jobs where idempotency_key in (${placeholders(keys.length)})`, [...keys]);
  return rows;
}

export async function selectLiveByKey(db: SqlExecutor, key: string): Promise<JobsRow | undefined> {
  const { rows } = await db.query<JobsRow>(
    "select * from jobs where idempotency_key = $1 and state in ('queued', 'running')",
    [key],
  );
  return rows[0];
}

export async function selectNewestByKey(db: SqlExecutor, key: string): Promise<JobsRow | undefined> {
  const { rows } = await db.query<JobsRow>(
    'select * from jobs where idempotency_key = $1 order by created_at desc, id desc limit 1',
    [key],
  );
  return rows[0];
}

export interface ClaimDue {
  lease: string;
  lockedUntil: string;
  now: string;
  types: readonly string[];
  limit: number;
}

/**
 * Claims up to `limit` due jobs in one UPDATE … RETURNING. SQLite runs one writer at a time, so the
 * sub-select and the update see the same rows; PostgreSQL locks the chosen rows and skips rows other
 * instances are claiming (FOR UPDATE SKIP LOCKED). The outer `state = 'queued'` re-check keeps a row
 * from being claimed twice either way.
 */
export async function claimDue(db: SqlExecutor, claim: ClaimDue): Promise<JobsRow[]> {
  const params: SqlValue[] = [claim.lease, claim.lockedUntil, claim.now, claim.limit, ...claim.types];
  const typeFilter = claim.types.length > 0 ? `and type in (${placeholders(claim.types.length, 5)})` : '';
  const lock = db.dialect === 'postgres' ? 'for update skip locked' : '';
  const { rows } = await db.query<JobsRow>(
    `update jobs set state = 'running', locked_by = $1, locked_until = $2, attempts = attempts + 1, updated_at = $3
     where state = 'queued' and id in (
       select id from jobs where state = 'queued' and run_at <= $3 ${typeFilter}
       order by priority desc, run_at, created_at limit $4 ${lock}
     )
     returning *`,
    params,
  );
  return rows;
}

/** Lease guard shared by the statements below: `$2` is the lease token, or null for "any". */
const LEASE_GUARD = "state = 'running' and (cast($2 as text) is null or locked_by = $2)";

export async function markCompleted(db: SqlExecutor, id: string, lease: string | null, result: string | null, now: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set state = 'completed', result = $3, locked_by = null, locked_until = null, updated_at = $4, finished_at = $4
     where id = $1 and ${LEASE_GUARD}`,
    [id, lease, result, now],
  );
  return rowCount > 0;
}

export async function selectRunning(db: SqlExecutor, id: string, lease: string | null): Promise<JobsRow | undefined> {
  const { rows } = await db.query<JobsRow>(`select * from jobs where id = $1 and ${LEASE_GUARD}`, [id, lease]);
  return rows[0];
}

export interface RecordFailure {
  id: string;
  lease: string | null;
  /** The attempts value read before deciding, so a concurrent change makes this a no-op. */
  attempts: number;
  state: 'queued' | 'failed' | 'dead';
  runAt: string;
  error: string;
  errorCode: string | null;
  now: string;
  /** Give the attempt back (a throttled attempt on the last allowed one: the job must not die of it). */
  refund?: boolean;
}

export async function recordFailure(db: SqlExecutor, failure: RecordFailure): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set state = $3, run_at = $4, last_error = $5, last_error_code = $6, locked_by = null, locked_until = null,
       updated_at = $7, finished_at = case when $3 = 'queued' then null else $7 end, attempts = attempts - $9
     where id = $1 and ${LEASE_GUARD} and attempts = $8`,
    [failure.id, failure.lease, failure.state, failure.runAt, failure.error, failure.errorCode, failure.now, failure.attempts, failure.refund ? 1 : 0],
  );
  return rowCount > 0;
}

export async function extendLease(db: SqlExecutor, id: string, lease: string, lockedUntil: string, now: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set locked_until = $3, updated_at = $4 where id = $1 and ${LEASE_GUARD}`,
    [id, lease, lockedUntil, now],
  );
  return rowCount > 0;
}

/** What a released job carries in last_error: the next claim can tell an earlier one ran (see claimedBefore). */
export const RELEASED_CODE = 'RELEASED';
const RELEASED_MESSAGE = 'Handed back unfinished by a worker shutting down (the attempt is not counted); the next run looks for what this one may have created.';

/** Hands a running job back without counting the attempt (graceful shutdown), marked as released. */
export async function releaseJob(db: SqlExecutor, id: string, lease: string, now: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `update jobs set state = 'queued', attempts = attempts - 1, locked_by = null, locked_until = null, run_at = $3, updated_at = $3,
       last_error = $4, last_error_code = $5
     where id = $1 and ${LEASE_GUARD}`,
    [id, lease, now, RELEASED_MESSAGE, RELEASED_CODE],
  );
  return rowCount > 0;
}

/** Expired leases on the last allowed attempt: the job is dead. */
export async function killExpired(db: SqlExecutor, now: string, message: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `update jobs set state = 'dead', locked_by = null, locked_until = null, last_error = $2, last_error_code = 'LEASE_EXPIRED',
       updated_at = $1, finished_at = $1
     where state = 'running' and locked_until < $1 and attempts >= max_attempts
     returning id`,
    [now, message],
  );
  return rows.map((row) => row.id);
}

/** Other expired leases: back to the queue, due now (the lost attempt stays counted). */
export async function requeueExpired(db: SqlExecutor, now: string, message: string): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `update jobs set state = 'queued', locked_by = null, locked_until = null, run_at = $1, last_error = $2,
       last_error_code = 'LEASE_EXPIRED', updated_at = $1
     where state = 'running' and locked_until < $1
     returning id`,
    [now, message],
  );
  return rows.map((row) => row.id);
}

/** Failed, dead or cancelled → queued with a fresh attempt budget. Throws a unique violation when a live job holds the key. */
export async function requeueFinished(db: SqlExecutor, id: string, now: string): Promise<JobsRow | undefined> {
  const { rows } = await db.query<JobsRow>(
    `update jobs set state = 'queued', attempts = 0, run_at = $2, locked_by = null, locked_until = null, finished_at = null,
       updated_at = $2
     where id = $1 and state in ('failed', 'dead', 'cancelled')
     returning *`,
    [id, now],
  );
  return rows[0];
}

export async function cancelQueued(db: SqlExecutor, id: string, now: string): Promise<boolean> {
  const { rowCount } = await db.query(
    "update jobs set state = 'cancelled', updated_at = $2, finished_at = $2 where id = $1 and state = 'queued'",
    [id, now],
  );
  return rowCount > 0;
}

export async function selectById(db: SqlExecutor, id: string): Promise<JobsRow | undefined> {
  const { rows } = await db.query<JobsRow>('select * from jobs where id = $1', [id]);
  return rows[0];
}

export interface SelectJobs {
  states: readonly JobState[];
  type?: string | undefined;
  key?: string | undefined;
  limit: number;
  offset: number;
}

/** Newest first. */
export async function selectJobs(db: SqlExecutor, filter: SelectJobs): Promise<JobsRow[]> {
  const conditions: string[] = [];
  const params: SqlValue[] = [];
  if (filter.states.length > 0) {
    conditions.push(`state in (${placeholders(filter.states.length, params.length + 1)})`);
    params.push(...filter.states);
  }
  if (filter.type !== undefined) {
    params.push(filter.type);
    conditions.push(`type = $${params.length}`);
  }
  if (filter.key !== undefined) {
    params.push(filter.key);
    conditions.push(`idempotency_key = $${params.length}`);
  }
  params.push(filter.limit, filter.offset);
  const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
  const { rows } = await db.query<JobsRow>(
    `select * from jobs ${where} order by created_at desc, id desc limit $${params.length - 1} offset $${params.length}`,
    params,
  );
  return rows;
}

export async function countByState(db: SqlExecutor): Promise<Array<{ state: string; n: number }>> {
  const { rows } = await db.query<{ state: string; n: number }>('select state, count(*) as n from jobs group by state');
  return rows;
}

export async function selectOldestDueRunAt(db: SqlExecutor, now: string): Promise<string | null> {
  const { rows } = await db.query<{ oldest: string | null }>(
    "select min(run_at) as oldest from jobs where state = 'queued' and run_at <= $1",
    [now],
  );
  return rows[0]?.oldest ?? null;
}

export async function deleteFinished(db: SqlExecutor, states: readonly JobState[], before: string): Promise<number> {
  const { rowCount } = await db.query(
    `delete from jobs where state in (${placeholders(states.length, 2)}) and finished_at < $1`,
    [before, ...states],
  );
  return rowCount;
}
