import { startStack, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, billingSettled } from './support/deals';

/**
 * Issue 19, a deal on its own: once the deal is read, its invoice record, its Account's roll-up and its own
 * write-back (roll-up and Synced) reach Salesforce in one write request, and the roll-up read goes while QuickBooks
 * creates the invoice. Two deals of one Account that finish at once still leave the Account's totals over both.
 */
describe('Salesforce requests of a lone Closed Won deal', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { CDC_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' } });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  /** Endpoint counts since `before`, and the Salesforce write requests among them. */
  const since = (before: Record<string, number>) => {
    const after = stack.sf.control.counters().endpoints;
    const delta = Object.fromEntries(Object.entries(after).map(([k, n]) => [k, n - (before[k] ?? 0)] as const).filter(([, n]) => n > 0));
    // Reads, and the live-update event (POST /sobjects/Ledgerline_Billing_Update__e, sent after its own window) are not writes.
    const writes = Object.entries(delta).filter(([k]) => !/^GET /.test(k) && !/query/i.test(k) && k !== 'POST /sobjects/:type').reduce((t, [, n]) => t + n, 0);
    return { delta, writes };
  };

  /** Waits until the Account's Open Balance equals the sum of its invoice records (generous deadline). */
  async function accountSettled(accountId: string, invoices: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = stack.sf.control.query(`SELECT Balance__c FROM QuickBooks_Invoice__c WHERE Account__c = '${accountId}'`) as Array<{ Balance__c: number }>;
      const account = stack.sf.control.record('Account', accountId) as Record<string, unknown>;
      const open = Math.round(rows.reduce((t, r) => t + r.Balance__c, 0) * 100) / 100;
      if (rows.length === invoices && account.Open_Balance__c === open) return account;
      if (Date.now() > deadline) throw new Error(`Account ${accountId}: ${rows.length} invoice records, Open_Balance__c ${String(account.Open_Balance__c)}, expected ${invoices} and ${open}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('writes a known customer’s deal back in one Salesforce request', async () => {
    const catalog = seedCatalog(stack.sf);
    const accountId = seedAccount(stack.sf, { Name: 'Lone Writer Ltd', Billing_Email__c: 'ap@lone-writer.example' });
    const warmUp = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }], { Name: 'Lone warm-up' });
    closeWon(stack.sf, warmUp);
    expect((await billingSettled(stack.sf, warmUp, 60_000)).Billing_Sync_Status__c).toBe('Synced');
    await accountSettled(accountId, 1);

    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 2 }], { Name: 'Lone deal' });
    const before = stack.sf.control.counters().endpoints;
    closeWon(stack.sf, id);
    expect((await billingSettled(stack.sf, id, 60_000)).Billing_Sync_Status__c).toBe('Synced');
    const account = await accountSettled(accountId, 2);
    expect(account.QuickBooks_Customer_Id__c).toEqual(expect.any(String));
    const { delta, writes } = since(before);
    if (writes !== 1) throw new Error(`${writes} Salesforce write requests for one deal: ${JSON.stringify(delta)}`);
  }, 120_000);

  it('keeps an Account’s totals over both deals when two of its deals finish at once', async () => {
    const catalog = seedCatalog(stack.sf);
    const accountId = seedAccount(stack.sf, { Name: 'Twin Deals Ltd', Billing_Email__c: 'ap@twin-deals.example' });
    const warmUp = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }], { Name: 'Twin warm-up' });
    closeWon(stack.sf, warmUp);
    await billingSettled(stack.sf, warmUp, 60_000);
    await accountSettled(accountId, 1);
    const ids = [2, 3].map((q) => seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: q }], { Name: `Twin deal ${q}` }));
    for (const id of ids) closeWon(stack.sf, id);
    for (const id of ids) expect((await billingSettled(stack.sf, id, 60_000)).Billing_Sync_Status__c).toBe('Synced');
    await accountSettled(accountId, 3);
  }, 120_000);
});
