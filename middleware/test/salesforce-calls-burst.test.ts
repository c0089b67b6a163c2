import { startStack, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, billingSettled } from './support/deals';

/**
 * Issue 19: Salesforce API calls are an org-wide daily budget. A burst of Closed Won deals must cost at most
 * 0.05 Salesforce calls per invoice: one query per batch of up to 200 deals and sObject collections of up to
 * 200 records for every write, gathered across jobs.
 */
describe('Salesforce calls for a burst of Closed Won deals', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { WORKER_POLL_MS: '200', CDC_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' } });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('invoices 400 deals of 80 Accounts with at most 0.05 Salesforce calls per invoice', async () => {
    const catalog = seedCatalog(stack.sf);
    const accounts = Array.from({ length: 80 }, (_v, i) => seedAccount(stack.sf, { Name: `Budget Buyer ${i + 1} GmbH`, Billing_Email__c: `ap@budget${i + 1}.example` }));
    const ids = Array.from({ length: 400 }, (_v, i) => seedOpportunity(stack.sf, catalog, accounts[i % 80]!, [{ code: 'CONS-HR', quantity: 1 + (i % 5) }], { Name: `Budget deal ${i + 1}` }));
    const before = stack.sf.control.counters();
    for (const id of ids) closeWon(stack.sf, id);
    const results = await Promise.all(ids.map((id) => billingSettled(stack.sf, id, 240_000)));
    expect(results.filter((r) => r.Billing_Sync_Status__c !== 'Synced').map((r) => r.Billing_Sync_Error__c)).toEqual([]);
    const after = stack.sf.control.counters();
    const byEndpoint = Object.fromEntries(
      Object.entries(after.endpoints)
        .map(([endpoint, n]) => [endpoint, n - (before.endpoints[endpoint] ?? 0)] as const)
        .filter(([, n]) => n > 0),
    );
    const calls = after.apiUsage.used - before.apiUsage.used;
    // Printed so a failure shows where the calls went.
    expect({ perInvoice: calls / ids.length, byEndpoint }).toEqual({ perInvoice: expect.any(Number), byEndpoint: expect.any(Object) });
    if (calls / ids.length > 0.05) throw new Error(`${calls} Salesforce calls for ${ids.length} invoices (${(calls / ids.length).toFixed(3)} per invoice): ${JSON.stringify(byEndpoint)}`);

    // Roll-ups of several deals of one Account gathered together still sum every invoice of the Account.
    for (const accountId of accounts.slice(0, 5)) {
      const account = stack.sf.control.record('Account', accountId) as Record<string, unknown>;
      const totals = stack.sf.control.query(`SELECT Balance__c FROM QuickBooks_Invoice__c WHERE Account__c = '${accountId}'`) as Array<{ Balance__c: number }>;
      expect(totals).toHaveLength(5);
      const open = Math.round(totals.reduce((sum, t) => sum + t.Balance__c, 0) * 100) / 100;
      expect(account).toMatchObject({ QuickBooks_Customer_Id__c: expect.any(String), Open_Balance__c: open, Total_Invoiced__c: open });
    }
  }, 300_000);
});
