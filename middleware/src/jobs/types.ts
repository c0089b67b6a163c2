/**
 * Job states:
 * - queued     waiting for `run_at`, then claimable;
 * - running    claimed by a worker whose lease (`locked_until`) is still valid;
 * - completed  the handler returned; `result` holds what it returned;
 * - failed     permanent error (not retryable): retrying cannot help until a person fixes the cause;
 * - dead       retryable errors (or lost leases) used up `max_attempts`;
 * - cancelled  withdrawn by an admin before it ran.
 * Only queued and running are "live": at most one live job exists per idempotency key.
 */
export type JobState = 'queued' | 'running' | 'completed' | 'failed' | 'dead' | 'cancelled';

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'completed', 'failed', 'dead', 'cancelled'];
export const LIVE_STATES: readonly JobState[] = ['queued', 'running'];

export interface Job<Payload = unknown, Result = unknown> {
  id: string;
  type: string;
  payload: Payload;
  state: JobState;
  idempotencyKey: string | null;
  /** Higher runs first among due jobs. */
  priority: number;
  /** Claims so far, including the current one; a lease that expired counts, a graceful release does not. */
  attempts: number;
  maxAttempts: number;
  /** Not claimable before this time (back-off and delayed jobs). */
  runAt: Date;
  /** Lease token of the current claim: `<workerId>#<claim>`. */
  lockedBy: string | null;
  lockedUntil: Date | null;
  /** Readable message (and fix) of the latest failure; kept after a successful retry for history. */
  lastError: string | null;
  lastErrorCode: string | null;
  result: Result | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
}

/** A job as handed to a worker: `lease` must accompany complete/fail/extendLease/release. */
export interface ClaimedJob<Payload = unknown> extends Job<Payload> {
  lease: string;
}

/**
 * - `live` (default): while a queued or running job has this key, enqueue returns it; once it finished
 *   (any final state) a new job may be created.
 * - `forever`: any job ever created with this key is returned, whatever its state.
 */
export type DedupeMode = 'live' | 'forever';

export interface EnqueueInput<Payload = unknown> {
  type: string;
  payload: Payload;
  idempotencyKey?: string | null;
  dedupe?: DedupeMode;
  /** When it becomes claimable (default now). */
  runAt?: Date;
  maxAttempts?: number;
  priority?: number;
}

export interface EnqueueResult<Payload = unknown> {
  job: Job<Payload>;
  /** False when an existing job with the same idempotency key was returned instead. */
  created: boolean;
}

export interface FailOptions {
  /** Overrides the error's own verdict (AppError.retryable; anything else is retryable). */
  retryable?: boolean;
  /** Do not retry sooner than this (e.g. a 429's Retry-After). */
  retryAfterMs?: number;
  /** Lease token from the claim; without it any running job with this id is failed (admin use). */
  lease?: string;
}

export interface FailOutcome {
  state: 'queued' | 'failed' | 'dead';
  /** When the retry becomes due (state queued). */
  runAt: Date | null;
}

export interface ListFilter {
  state?: JobState | JobState[];
  type?: string;
  key?: string;
  limit?: number;
  offset?: number;
}

export interface ReapResult {
  /** Jobs whose lease expired, back in the queue. */
  requeued: string[];
  /** Jobs whose lease expired on their last allowed attempt. */
  dead: string[];
}
