import { randomUUID } from 'node:crypto';
import { AppError, isAppError } from '../errors';
import type { Logger } from '../logger';
import { iso, systemClock, type Clock } from '../store/clock';
import type { JobsRow } from '../store/schema';
import { isUniqueViolation, type SqlExecutor, type SqlPort } from '../store/sql-port';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
import { enqueueOnce } from './enqueue-once';
import * as sql from './job-sql';
import {
  JOB_STATES,
  type ClaimedJob,
  type EnqueueInput,
  type EnqueueResult,
  type FailOptions,
  type FailOutcome,
  type Job,
  type JobState,
  type ListFilter,
  type ReapResult,
} from './types';

export interface JobQueueOptions {
  now?: Clock;
  logger?: Logger;
  backoff?: Partial<BackoffPolicy>;
  /** Default for jobs enqueued without `maxAttempts` (default 8). */
  maxAttempts?: number;
}

const LEASE_EXPIRED = 'The worker stopped renewing its lease (crashed, stalled or lost the database); the job was returned to the queue.';
const LEASE_EXPIRED_LAST = 'The worker stopped renewing its lease on the last allowed attempt; the job is dead.';

/**
 * Durable job queue on the store's database. Every state change is one guarded SQL statement (see
 * job-sql.ts), so several queue instances — threads, processes or servers — can share one database.
 */
export class JobQueue {
  readonly now: Clock;
  private readonly logger: Logger | undefined;
  private readonly backoff: BackoffPolicy;
  private readonly defaultMaxAttempts: number;

  constructor(
    private readonly db: SqlPort,
    options: JobQueueOptions = {},
  ) {
    this.now = options.now ?? systemClock;
    this.logger = options.logger;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.defaultMaxAttempts = options.maxAttempts ?? 8;
  }

  async enqueue<Payload>(input: EnqueueInput<Payload>): Promise<EnqueueResult<Payload>> {
    return this.enqueueOn(this.db, input);
  }

  /**
   * Enqueues several jobs in one transaction: each as `enqueue` would (same deduplication), all or none, and
   * one commit (one flush to disk) instead of one per job. Results in input order.
   */
  async enqueueMany<Payload>(inputs: ReadonlyArray<EnqueueInput<Payload>>): Promise<Array<EnqueueResult<Payload>>> {
    if (inputs.length === 0) return [];
    const once = inputs.every((input) => typeof input.idempotencyKey === 'string' && input.dedupe === 'forever');
    return this.db.transaction(async (tx) => {
      if (once) {
        const results = await enqueueOnce(tx, inputs, { now: this.now(), defaultMaxAttempts: this.defaultMaxAttempts, oneByOne: (input) => this.enqueueOn(tx, input), toJob: (row) => toJob<Payload>(row) });
        if (this.logger?.isLevelEnabled('debug')) {
          for (const r of results) if (r.created) this.jobLogger(r.job)?.debug({ idempotencyKey: r.job.idempotencyKey }, 'job enqueued');
        }
        return results;
      }
      const results: Array<EnqueueResult<Payload>> = [];
      for (const input of inputs) results.push(await this.enqueueOn(tx, input));
      return results;
    });
  }

  private async enqueueOn<Payload>(db: SqlExecutor, input: EnqueueInput<Payload>): Promise<EnqueueResult<Payload>> {
    const key = input.idempotencyKey ?? null;
    if (key !== null && input.dedupe === 'forever') {
      const existing = await sql.selectNewestByKey(db, key);
      if (existing) return { job: toJob<Payload>(existing), created: false };
    }
    const maxAttempts = input.maxAttempts ?? this.defaultMaxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
      throw new AppError('BAD_REQUEST', `maxAttempts must be a whole number ≥ 1 (got ${maxAttempts}).`);
    }
    const now = this.now();
    const row = {
      type: input.type,
      payload: JSON.stringify(input.payload ?? null),
      idempotencyKey: key,
      priority: Math.trunc(input.priority ?? 0),
      maxAttempts,
      runAt: iso(input.runAt ?? now),
      now: iso(now),
    };
    // Lost race: the live holder of the key may finish between our insert and our read; then try again.
    for (let round = 0; round < 3; round += 1) {
      const inserted = await sql.insertJob(db, { id: randomUUID(), ...row });
      if (inserted) {
        this.jobLogger(inserted)?.debug({ idempotencyKey: key }, 'job enqueued');
        return { job: toJob<Payload>(inserted), created: true };
      }
      const live = await sql.selectLiveByKey(db, key as string);
      if (live) return { job: toJob<Payload>(live), created: false };
    }
    throw new AppError('CONFLICT', `Could not enqueue ${input.type}: the idempotency key kept changing hands.`, { retryable: true });
  }

  /** Atomically claims up to `limit` due jobs of the given types (all types when empty). */
  async claim(workerId: string, types: readonly string[], leaseMs: number, limit = 1): Promise<ClaimedJob[]> {
    if (limit < 1) return [];
    const now = this.now();
    const lease = `${workerId}#${randomUUID().slice(0, 8)}`;
    const rows = await sql.claimDue(this.db, {
      lease,
      lockedUntil: iso(new Date(now.getTime() + leaseMs)),
      now: iso(now),
      types,
      limit,
    });
    const jobs = rows.map((row) => ({ ...toJob(row), lease }));
    jobs.sort((a, b) => b.priority - a.priority || a.runAt.getTime() - b.runAt.getTime());
    for (const job of jobs) this.jobLogger(job)?.debug({ attempt: job.attempts, lease }, 'job claimed');
    return jobs;
  }

  /** Marks a running job completed. False when the lease was lost (another worker owns it now). */
  async complete(jobId: string, result?: unknown, lease?: string): Promise<boolean> {
    const json = result === undefined ? null : JSON.stringify(result);
    const done = await sql.markCompleted(this.db, jobId, lease ?? null, json, iso(this.now()));
    this.logger?.[done ? 'debug' : 'warn']({ jobId }, done ? 'job completed' : 'job completion ignored: lease lost');
    return done;
  }

  /**
   * Records a failure. Retryable errors go back to the queue after back-off until `maxAttempts`, then
   * the job is dead; permanent errors fail at once. Null when the lease was lost.
   */
  async fail(jobId: string, error: unknown, options: FailOptions = {}): Promise<FailOutcome | null> {
    const lease = options.lease ?? null;
    const row = await sql.selectRunning(this.db, jobId, lease);
    if (!row) {
      this.logger?.warn({ jobId }, 'job failure ignored: lease lost');
      return null;
    }
    const retryable = options.retryable ?? (isAppError(error) ? error.retryable : true);
    const now = this.now();
    let outcome: FailOutcome;
    let refund = false;
    // A permanent failure waits for a person on its record; one that could not be written there is dead.
    if (!retryable) outcome = { state: isUnrecorded(error) ? 'dead' : 'failed', runAt: null };
    else if (row.attempts >= row.max_attempts && isThrottled(error)) {
      // Throttling says "later", not "broken": a job never dies of it. On its last attempt it waits out
      // the API's window (a minute at most, or what Retry-After asks) and keeps that attempt.
      refund = true;
      const window = backoffDelay(row.attempts, { ...this.backoff, capMs: Math.min(this.backoff.capMs, THROTTLE_WINDOW_MS) });
      outcome = { state: 'queued', runAt: new Date(now.getTime() + Math.max(window, options.retryAfterMs ?? retryAfterOf(error))) };
    } else if (row.attempts >= row.max_attempts) outcome = { state: 'dead', runAt: null };
    else {
      const delay = Math.max(backoffDelay(row.attempts, this.backoff), options.retryAfterMs ?? retryAfterOf(error));
      outcome = { state: 'queued', runAt: new Date(now.getTime() + delay) };
    }
    const recorded = await sql.recordFailure(this.db, {
      id: jobId,
      lease,
      attempts: row.attempts,
      state: outcome.state,
      runAt: iso(outcome.runAt ?? now),
      error: describe(error),
      errorCode: isAppError(error) ? error.code : null,
      now: iso(now),
      refund,
    });
    if (!recorded) return null;
    const log = this.jobLogger(row);
    const context = { attempt: row.attempts, maxAttempts: row.max_attempts, errorCode: isAppError(error) ? error.code : undefined };
    if (outcome.state === 'queued') log?.warn({ ...context, retryAt: outcome.runAt }, 'job failed; retry scheduled');
    // A permanent failure waits for a person to fix data (shown on the record): a warning. Retries used
    // up (dead) means something kept failing: an error for the operator.
    else if (outcome.state === 'failed') log?.warn({ ...context, state: outcome.state }, `job failed: ${describe(error)}`);
    else log?.error({ ...context, state: outcome.state }, `job ${outcome.state}: ${describe(error)}`);
    return outcome;
  }

  /** Renews a running job's lease. False when it was lost: the worker should stop work on it. */
  async extendLease(jobId: string, lease: string, leaseMs: number): Promise<boolean> {
    const now = this.now();
    return sql.extendLease(this.db, jobId, lease, iso(new Date(now.getTime() + leaseMs)), iso(now));
  }

  /** Returns a running job to the queue without counting the attempt (graceful shutdown). */
  async release(jobId: string, lease: string): Promise<boolean> {
    const released = await sql.releaseJob(this.db, jobId, lease, iso(this.now()));
    if (released) this.logger?.info({ jobId }, 'job released back to the queue');
    return released;
  }

  /** Brings back jobs whose worker vanished: requeued (attempt counted) or dead on the last attempt. */
  async reapExpired(): Promise<ReapResult> {
    const now = iso(this.now());
    const dead = await sql.killExpired(this.db, now, LEASE_EXPIRED_LAST);
    const requeued = await sql.requeueExpired(this.db, now, LEASE_EXPIRED);
    for (const jobId of dead) this.logger?.error({ jobId }, 'job dead: lease expired on the last attempt');
    for (const jobId of requeued) this.logger?.warn({ jobId }, 'job requeued: lease expired');
    return { requeued, dead };
  }

  /** Admin retry of a failed, dead or cancelled job, with a fresh attempt budget. */
  async retry(jobId: string): Promise<Job> {
    let row: JobsRow | undefined;
    try {
      row = await sql.requeueFinished(this.db, jobId, iso(this.now()));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new AppError('CONFLICT', `Job ${jobId} was not retried: another job with the same idempotency key is already queued or running.`, {
        fix: 'Wait for that job to finish; it does the same work.',
      });
    }
    if (row) {
      this.jobLogger(row)?.info('job retried by an admin');
      return toJob(row);
    }
    const current = await this.get(jobId);
    if (!current) throw new AppError('NOT_FOUND', `Job ${jobId} does not exist.`);
    throw new AppError('CONFLICT', `Job ${jobId} is ${current.state}; only failed, dead or cancelled jobs can be retried.`);
  }

  /** Retries every job in `state` (optionally of one type); skips jobs whose key is live again. */
  async retryAll(filter: { state: 'dead' | 'failed'; type?: string; limit?: number }): Promise<{ retried: string[]; skipped: string[] }> {
    const jobs = await sql.selectJobs(this.db, { states: [filter.state], type: filter.type, limit: filter.limit ?? 1000, offset: 0 });
    const retried: string[] = [];
    const skipped: string[] = [];
    for (const job of jobs) {
      try {
        await this.retry(job.id);
        retried.push(job.id);
      } catch (error) {
        if (!(isAppError(error) && error.code === 'CONFLICT')) throw error;
        skipped.push(job.id);
      }
    }
    return { retried, skipped };
  }

  /** Withdraws a queued job. False when it is no longer queued. */
  async cancel(jobId: string): Promise<boolean> {
    return sql.cancelQueued(this.db, jobId, iso(this.now()));
  }

  async get<Payload = unknown>(jobId: string): Promise<Job<Payload> | undefined> {
    const row = await sql.selectById(this.db, jobId);
    return row ? toJob<Payload>(row) : undefined;
  }

  /** Newest first; `limit` is capped at 500. */
  async list(filter: ListFilter = {}): Promise<Job[]> {
    const states = filter.state === undefined ? [] : Array.isArray(filter.state) ? filter.state : [filter.state];
    const rows = await sql.selectJobs(this.db, {
      states,
      type: filter.type,
      key: filter.key,
      limit: Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 500),
      offset: Math.max(Math.trunc(filter.offset ?? 0), 0),
    });
    return rows.map((row) => toJob(row));
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((state) => [state, 0])) as Record<JobState, number>;
    for (const { state, n } of await sql.countByState(this.db)) counts[state as JobState] = Number(n);
    return counts;
  }

  /** Milliseconds the longest-waiting due job has waited (0 when none): the queue's latency for /readyz. */
  async oldestQueuedAge(): Promise<number> {
    const now = this.now();
    const oldest = await sql.selectOldestDueRunAt(this.db, iso(now));
    return oldest === null ? 0 : Math.max(now.getTime() - new Date(oldest).getTime(), 0);
  }

  /** Retention: deletes completed and cancelled jobs that finished before `before`. */
  async purgeFinished(before: Date, states: JobState[] = ['completed', 'cancelled']): Promise<number> {
    return states.length === 0 ? 0 : sql.deleteFinished(this.db, states, iso(before));
  }

  private jobLogger(job: { id: string; type: string }): Logger | undefined {
    return this.logger?.child({ jobId: job.id, jobType: job.type });
  }
}

/** Intuit's rate window is a minute long. */
const THROTTLE_WINDOW_MS = 60_000;

/**
 * A per-minute rate limit answer (HTTP 429, QBO 3001). Salesforce's REQUEST_LIMIT_EXCEEDED is not one: it
 * is the org's 24-hour API allowance, which waiting a minute does not restore, so it stays an ordinary
 * retryable failure that ends with the job dead and an operator told.
 */
function isThrottled(error: unknown): boolean {
  return isAppError(error) && error.retryable && (error.status === 429 || error.code === 'QBO_THROTTLED');
}

/**
 * True when an earlier claim of this job may have run part of it: a counted attempt, or one that left a
 * mark (a failure, an expired lease, a release on shutdown, which gives its attempt back). A handler whose
 * create cannot be de-duplicated by QBO looks for what that claim made before creating again.
 */
export function claimedBefore(job: Pick<Job, 'attempts' | 'lastError'>): boolean {
  return job.attempts > 1 || job.lastError !== null;
}

/**
 * Whether `fail()` ends the job on this error (failed or dead) rather than queuing it again: a permanent
 * error, or a retryable one on the last allowed attempt unless it is a throttle (which never ends a job).
 * Handlers that show a final failure on a record ask this, so they never show one for a job that goes on.
 */
export function failureEndsJob(error: unknown, attempt: number, maxAttempts: number): boolean {
  const retryable = isAppError(error) ? error.retryable : true;
  if (!retryable) return true;
  return attempt >= maxAttempts && !isThrottled(error);
}

function retryAfterOf(error: unknown): number {
  const value = isAppError(error) ? error.details?.retryAfterMs : undefined;
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

/** The message stored in last_error: readable, with the fix when there is one. */
function isUnrecorded(error: unknown): boolean {
  return isAppError(error) && error.details?.unrecorded === true;
}

function describe(error: unknown): string {
  if (isAppError(error)) return error.readable;
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}

export function toJob<Payload = unknown, Result = unknown>(row: JobsRow): Job<Payload, Result> {
  return {
    id: row.id,
    type: row.type,
    payload: JSON.parse(row.payload) as Payload,
    state: row.state as JobState,
    idempotencyKey: row.idempotency_key,
    priority: row.priority,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    runAt: new Date(row.run_at),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
    lastError: row.last_error,
    lastErrorCode: row.last_error_code,
    result: row.result === null ? null : (JSON.parse(row.result) as Result),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  };
}
