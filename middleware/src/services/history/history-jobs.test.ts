import { createJobQueue, type JobQueue } from '../../jobs';
import { createLogger } from '../../logger';
import { manualClock, openStore, type Store } from '../../store';
import { HistoryImport, RECONCILE_JOB, IMPORT_JOB, type ImportJobPayload, type ImportProgress } from './history-import';
import { HistoryJobs } from './history-jobs';

const REALM = '4620816365';
const NOW = new Date('2026-12-03T10:00:00.000Z');

/** When imports and reconciliations are queued: durable jobs in the real queue (SQLite), no worker running. */
describe('HistoryJobs', () => {
  let store: Store;
  let queue: JobQueue;
  let jobs: HistoryJobs;
  const clock = manualClock();
  const progress = new Map<string, Partial<ImportProgress>>();

  beforeEach(async () => {
    clock.set(NOW);
    progress.clear();
    store = await openStore('sqlite::memory:', { now: clock });
    queue = createJobQueue(store);
    const importer = { progress: async (key: string) => progress.get(key) } as unknown as HistoryImport;
    jobs = new HistoryJobs({ queue, importer, connectedRealms: async () => [REALM], months: 24, reconcileHours: 168, wake: () => undefined, logger: createLogger({ level: 'silent' }), now: () => clock().getTime() });
  });
  afterEach(() => store.close());

  it('imports IMPORT_MONTHS back by default; a request while one waits joins it, one while it runs gets a follow-up', async () => {
    expect(jobs.defaultSince()).toBe('2024-12-03');
    const first = await jobs.requestImport({ realmId: REALM, reason: 'connect' });
    expect(first).toMatchObject({ created: true, since: '2024-12-03', state: 'queued' });
    expect((await jobs.requestImport({ realmId: REALM, reason: 'on-demand' })).jobId).toBe(first.jobId);
    await store.db.query(`update jobs set state = 'running' where id = $1`, [first.jobId]);
    const next = await jobs.requestImport({ realmId: REALM, reason: 'on-demand' });
    expect(next.jobId).not.toBe(first.jobId);
    // A waiting run for a shorter period does not stand for one asking for more: the request says why it cannot wait with it.
    await expect(jobs.requestImport({ realmId: REALM, since: '2020-01-01', reason: 'cli' })).rejects.toThrow(`An import of company ${REALM} since 2024-12-03 is already waiting to run (job ${next.jobId}); it does not reach back to 2020-01-01.`);
    await expect(jobs.requestImport({ realmId: '999', reason: 'cli' })).rejects.toThrow('QuickBooks company 999 is not connected.');
  });

  it('customers linked later bring their history: one job each, or one company-wide run when many are linked at once', async () => {
    await jobs.customersLinked(REALM, ['58', '59'], 'onboarding');
    let queued = await queue.list({ type: IMPORT_JOB });
    expect(queued.map((j) => (j.payload as ImportJobPayload).customerId).sort()).toEqual(['58', '59']);
    await store.db.query('delete from jobs');
    await jobs.customersLinked(REALM, ['1', '2', '3', '4', '5', '6'], 'onboarding');
    queued = await queue.list({ type: IMPORT_JOB });
    expect(queued.map((j) => (j.payload as ImportJobPayload).customerId)).toEqual([null]);
  });

  it('keeps one reconciliation queued per company, due RECONCILE_INTERVAL_HOURS after the last one finished', async () => {
    progress.set(`reconcile:${REALM}`, { finishedAt: '2026-12-01T08:00:00.000Z', startedAt: '2026-12-01T07:00:00.000Z' });
    expect(await jobs.scheduleReconciliations()).toBe(1);
    expect(await jobs.scheduleReconciliations()).toBe(0);
    const [job] = await queue.list({ type: RECONCILE_JOB });
    expect(job!.runAt.toISOString()).toBe('2026-12-08T08:00:00.000Z');
    expect(job!.payload).toMatchObject({ realmId: REALM, reconcile: true, since: '2024-12-03' });
    // Never reconciled: one interval after the company's import.
    await store.db.query('delete from jobs');
    progress.clear();
    progress.set(`history-import:${REALM}`, { finishedAt: '2026-12-03T09:00:00.000Z' });
    await jobs.scheduleReconciliations();
    expect((await queue.list({ type: RECONCILE_JOB }))[0]!.runAt.toISOString()).toBe('2026-12-10T09:00:00.000Z');
  });
});
