import { AppError } from '../errors';
import { manualClock, openStore, type SqlExecutor, type SqlPort, type Store } from '../store';
import { createTestDatabase, testDialects, type TestDatabase } from '../store/test-databases';
import { createJobQueue, failureEndsJob, type JobQueue } from './index';

const LEASE = 30_000;
const noJitter = { baseMs: 1000, capMs: 60_000, jitter: 0, random: () => 0 };

describe.each(testDialects())('job queue on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  let queue: JobQueue;
  const clock = manualClock();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url, { now: clock });
    queue = createJobQueue(store, { backoff: noJitter });
  });
  beforeEach(async () => {
    await store.db.query('delete from jobs');
    clock.set(new Date('2025-01-01T00:00:00.000Z'));
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('enqueues a job with its payload and defaults', async () => {
    const { job, created } = await queue.enqueue({ type: 'sync.opportunity', payload: { opportunityId: '006A' } });
    expect(created).toBe(true);
    expect(job).toMatchObject({ state: 'queued', attempts: 0, maxAttempts: 8, priority: 0, payload: { opportunityId: '006A' } });
    expect(job.runAt).toEqual(clock());
    expect(await queue.get(job.id)).toEqual(job);
    await expect(queue.enqueue({ type: 't', payload: null, maxAttempts: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('creates one job for five concurrent enqueues of the same key', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, (_, i) => queue.enqueue({ type: 'sync.opportunity', payload: { i }, idempotencyKey: 'opp:006A' })),
    );
    expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await queue.list({ key: 'opp:006A' })).toHaveLength(1);
  });

  it('creates one job for concurrent enqueues of one key from two connections', async () => {
    const other = await openStore(database.url, { now: clock });
    try {
      const queues = [queue, createJobQueue(other)];
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => (queues[i % 2] as JobQueue).enqueue({ type: 't', payload: i, idempotencyKey: 'k' })),
      );
      expect(new Set(results.map((r) => r.job.id)).size).toBe(1);
      expect((await queue.counts()).queued).toBe(1);
    } finally {
      await other.close();
    }
  });

  it("dedupe 'live': a finished job does not block a new one; dedupe 'forever' returns it", async () => {
    const first = await queue.enqueue({ type: 't', payload: 1, idempotencyKey: 'inv:130' });
    const [claimed] = await queue.claim('w1', ['t'], LEASE, 1);
    expect(claimed?.id).toBe(first.job.id);
    expect((await queue.enqueue({ type: 't', payload: 2, idempotencyKey: 'inv:130' })).job.id).toBe(first.job.id); // running is live
    expect(await queue.complete(first.job.id, { invoiceId: '130' }, claimed?.lease)).toBe(true);

    const forever = await queue.enqueue({ type: 't', payload: 3, idempotencyKey: 'inv:130', dedupe: 'forever' });
    expect(forever).toMatchObject({ created: false, job: { id: first.job.id, state: 'completed', result: { invoiceId: '130' } } });
    const live = await queue.enqueue({ type: 't', payload: 4, idempotencyKey: 'inv:130' });
    expect(live.created).toBe(true);
    expect(live.job.id).not.toBe(first.job.id);
  });

  it('enqueueMany: each job as enqueue would (dedupe included), in order, all or none', async () => {
    const done = await queue.enqueue({ type: 't', payload: 0, idempotencyKey: 'evt:1' });
    const [claimed] = await queue.claim('w1', ['t'], LEASE, 1);
    await queue.complete(done.job.id, null, claimed?.lease);
    const results = await queue.enqueueMany([
      { type: 't', payload: 1, idempotencyKey: 'evt:1', dedupe: 'forever' },
      { type: 't', payload: 2, idempotencyKey: 'evt:2', dedupe: 'forever' },
      { type: 't', payload: 3, idempotencyKey: 'evt:2', dedupe: 'forever' },
      { type: 'u', payload: 4 },
    ]);
    expect(results.map((r) => r.created)).toEqual([false, true, false, true]);
    expect(results[0]!.job).toMatchObject({ id: done.job.id, state: 'completed' });
    expect(results[2]!.job.id).toBe(results[1]!.job.id);
    expect(results[3]!.job).toMatchObject({ type: 'u', state: 'queued', payload: 4 });
    expect((await queue.counts()).queued).toBe(2);

    await expect(queue.enqueueMany([{ type: 't', payload: 5, idempotencyKey: 'evt:5' }, { type: 't', payload: 6, maxAttempts: 0 }])).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await queue.list({ state: 'queued' })).map((j) => j.payload).sort()).toEqual([2, 4]);
    expect(await queue.enqueueMany([])).toEqual([]);
  });

  it("enqueueMany of jobs keyed once and for all: the same results in a few statements, not two per job", async () => {
    const done = await queue.enqueue({ type: 't', payload: 0, idempotencyKey: 'evt:0' });
    const [claimed] = await queue.claim('w1', ['t'], LEASE, 1);
    await queue.complete(done.job.id, null, claimed?.lease);
    const live = await queue.enqueue({ type: 't', payload: 1, idempotencyKey: 'evt:1' });
    // Counts the statements of the transaction; the first insert of jobs finds a job that another process
    // stored meanwhile under one of the keys (evt:150), as a race between the look-up and the insert would.
    const statements: string[] = [];
    let raced = false;
    const counting: SqlPort = {
      ...store.db,
      transaction: (fn) =>
        store.db.transaction((tx) =>
          fn({
            query: async (text, params) => {
              statements.push(text);
              if (!raced && /^\s*insert into jobs/.test(text)) {
                raced = true;
                await tx.query("insert into jobs (id, type, payload, state, idempotency_key, priority, attempts, max_attempts, run_at, created_at, updated_at) values ('other-process', 't', '150', 'queued', 'evt:150', 0, 0, 8, $1, $1, $1)", [clock().toISOString()]);
              }
              return tx.query(text, params);
            },
          } as SqlExecutor),
        ),
    };
    const batch = createJobQueue({ ...store, db: counting } as Store, { backoff: noJitter });
    const inputs = [
      ...[0, 1, 2].map((n) => ({ type: 't', payload: n, idempotencyKey: `evt:${n}`, dedupe: 'forever' as const })),
      { type: 't', payload: 'again', idempotencyKey: 'evt:2', dedupe: 'forever' as const },
      ...Array.from({ length: 247 }, (_, i) => ({ type: 't', payload: i + 3, idempotencyKey: `evt:${i + 3}`, dedupe: 'forever' as const, priority: 2 })),
    ];
    const results = await batch.enqueueMany<unknown>(inputs);

    expect(results).toHaveLength(251);
    expect(results[0]).toMatchObject({ created: false, job: { id: done.job.id, state: 'completed' } });
    expect(results[1]).toMatchObject({ created: false, job: { id: live.job.id, state: 'queued' } });
    expect(results[2]).toMatchObject({ created: true, job: { state: 'queued', payload: 2, idempotencyKey: 'evt:2' } });
    expect(results[3]).toEqual({ created: false, job: results[2]!.job });
    expect(results[151]).toMatchObject({ created: false, job: { id: 'other-process' } });
    results.slice(4).forEach((r, i) => {
      if (i + 3 === 150) return;
      expect(r).toMatchObject({ created: true, job: { payload: i + 3, priority: 2, idempotencyKey: `evt:${i + 3}`, state: 'queued', attempts: 0, maxAttempts: 8 } });
    });
    expect(new Set(results.map((r) => r.job.id)).size).toBe(250);
    expect((await queue.counts()).queued).toBe(249);
    expect(await queue.get(results[200]!.job.id)).toEqual(results[200]!.job);
    // 250 keys: 3 look-ups, 3 inserts (100 jobs each), and the raced key settled one by one (look-up, insert, live look-up).
    expect(statements.length).toBeLessThanOrEqual(10);
  });

  it('claims only due jobs of the asked types, highest priority first, up to the limit', async () => {
    const low = await queue.enqueue({ type: 'a', payload: 'low' });
    const high = await queue.enqueue({ type: 'a', payload: 'high', priority: 10 });
    await queue.enqueue({ type: 'a', payload: 'later', runAt: new Date(clock().getTime() + 60_000) });
    await queue.enqueue({ type: 'b', payload: 'other type' });
    const claimed = await queue.claim('w1', ['a'], LEASE, 5);
    expect(claimed.map((j) => j.id)).toEqual([high.job.id, low.job.id]);
    expect(claimed[0]).toMatchObject({ state: 'running', attempts: 1 });
    expect(claimed[0]?.lease).toMatch(/^w1#/);
    expect(claimed[0]?.lockedUntil).toEqual(new Date(clock().getTime() + LEASE));
    expect(await queue.claim('w2', ['a'], LEASE, 5)).toEqual([]);
    expect((await queue.claim('w2', [], LEASE, 5)).map((j) => j.type)).toEqual(['b']);
    clock.advance(60_000);
    expect((await queue.claim('w2', ['a'], LEASE, 5)).map((j) => j.payload)).toEqual(['later']);
  });

  it('brings a job back when its lease expires, and the old lease can no longer finish it', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null });
    const [first] = await queue.claim('w1', ['t'], 1000, 1);
    clock.advance(999);
    expect(await queue.reapExpired()).toEqual({ requeued: [], dead: [] });
    expect(await queue.extendLease(job.id, first?.lease as string, 1000)).toBe(true); // heartbeat keeps it
    clock.advance(1001);
    expect(await queue.reapExpired()).toEqual({ requeued: [job.id], dead: [] });
    expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 1, lastErrorCode: 'LEASE_EXPIRED', lockedBy: null });

    const [second] = await queue.claim('w2', ['t'], 1000, 1);
    expect(second).toMatchObject({ id: job.id, attempts: 2 });
    expect(await queue.complete(job.id, 'late', first?.lease)).toBe(false);
    expect(await queue.fail(job.id, new Error('late'), { lease: first?.lease as string })).toBeNull();
    expect(await queue.extendLease(job.id, first?.lease as string, 1000)).toBe(false);
    expect(await queue.complete(job.id, 'ok', second?.lease)).toBe(true);
    expect(await queue.get(job.id)).toMatchObject({ state: 'completed', result: 'ok' });
  });

  it('makes a job dead when its lease expires on the last attempt', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null, maxAttempts: 1 });
    await queue.claim('w1', ['t'], 1000, 1);
    clock.advance(5000);
    expect(await queue.reapExpired()).toEqual({ requeued: [], dead: [job.id] });
    expect(await queue.get(job.id)).toMatchObject({ state: 'dead', lastErrorCode: 'LEASE_EXPIRED' });
  });

  it('backs off exponentially between retries, honours Retry-After, and is dead after maxAttempts', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null, maxAttempts: 4 });
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [claimed] = await queue.claim('w1', ['t'], LEASE, 1);
      expect(claimed?.attempts).toBe(attempt);
      const outcome = await queue.fail(job.id, new AppError('QBO_ERROR', 'QuickBooks answered 503', { retryable: true }), { lease: claimed?.lease as string });
      expect(outcome?.state).toBe('queued');
      waits.push((outcome?.runAt as Date).getTime() - clock().getTime());
      expect(await queue.claim('w1', ['t'], LEASE, 1)).toEqual([]); // not due yet
      clock.advance(waits[waits.length - 1] as number);
    }
    expect(waits).toEqual([1000, 2000, 4000]);

    const [last] = await queue.claim('w1', ['t'], LEASE, 1);
    const outcome = await queue.fail(job.id, new AppError('QBO_ERROR', 'QuickBooks failed with HTTP 503', { retryable: true }), { lease: last?.lease as string });
    expect(outcome).toEqual({ state: 'dead', runAt: null });
    expect(await queue.get(job.id)).toMatchObject({ state: 'dead', attempts: 4, lastError: 'QuickBooks failed with HTTP 503', lastErrorCode: 'QBO_ERROR' });

    const throttled = await queue.enqueue({ type: 't', payload: null });
    const [c] = await queue.claim('w1', ['t'], LEASE, 1);
    const retryLater = await queue.fail(throttled.job.id, new AppError('QBO_THROTTLED', '429', { retryable: true, details: { retryAfterMs: 45_000 } }), { lease: c?.lease as string });
    expect((retryLater?.runAt as Date).getTime() - clock().getTime()).toBe(45_000);
  });

  it('never lets throttling kill a job: on its last attempt a 429 waits out the minute and keeps the attempt', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null, maxAttempts: 2 });
    const throttled = () => new AppError('QBO_THROTTLED', 'QuickBooks throttled create Invoice.', { retryable: true });
    const [first] = await queue.claim('w1', ['t'], LEASE, 1);
    expect(await queue.fail(job.id, throttled(), { lease: first?.lease as string })).toMatchObject({ state: 'queued' });
    for (let storm = 0; storm < 5; storm += 1) {
      clock.advance(60_000);
      const [again] = await queue.claim('w1', ['t'], LEASE, 1);
      expect(again).toMatchObject({ id: job.id, attempts: 2 });
      const outcome = await queue.fail(job.id, throttled(), { lease: again?.lease as string });
      expect(outcome?.state).toBe('queued');
      const wait = (outcome?.runAt as Date).getTime() - clock().getTime();
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      expect(await queue.get(job.id)).toMatchObject({ state: 'queued', attempts: 1, lastErrorCode: 'QBO_THROTTLED' });
    }
    clock.advance(60_000);
    const [last] = await queue.claim('w1', ['t'], LEASE, 1);
    expect(await queue.complete(job.id, 'done', last?.lease)).toBe(true);
    // Any other retryable failure on the last attempt still ends the job.
    const other = await queue.enqueue({ type: 't', payload: null, maxAttempts: 1 });
    const [only] = await queue.claim('w1', ['t'], LEASE, 1);
    expect(await queue.fail(other.job.id, new AppError('SALESFORCE_ERROR', 'REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.', { retryable: true }), { lease: only?.lease as string })).toEqual({ state: 'dead', runAt: null });
  });

  it('says beforehand whether a failure ends the job, as fail() then decides (handlers show an Error on the record only then)', async () => {
    const errors = [
      new AppError('QBO_THROTTLED', 'QuickBooks throttled create Invoice.', { status: 429, retryable: true }),
      new AppError('QBO_ERROR', 'QuickBooks failed with HTTP 503', { retryable: true }),
      new AppError('MAPPING_ERROR', 'Product has no SKU', { retryable: false }),
      new Error('unexpected'),
    ];
    for (const error of errors) {
      for (const maxAttempts of [1, 2]) {
        const { job } = await queue.enqueue({ type: 'predict', payload: null, maxAttempts });
        const [claimed] = await queue.claim('w1', ['predict'], LEASE, 1);
        expect(claimed?.id).toBe(job.id);
        const predicted = failureEndsJob(error, claimed!.attempts, maxAttempts);
        const outcome = await queue.fail(job.id, error, { lease: claimed?.lease as string });
        expect({ error: error.message, maxAttempts, ends: outcome?.state !== 'queued' }).toEqual({ error: error.message, maxAttempts, ends: predicted });
        if (outcome?.state === 'queued') await queue.cancel(job.id);
      }
    }
    expect(failureEndsJob(errors[0], 1, 1)).toBe(false);
  });

  it('fails a permanent error at once, with the readable message and fix', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null, maxAttempts: 5 });
    const [claimed] = await queue.claim('w1', ['t'], LEASE, 1);
    const error = new AppError('MAPPING_ERROR', 'Product "Widget" has no SKU.', { fix: 'Set ProductCode on the product.' });
    expect(await queue.fail(job.id, error, { lease: claimed?.lease as string })).toEqual({ state: 'failed', runAt: null });
    const failed = await queue.get(job.id);
    expect(failed).toMatchObject({ state: 'failed', attempts: 1, lastErrorCode: 'MAPPING_ERROR' });
    expect(failed?.lastError).toBe('Product "Widget" has no SKU. Fix: Set ProductCode on the product.');
    expect(failed?.finishedAt).toEqual(clock());
  });

  it('treats unknown errors as retryable, and options.retryable overrides', async () => {
    const a = await queue.enqueue({ type: 't', payload: 'a' });
    const b = await queue.enqueue({ type: 't', payload: 'b' });
    const claimed = await queue.claim('w1', ['t'], LEASE, 2);
    const lease = claimed[0]?.lease as string;
    expect((await queue.fail(a.job.id, new TypeError('boom'), { lease }))?.state).toBe('queued');
    expect((await queue.fail(b.job.id, new TypeError('boom'), { lease, retryable: false }))?.state).toBe('failed');
  });

  it('retries a dead job with a fresh budget, unless a live job holds its key', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null, maxAttempts: 1, idempotencyKey: 'opp:1' });
    const [claimed] = await queue.claim('w1', ['t'], LEASE, 1);
    await queue.fail(job.id, new Error('network'), { lease: claimed?.lease as string });
    expect((await queue.get(job.id))?.state).toBe('dead');

    const duplicate = await queue.enqueue({ type: 't', payload: null, idempotencyKey: 'opp:1' });
    await expect(queue.retry(job.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await queue.cancel(duplicate.job.id)).toBe(true);
    expect(await queue.cancel(duplicate.job.id)).toBe(false);

    const retried = await queue.retry(job.id);
    expect(retried).toMatchObject({ state: 'queued', attempts: 0, lastError: 'network', finishedAt: null });
    expect((await queue.claim('w1', ['t'], LEASE, 1))[0]?.id).toBe(job.id);
    await expect(queue.retry(job.id)).rejects.toThrow(/is running/);
    await expect(queue.retry('00000000-0000-0000-0000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('retryAll moves every dead job of a type back, skipping keys that are live', async () => {
    const ids: string[] = [];
    for (const [type, key] of [['x', 'k1'], ['x', 'k2'], ['y', null]] as const) {
      const { job } = await queue.enqueue({ type, payload: null, maxAttempts: 1, idempotencyKey: key });
      const [claimed] = await queue.claim('w1', [type], LEASE, 1);
      await queue.fail(job.id, new Error('down'), { lease: claimed?.lease as string });
      ids.push(job.id);
    }
    await queue.enqueue({ type: 'x', payload: null, idempotencyKey: 'k2' });
    const result = await queue.retryAll({ state: 'dead', type: 'x' });
    expect(result).toEqual({ retried: [ids[0]], skipped: [ids[1]] });
    expect((await queue.get(ids[2] as string))?.state).toBe('dead');
    expect((await queue.retryAll({ state: 'dead' })).retried).toEqual([ids[2]]);
  });

  it('lists, counts and measures the oldest due job for health checks', async () => {
    expect(await queue.oldestQueuedAge()).toBe(0);
    const a = await queue.enqueue({ type: 'a', payload: 1 });
    clock.advance(1000);
    await queue.enqueue({ type: 'b', payload: 2, idempotencyKey: 'kb' });
    clock.advance(1);
    await queue.enqueue({ type: 'a', payload: 3, runAt: new Date(clock().getTime() + 3_600_000) });
    clock.advance(3999);
    expect(await queue.oldestQueuedAge()).toBe(5000);
    await queue.claim('w', ['a'], LEASE, 1);
    expect(await queue.oldestQueuedAge()).toBe(4000);
    expect(await queue.counts()).toEqual({ queued: 2, running: 1, completed: 0, failed: 0, dead: 0, cancelled: 0 });
    expect((await queue.list({ state: 'running' })).map((j) => j.id)).toEqual([a.job.id]);
    expect((await queue.list({ type: 'a' })).map((j) => j.payload)).toEqual([3, 1]);
    expect((await queue.list({ key: 'kb' })).map((j) => j.payload)).toEqual([2]);
    expect((await queue.list({ state: ['queued', 'running'], limit: 2, offset: 1 })).map((j) => j.payload)).toEqual([2, 1]);
  });

  it('purges finished jobs older than the cut-off', async () => {
    const { job } = await queue.enqueue({ type: 't', payload: null });
    const [claimed] = await queue.claim('w', ['t'], LEASE, 1);
    await queue.complete(job.id, null, claimed?.lease);
    expect(await queue.purgeFinished(new Date(clock().getTime() - 1))).toBe(0);
    expect(await queue.purgeFinished(new Date(clock().getTime() + 1))).toBe(1);
    expect(await queue.get(job.id)).toBeUndefined();
  });

  it('survives a crashed worker: claimed, never finished, reaped, completed by another worker', async () => {
    const crashed = await openStore(database.url, { now: clock });
    const survivor = await openStore(database.url, { now: clock });
    try {
      const { job } = await queue.enqueue({ type: 'sync.opportunity', payload: { opportunityId: '006C' } });
      const [taken] = await createJobQueue(crashed).claim('worker-a', ['sync.opportunity'], 10_000, 1);
      expect(taken?.id).toBe(job.id);
      await crashed.close(); // the process dies: no complete, no fail, no heartbeat

      const other = createJobQueue(survivor);
      expect(await other.claim('worker-b', ['sync.opportunity'], 10_000, 1)).toEqual([]);
      clock.advance(10_001);
      expect((await other.reapExpired()).requeued).toEqual([job.id]);
      const [retaken] = await other.claim('worker-b', ['sync.opportunity'], 10_000, 1);
      expect(retaken).toMatchObject({ id: job.id, attempts: 2 });
      expect(await other.complete(job.id, { invoiceId: '131' }, retaken?.lease)).toBe(true);
      expect(await queue.get(job.id)).toMatchObject({ state: 'completed', attempts: 2, result: { invoiceId: '131' } });
    } finally {
      await survivor.close();
    }
  });
});
