import { createLedgerline, INVOICE_JOB, type Ledgerline } from '../src/container';
import { createTestDatabase, testDialects, type TestDatabase } from '../src/store/test-databases';
import { startStack, waitFor, type Stack } from './support/stack';
import { billingSettled, closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';

/**
 * LEDGERLINE_ROLE: a web process stores the Closed Won callout's job and never runs it; a worker process on the
 * same database (a shared SQLite file, and PostgreSQL when LEDGERLINE_TEST_POSTGRES_URL is set) runs it.
 */
describe.each(testDialects())('web and worker roles on one %s database', (dialect) => {
  let db: TestDatabase;
  let web: Stack | undefined;
  let worker: Ledgerline | undefined;

  beforeAll(async () => {
    db = await createTestDatabase(dialect);
  });
  afterAll(async () => {
    await worker?.stop(2000);
    await web?.close();
    await db?.drop();
  });

  it('stores the job in the web process and runs it only in the worker process', async () => {
    web = await startStack({ env: { DATABASE_URL: db.url, LEDGERLINE_ROLE: 'web', WORKER_POLL_MS: '50' } });
    await web.connectQbo();
    const catalog = seedCatalog(web.sf);
    const accountId = seedAccount(web.sf, { Name: 'Split Roles Ltd' });
    const id = seedOpportunity(web.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 3 }]);
    closeWon(web.sf, id);

    const queue = web.ledgerline.queue;
    const [stored] = await waitFor(async () => {
      const jobs = await queue.list({ key: `opportunity:${id}` });
      return jobs.length > 0 && jobs;
    }, 20_000, 'the callout’s job to be stored');
    expect(stored!.type).toBe(INVOICE_JOB);
    // Forty poll intervals of a worker that would run here: the job must still wait, untouched.
    await new Promise((r) => setTimeout(r, 40 * 50));
    const waiting = await queue.get(stored!.id);
    expect(waiting).toMatchObject({ state: 'queued', attempts: 0 });
    expect(web.qbo.control.list(web.realmId, 'Invoice')).toHaveLength(0);

    worker = await createLedgerline({ ...web.ledgerline.config, LEDGERLINE_ROLE: 'worker' }, { logger: web.logger });
    worker.start();
    const result = await billingSettled(web.sf, id, 60_000);
    expect(result.Billing_Sync_Status__c).toBe('Synced');
    const invoices = web.qbo.control.list(web.realmId, 'Invoice') as Array<Record<string, unknown>>;
    expect(invoices).toHaveLength(1);
    // The deal is written inside the job, before the job records its end: wait for that end.
    const finished = await waitFor(async () => {
      const job = await queue.get(stored!.id);
      return job && job.state !== 'queued' && job.state !== 'running' ? job : undefined;
    }, 60_000, 'the job to finish');
    expect(finished).toMatchObject({ state: 'completed' });
  }, 120_000);
});
