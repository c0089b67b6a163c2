import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../store';
import { createJobQueue } from './index';

export interface QueueBenchOptions {
  /** Jobs to push through (default 2000). */
  jobs?: number;
  /** Claim batch size (default 10). */
  batch?: number;
  /** Defaults to a SQLite file in a fresh temp folder (removed afterwards). */
  databaseUrl?: string;
}

export interface QueueBenchResult {
  databaseUrl: string;
  jobs: number;
  batch: number;
  enqueueMs: number;
  drainMs: number;
  enqueuePerSecond: number;
  /** claim + complete, in batches */
  drainPerSecond: number;
  /** enqueue + claim + complete, end to end */
  jobsPerSecond: number;
}

/**
 * Pushes N jobs through enqueue → claim → complete on one connection and reports throughput. Not a test:
 * numbers depend on the machine; `npm run bench` prints them.
 */
export async function benchQueue(options: QueueBenchOptions = {}): Promise<QueueBenchResult> {
  const jobs = options.jobs ?? 2000;
  const batch = options.batch ?? 10;
  const tempDir = options.databaseUrl ? undefined : mkdtempSync(join(tmpdir(), 'ledgerline-bench-'));
  const databaseUrl = options.databaseUrl ?? `sqlite:${join(tempDir as string, 'bench.db')}`;
  const store = await openStore(databaseUrl);
  try {
    await store.db.query("delete from jobs where type = 'bench'");
    const queue = createJobQueue(store);
    const startEnqueue = performance.now();
    for (let i = 0; i < jobs; i += 1) {
      await queue.enqueue({ type: 'bench', payload: { i }, idempotencyKey: `bench:${i}` });
    }
    const enqueueMs = performance.now() - startEnqueue;

    const startDrain = performance.now();
    let done = 0;
    while (done < jobs) {
      const claimed = await queue.claim('bench', ['bench'], 60_000, batch);
      if (claimed.length === 0) break;
      for (const job of claimed) await queue.complete(job.id, { ok: true }, job.lease);
      done += claimed.length;
    }
    const drainMs = performance.now() - startDrain;
    if (done !== jobs) throw new Error(`bench drained ${done} of ${jobs} jobs`);
    const perSecond = (count: number, ms: number): number => Math.round((count / ms) * 1000);
    return {
      databaseUrl: store.description,
      jobs,
      batch,
      enqueueMs: Math.round(enqueueMs),
      drainMs: Math.round(drainMs),
      enqueuePerSecond: perSecond(jobs, enqueueMs),
      drainPerSecond: perSecond(jobs, drainMs),
      jobsPerSecond: perSecond(jobs, enqueueMs + drainMs),
    };
  } finally {
    await store.close();
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  }
}
