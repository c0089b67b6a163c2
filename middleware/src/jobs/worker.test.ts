import { AppError } from '../errors';
import { createLogger } from '../logger';
import { openStore, type Store } from '../store';
import { createTestDatabase, testDialects, type TestDatabase } from '../store/test-databases';
import type { QboCompany } from '../quickbooks/api';
import { BatchCreator } from '../quickbooks/batch-creator';
import { createJobQueue, startWorkers, type JobQueue, type JobHandlers, type WorkerPool } from './index';

type LogLine = Record<string, unknown> & { msg: string };

function captureLogger(): { logger: ReturnType<typeof createLogger>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ level: 'debug' }, { write: (text: string) => void lines.push(JSON.parse(text) as LogLine) });
  return { logger, lines };
}

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Two jobs whose handlers each hand an invoice create to a BatchCreator whose batch slot is a minute away;
 * the batch request is recorded and answered only when the test calls `answer()`.
 */
function drainingWorkers(queue: JobQueue, logger: ReturnType<typeof createLogger>, realmId: string) {
  const creator = new BatchCreator({ batchesPerMinute: 1, logger });
  const state = { sent: [] as string[][], handed: 0, answer: undefined as (() => void) | undefined };
  const company = {
    realmId,
    batchSlotInMs: () => 60_000,
    batch: (items: Array<Record<string, unknown>>, requestId: string) =>
      new Promise((resolve) => {
        state.sent.push([requestId, ...items.map((i) => String(i.bId))]);
        state.answer = () => resolve({ BatchItemResponse: items.map((i) => ({ bId: i.bId, Invoice: { Id: `inv-${String(i.bId)}` } })) });
      }),
  } as unknown as QboCompany;
  const pool = startWorkers({
    queue,
    logger,
    pollIntervalMs: 20,
    concurrency: 2,
    drainer: creator,
    handlers: {
      invoice: async (job: { id: string }) => {
        const made = creator.create<{ Id: string }>(company, 'Invoice', { PrivateNote: job.id }, `ll-inv-${job.id}-0`);
        state.handed += 1;
        return (await made).Id;
      },
    },
  });
  return { pool, state };
}

describe.each(testDialects())('workers on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let queue: JobQueue;
  let pool: WorkerPool | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url);
    queue = createJobQueue(store, { backoff: { baseMs: 60_000, jitter: 0 } });
  });
  beforeEach(async () => {
    await store.db.query('delete from jobs');
  });
  afterEach(async () => {
    await pool?.stop({ graceMs: 0 });
    pool = undefined;
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('runs handlers, stores their results, and logs every job line with its jobId', async () => {
    const { logger, lines } = captureLogger();
    const handlers: JobHandlers = {
      double: async (job: { payload: { n: number } }, ctx) => {
        ctx.logger.info('doubling');
        return { n: job.payload.n * 2 };
      },
    };
    pool = startWorkers({ queue, handlers, logger, pollIntervalMs: 20, concurrency: 2 });
    const jobs = await Promise.all([1, 2, 3].map((n) => queue.enqueue({ type: 'double', payload: { n } })));
    pool.wake();
    await until(async () => (await queue.counts()).completed === 3);
    expect((await Promise.all(jobs.map((j) => queue.get(j.job.id)))).map((j) => j?.result)).toEqual([{ n: 2 }, { n: 4 }, { n: 6 }]);
    const aboutJobs = lines.filter((line) => line.msg !== 'workers started');
    expect(aboutJobs.map((line) => line.msg).sort()).toEqual([...Array(3).fill('doubling'), ...Array(3).fill('job completed')]);
    for (const line of aboutJobs) expect(jobs.map((j) => j.job.id)).toContain(line.jobId);
  });

  it('maps errors: a non-retryable AppError fails the job, anything else is retried later', async () => {
    const { logger } = captureLogger();
    pool = startWorkers({
      queue,
      logger,
      pollIntervalMs: 20,
      handlers: {
        mapping: async () => {
          throw new AppError('MAPPING_ERROR', 'No billing e-mail on Account Acme.', { fix: 'Fill Billing_Email__c.' });
        },
        flaky: async () => {
          throw new Error('socket hang up');
        },
      },
    });
    const permanent = await queue.enqueue({ type: 'mapping', payload: null });
    const transient = await queue.enqueue({ type: 'flaky', payload: null });
    pool.wake();
    await until(async () => (await queue.get(permanent.job.id))?.state === 'failed');
    await until(async () => (await queue.get(transient.job.id))?.lastError === 'socket hang up');
    expect(await queue.get(permanent.job.id)).toMatchObject({ attempts: 1, lastError: 'No billing e-mail on Account Acme. Fix: Fill Billing_Email__c.' });
    const retrying = await queue.get(transient.job.id);
    expect(retrying).toMatchObject({ state: 'queued', attempts: 1 });
    expect((retrying?.runAt as Date).getTime()).toBeGreaterThan(Date.now() + 50_000); // back-off base 60 s
  });

  it('wake() starts a job at once even with a long poll interval', async () => {
    const { logger } = captureLogger();
    pool = startWorkers({ queue, logger, pollIntervalMs: 600_000, handlers: { quick: async () => 'done' } });
    await new Promise((resolve) => setTimeout(resolve, 50)); // the pool is now asleep for ten minutes
    const { job } = await queue.enqueue({ type: 'quick', payload: null });
    pool.wake();
    await until(async () => (await queue.get(job.id))?.state === 'completed', 2000);
  });

  it('graceful stop waits for running jobs, then releases the rest without counting the attempt', async () => {
    const { logger } = captureLogger();
    let abortedWith: unknown;
    let fastDone = false;
    pool = startWorkers({
      queue,
      logger,
      pollIntervalMs: 20,
      concurrency: 2,
      handlers: {
        fast: async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          fastDone = true;
          return 'ok';
        },
        stuck: (_job, ctx) =>
          new Promise((_resolve, reject) => {
            ctx.signal.addEventListener('abort', () => {
              abortedWith = ctx.signal.reason;
              reject(new Error('aborted'));
            });
          }),
      },
    });
    const fast = await queue.enqueue({ type: 'fast', payload: null });
    const stuck = await queue.enqueue({ type: 'stuck', payload: null });
    pool.wake();
    await until(() => pool?.active === 2);
    const report = await pool.stop({ graceMs: 200 });
    pool = undefined;
    expect(fastDone).toBe(true);
    expect(report.released).toEqual([stuck.job.id]);
    expect(await queue.get(fast.job.id)).toMatchObject({ state: 'completed' });
    expect(await queue.get(stuck.job.id)).toMatchObject({ state: 'queued', attempts: 0, lockedBy: null });
    expect(String(abortedWith)).toMatch(/shutting down/);
    expect((await queue.claim('next', ['stuck'], 1000, 1))[0]?.attempts).toBe(1);
  });

  it('stop() sends the creates its jobs handed over at once and waits for their answers before releasing any job', async () => {
    const { logger } = captureLogger();
    // Creates gathered for a batch whose slot is a minute away (the gate says so).
    const started = drainingWorkers(queue, logger, 'realm-drain');
    pool = started.pool;
    const { state } = started;
    const sent = state.sent;
    const stateAtAnswer: Array<string | undefined> = [];
    const jobs = await Promise.all([1, 2].map(() => queue.enqueue({ type: 'invoice', payload: null })));
    pool.wake();
    await until(() => state.handed === 2);
    expect(sent).toEqual([]);
    let stopped = false;
    const stopping = pool.stop({ graceMs: 0, drainMs: 10_000 }).then((report) => {
      stopped = true;
      return report;
    });
    pool = undefined;
    // Sent at once, as one batch, without waiting for the slot; stop() waits for its answer.
    await until(() => sent.length === 1);
    expect(sent[0]!.slice(1)).toEqual(['0', '1']);
    for (const { job } of jobs) stateAtAnswer.push((await queue.get(job.id))?.state);
    expect(stopped).toBe(false);
    state.answer!();
    const report = await stopping;
    // Neither job went back to the queue while its create was in flight.
    expect(stateAtAnswer).toEqual(['running', 'running']);
    for (const { job } of jobs) expect(report.released.includes(job.id) || (await queue.get(job.id))?.state === 'completed').toBe(true);
    expect(sent).toHaveLength(1);
  });

  it('stop() releases no job whose create is still unanswered at the drain deadline: its lease runs out instead, and a late answer still completes it', async () => {
    const { logger, lines } = captureLogger();
    const started = drainingWorkers(queue, logger, 'realm-slow');
    pool = started.pool;
    const { state } = started;
    const jobs = await Promise.all([1, 2].map(() => queue.enqueue({ type: 'invoice', payload: null })));
    pool.wake();
    await until(() => state.handed === 2, 30_000);
    const report = await pool.stop({ graceMs: 0, drainMs: 50 });
    pool = undefined;
    expect(report.released).toEqual([]);
    expect([...report.kept].sort()).toEqual(jobs.map(({ job }) => job.id).sort());
    // Still leased to this worker: no other worker can claim them until the lease runs out.
    for (const { job } of jobs) expect(await queue.get(job.id)).toMatchObject({ state: 'running' });
    expect(await queue.claim('another', ['invoice'], 60_000, 10)).toEqual([]);
    expect(lines.some((l) => /not released/.test(String(l.msg)))).toBe(true);
    // QuickBooks answers after all, while the process still lives: the jobs complete, once.
    state.answer!();
    for (const { job } of jobs) await until(async () => (await queue.get(job.id))?.state === 'completed', 30_000);
  });

  it('renews the lease while a handler runs, and aborts the handler when the lease is lost', async () => {
    const { logger, lines } = captureLogger();
    let sawLeaseExtended = false;
    let aborted = false;
    pool = startWorkers({
      queue,
      logger,
      pollIntervalMs: 20,
      leaseMs: 150,
      handlers: {
        long: async (job, ctx) => {
          const claimedUntil = (await queue.get(job.id))?.lockedUntil?.getTime() ?? 0;
          await until(async () => ((await queue.get(job.id))?.lockedUntil?.getTime() ?? 0) > claimedUntil, 2000);
          sawLeaseExtended = true;
          await store.db.query("update jobs set locked_by = 'someone-else' where id = $1", [job.id]);
          await until(() => ctx.signal.aborted, 2000);
          aborted = true;
          return 'too late';
        },
      },
    });
    const { job } = await queue.enqueue({ type: 'long', payload: null });
    pool.wake();
    await until(() => aborted, 4000);
    await until(() => pool?.active === 0);
    expect(sawLeaseExtended).toBe(true);
    expect(await queue.get(job.id)).toMatchObject({ state: 'running', lockedBy: 'someone-else' }); // not completed by the loser
    expect(lines.some((line) => line.msg.startsWith('lease lost') && line.jobId === job.id)).toBe(true);
  });

  it('two pools on two connections never run the same job', async () => {
    const second = await openStore(database.url);
    const { logger } = captureLogger();
    const runs = new Map<string, string[]>();
    const handler = (name: string) => async (job: { id: string }) => {
      runs.set(job.id, [...(runs.get(job.id) ?? []), name]);
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5));
      return name;
    };
    const total = 120;
    for (let i = 0; i < total; i += 1) await queue.enqueue({ type: 'shared', payload: i });
    const pools = [
      startWorkers({ queue, logger, pollIntervalMs: 5, concurrency: 4, handlers: { shared: handler('A') } }),
      startWorkers({ queue: createJobQueue(second), logger, pollIntervalMs: 5, concurrency: 4, handlers: { shared: handler('B') } }),
    ];
    try {
      await until(async () => (await queue.counts()).completed === total, 20_000);
    } finally {
      await Promise.all(pools.map((p) => p.stop({ graceMs: 1000 })));
      await second.close();
    }
    expect(runs.size).toBe(total);
    expect([...runs.values()].filter((who) => who.length !== 1)).toEqual([]);
    const byPool = [...runs.values()].flat();
    expect(byPool.filter((who) => who === 'A').length + byPool.filter((who) => who === 'B').length).toBe(total);
  });
});
