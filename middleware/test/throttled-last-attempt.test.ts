import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, invoicesOf } from './support/deals';

type Rec = Record<string, any>;

/**
 * A 429 on a job's last allowed attempt does not end the job: the queue gives the attempt back and runs it
 * again after Intuit's window. The deal must say so (Queued), not show an Error that a later attempt quietly
 * replaces with Synced: a person would act on that Error, and a run that counts Error as final sees a deal
 * without its invoice.
 */
describe('a QuickBooks 429 on the last allowed attempt', () => {
  let stack: Stack;

  beforeAll(async () => {
    // One attempt allowed, and a 3 s wait before the refunded attempt runs again: long enough to read the deal.
    stack = await startStack({ env: { JOB_MAX_ATTEMPTS: '1', JOB_BACKOFF_BASE_MS: '3000', JOB_BACKOFF_CAP_MS: '3000' } });
    await stack.connectQbo();
    // The API client's own back-off would otherwise absorb the 429s for two minutes before the job sees one.
    stack.ledgerline.qbo.options.throttleRetryMs = 0;
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('leaves the deal Queued while the job waits, then Synced with exactly one invoice', async () => {
    const catalog = seedCatalog(stack.sf);
    const accountId = seedAccount(stack.sf, { Name: 'Throttled Last Attempt Ltd' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 2 }]);
    stack.qbo.control.injectFault({ kind: 'throttle', entity: 'Invoice', operation: 'create', times: 1000 });
    closeWon(stack.sf, id);

    const key = `opportunity:${id}`;
    const waiting = await waitFor(
      async () => (await stack.ledgerline.queue.list({ key })).find((j) => j.state === 'queued' && j.lastErrorCode === 'QBO_THROTTLED'),
      60_000,
      'the throttled job to be queued again',
    );
    expect(waiting.attempts).toBe(0);
    const during = stack.sf.control.record('Opportunity', id) as Rec;
    expect(during.Billing_Sync_Status__c).toBe('Queued');
    expect(during.Billing_Sync_Error__c ?? null).toBeNull();
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(0);

    stack.qbo.control.clearFaults();
    await waitFor(() => (stack.sf.control.record('Opportunity', id) as Rec).Billing_Sync_Status__c === 'Synced', 60_000, 'the deal to be Synced');
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(1);
    const jobs = await waitFor(async () => {
      const list = await stack.ledgerline.queue.list({ key });
      return list.every((j) => j.state === 'completed') ? list : undefined;
    }, 30_000, 'the job to complete');
    expect(jobs).toHaveLength(1);
  });
});
