import { startStack, type Stack } from './support/stack';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity } from './support/deals';

/**
 * A lost notification delays an invoice by minutes, never forever: when the Closed Won callout cannot
 * reach the middleware, the deal stays Queued with the reason, and the sweeper invoices it.
 */
describe('sweeper of won deals without an invoice', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SWEEP_INTERVAL_SECONDS: '1' } });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('invoices a deal whose callout never arrived, exactly once', async () => {
    const catalog = seedCatalog(stack.sf);
    const id = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Soylent Corp' }), [{ code: 'CONS-HR', quantity: 2 }], {
      CloseDate: new Date().toISOString().slice(0, 10),
    });
    // The Named Credential points nowhere: Salesforce cannot reach the middleware.
    stack.sf.control.configureCallout({ url: 'http://127.0.0.1:9', enabled: true });
    closeWon(stack.sf, id);
    await stack.sf.control.waitForCallouts();
    const waiting = stack.sf.control.record('Opportunity', id) as Record<string, unknown>;
    expect(waiting.Billing_Sync_Status__c).toBe('Queued');
    expect(String(waiting.Billing_Sync_Error__c)).toContain('could not reach the Ledgerline middleware');
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(0);

    const done = await billingSettled(stack.sf, id, 15_000);
    expect(done.Billing_Sync_Status__c).toBe('Synced');
    expect(done.Billing_Sync_Error__c).toBeNull();
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(1);
    const jobs = await stack.ledgerline.queue.list({ key: `opportunity:${id}` });
    expect(jobs.map((j) => (j.payload as { reason: string }).reason)).toEqual(['sweep']);
  });
});
