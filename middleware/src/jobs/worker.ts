import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { isAppError } from '../errors';
import type { Logger } from '../logger';
import { every, type IntervalTask } from './every';
import type { JobQueue } from './queue';
import type { ClaimedJob, Job } from './types';

export interface JobContext {
  /** Child logger carrying jobId, jobType and attempt: use it for every line about this job. */
  logger: Logger;
  /** Aborted when the lease is lost or the pool stops past its grace period: stop and return. */
  signal: AbortSignal;
  attempt: number;
  /** Renews the lease now (it is also renewed automatically); false if it was lost. */
  extendLease(): Promise<boolean>;
}

export type JobHandler<Payload = unknown, Result = unknown> = (job: Job<Payload>, ctx: JobContext) => Promise<Result>;

/**
 * Handlers keyed by job type. Each declares its own payload type; `never` lets a map hold them all
 * (the queue cannot know payload types, so each handler should validate what it receives).
 */
export type JobHandlers = Record<string, JobHandler<never>>;

export interface WorkerOptions {
  queue: JobQueue;
  handlers: JobHandlers;
  logger: Logger;
  /** Jobs run at the same time (default 4). */
  concurrency?: number;
  /** Idle poll when nothing was due (default 1000); `wake()` cuts it short. */
  pollIntervalMs?: number;
  /** Lease length (default 60 s); renewed every `leaseMs / 3` while the handler runs. */
  leaseMs?: number;
  /** How often this pool returns other workers' expired jobs (default = leaseMs; 0 = never). */
  reapIntervalMs?: number;
  /** Defaults to `<host>:<pid>:<random>`. */
  workerId?: string;
  /** Work the handlers hand over to be sent later (gathered creates): settled by stop() before jobs are released. */
  drainer?: Drainer;
}

/** Something that holds work of running jobs back (e.g. creates gathered into batch requests). */
export interface Drainer {
  /** stop() has begun: send what is held now, and hold nothing back from now on. */
  hurry(): void;
  /** Resolves once everything sent is answered (true) or after `withinMs` (false); later work is refused. */
  drain(withinMs: number): Promise<boolean>;
}

export interface StopReport {
  /** Jobs that were still running at the end of the grace period and went back to the queue. */
  released: string[];
  /** Jobs left leased because a create they handed over was still unanswered at the drain deadline (see stop). */
  kept: string[];
}

export interface WorkerPool {
  readonly workerId: string;
  /** Number of jobs running now. */
  readonly active: number;
  /**
   * More jobs are due than this pool has room for: its last claim took as many as it asked for (it asks for
   * its free room only), so others are probably still queued. False once a claim comes back short.
   */
  readonly backlog: boolean;
  /** Claim now instead of at the next poll (call after enqueue for low latency). */
  wake(): void;
  /**
   * Stops claiming and hurries the drainer (what it holds goes now), waits up to `graceMs` (default 10 s)
   * for running jobs, waits up to `drainMs` (default 10 s) for the drainer's requests to be answered, then
   * releases the rest to the queue without counting the attempt and aborts their signals: a job does not
   * go back to the queue while a create it handed over is still unanswered (unless drainMs runs out).
   */
  stop(options?: { graceMs?: number; drainMs?: number }): Promise<StopReport>;
}

interface Running {
  job: ClaimedJob;
  done: Promise<void>;
  abort: AbortController;
  released: boolean;
}

export function startWorkers(options: WorkerOptions): WorkerPool {
  const { queue, handlers, logger } = options;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const leaseMs = options.leaseMs ?? 60_000;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const types = Object.keys(handlers);
  const running = new Map<string, Running>();
  const poolLogger = logger.child({ workerId });

  let stopping = false;
  let backlog = false;
  // A wake() that arrives while the loop is busy claiming is remembered, so the next pause is skipped.
  let woken = false;
  let nudge: (() => void) | undefined;
  const wake = (): void => {
    woken = true;
    nudge?.();
  };
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      if (woken) {
        woken = false;
        resolve();
        return;
      }
      const timer = setTimeout(() => finish(), ms);
      const finish = (): void => {
        clearTimeout(timer);
        woken = false;
        nudge = undefined;
        resolve();
      };
      nudge = finish;
    });

  const runJob = (job: ClaimedJob): void => {
    const jobLogger = logger.child({ jobId: job.id, jobType: job.type, attempt: job.attempts, workerId });
    const abort = new AbortController();
    const extendLease = async (): Promise<boolean> => {
      const kept = await queue.extendLease(job.id, job.lease, leaseMs).catch((error: unknown) => {
        jobLogger.warn({ err: error }, 'lease renewal failed; will try again');
        return true;
      });
      if (!kept && !abort.signal.aborted) {
        jobLogger.warn('lease lost: another worker may run this job; aborting');
        abort.abort(new Error('lease lost'));
      }
      return kept;
    };
    const heartbeat = setInterval(() => void extendLease(), Math.max(Math.floor(leaseMs / 3), 10));
    heartbeat.unref();
    const entry: Running = { job, abort, released: false, done: Promise.resolve() };
    entry.done = (async () => {
      const started = Date.now();
      try {
        const handler = handlers[job.type] as JobHandler<never>;
        // The payload's type is the handler's claim about its own job type (see JobHandlers).
        const result = await handler(job as unknown as Job<never>, { logger: jobLogger, signal: abort.signal, attempt: job.attempts, extendLease });
        if (entry.released) return;
        await queue.complete(job.id, result, job.lease);
        jobLogger.info({ ms: Date.now() - started }, 'job completed');
      } catch (error) {
        if (entry.released) return;
        const outcome = await queue.fail(job.id, error, { lease: job.lease });
        jobLogger.debug({ ms: Date.now() - started, outcome, retryable: isAppError(error) ? error.retryable : true }, 'job failed');
      }
    })()
      .catch((error: unknown) => {
        // The database refused complete/fail: the lease will expire and the reaper brings the job back.
        jobLogger.error({ err: error }, 'could not record the job outcome; it will be retried after its lease expires');
      })
      .finally(() => {
        clearInterval(heartbeat);
        running.delete(job.id);
        wake();
      });
    running.set(job.id, entry);
  };

  const loop = (async () => {
    while (!stopping) {
      woken = false;
      const free = concurrency - running.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await queue.claim(workerId, types, leaseMs, free);
          claimed = jobs.length;
          backlog = claimed === free;
          for (const job of jobs) {
            if (stopping) {
              await queue.release(job.id, job.lease);
              continue;
            }
            runJob(job);
          }
        } catch (error) {
          poolLogger.error({ err: error }, 'claiming jobs failed; will poll again');
        }
      }
      if (stopping) break;
      if (free > 0 && claimed === free) continue; // a full batch: more may be due
      await pause(pollIntervalMs);
    }
  })();

  const reapIntervalMs = options.reapIntervalMs ?? leaseMs;
  const reaper: IntervalTask | undefined =
    reapIntervalMs > 0 ? every(reapIntervalMs, () => queue.reapExpired(), { logger: poolLogger, name: 'job-reaper' }) : undefined;

  poolLogger.info({ types, concurrency, leaseMs }, 'workers started');

  return {
    workerId,
    get active() {
      return running.size;
    },
    get backlog() {
      return backlog && !stopping;
    },
    wake,
    async stop({ graceMs = 10_000, drainMs = 10_000 } = {}) {
      stopping = true;
      wake();
      await loop;
      options.drainer?.hurry();
      await reaper?.stop();
      const all = Promise.all([...running.values()].map((entry) => entry.done));
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      const drained = await options.drainer?.drain(drainMs);
      if (drained === false) {
        // A create still unanswered may yet commit in QuickBooks: a job released now could be claimed by another
        // worker before it does, and its look-up would find nothing and create again. These jobs keep their leases
        // instead (renewed while this process lives, so an answer that comes still completes them); once the
        // process is gone the leases expire within leaseMs, longer than QuickBooks takes to commit what it received,
        // and the next worker looks QuickBooks up before creating.
        const kept = [...running.keys()];
        poolLogger.warn({ drainMs, leaseMs, kept }, 'requests handed over by running jobs were still unanswered at the drain deadline; their jobs are not released: their leases expire and another worker takes them, looking QuickBooks up first');
        return { released: [], kept };
      }
      const released: string[] = [];
      for (const entry of [...running.values()]) {
        entry.released = true;
        entry.abort.abort(new Error('worker shutting down'));
        if (await queue.release(entry.job.id, entry.job.lease).catch(() => false)) released.push(entry.job.id);
      }
      poolLogger.info({ released }, 'workers stopped');
      return { released, kept: [] };
    },
  };
}
