import type { Store } from '../store';
import { JobQueue, type JobQueueOptions } from './queue';

/** The queue on the store's database and clock (override either through `options`). */
export function createJobQueue(store: Pick<Store, 'db' | 'now'>, options: JobQueueOptions = {}): JobQueue {
  return new JobQueue(store.db, { now: store.now, ...options });
}

export { JobQueue, claimedBefore, failureEndsJob, type JobQueueOptions } from './queue';
export { startWorkers, type Drainer, type JobContext, type JobHandler, type JobHandlers, type WorkerOptions, type WorkerPool, type StopReport } from './worker';
export { every, type IntervalTask, type EveryOptions } from './every';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';
export * from './types';
