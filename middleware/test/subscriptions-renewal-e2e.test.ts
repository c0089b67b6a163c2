import { addMonths } from '../src/sync/billing-schedule';
import { startStack, waitFor, type Stack } from './support/stack';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

/**
 * Renewals and cancellation, end to end with the QBO emulator's fake clock shared by the middleware:
 * a renewal continues the schedule where the renewed term ends, at its own prices; a scheduled deal that
 * is no longer won stops billing (on a sync request at once, otherwise when its next period falls due).
 */
describe('subscription renewals and cancellation', () => {
  let stack: Stack;
  let catalog: Catalog;
  const clockNow = (): number => stack?.qbo.control.clock.now() ?? Date.now();
  const today = (): string => new Date(clockNow()).toISOString().slice(0, 10);

  beforeAll(async () => {
    stack = await startStack({ now: clockNow });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const advanceTo = (date: string) => stack.qbo.control.clock.advance(Date.parse(`${date}T01:00:00Z`) - clockNow());
  const settle = () => new Promise((r) => setTimeout(r, 600));
  const dates = (oppId: string) => invoicesOf(stack.qbo, stack.realmId, oppId).map((inv) => inv.TxnDate as string).sort();
  const jobsOf = async (oppId: string, state: 'queued' | 'cancelled') =>
    (await stack.ledgerline.queue.list({ type: 'subscription.invoice', state, limit: 200 })).filter((j) => (j.payload as { opportunityId: string }).opportunityId === oppId);
  const subscription = (accountId: string, name: string, unitPrice: number, months: number, extra: Record<string, unknown> = {}) => {
    const id = seedOpportunity(stack.sf, catalog, accountId, [], { Name: name, CloseDate: today(), ...extra });
    stack.sf.control.seed({ OpportunityLineItem: [{ OpportunityId: id, PricebookEntryId: catalog.products['SUB-ANN']!.entryId, Quantity: 1, UnitPrice: unitPrice, SortOrder: 1, Billing_Frequency__c: 'Monthly', Term_Months__c: months }] });
    return id;
  };

  it('starts a renewal where the renewed term ends, at the new price, and a lost renewal stops its future invoices', async () => {
    const start = today();
    const accountId = seedAccount(stack.sf, { Name: 'Umbrella Analytics', Tax_Exempt__c: true });
    const original = subscription(accountId, 'Umbrella analytics, first term', 3000, 3);
    closeWon(stack.sf, original);
    await waitFor(() => dates(original).length === 1 || undefined, 20_000, 'the first invoice');

    // Won early, but billed from the end of the first term (start + 3 months), at 1200 a month.
    const renewal = subscription(accountId, 'Umbrella analytics, renewal', 3600, 3, { Renewal_Of__c: original });
    closeWon(stack.sf, renewal);
    expect((await billingSettled(stack.sf, renewal)).Billing_Sync_Status__c).toBe('Synced');
    const queued = await jobsOf(renewal, 'queued');
    expect(queued.map((j) => j.runAt.toISOString().slice(0, 10)).sort()).toEqual([3, 4, 5].map((m) => addMonths(start, m)));
    expect(dates(renewal)).toEqual([]);

    for (const m of [1, 2]) {
      advanceTo(addMonths(start, m));
      await waitFor(() => dates(original).length === m + 1 || undefined, 15_000, `original invoice ${m + 1}`);
    }
    advanceTo(addMonths(start, 3));
    await waitFor(() => dates(renewal).length === 1 || undefined, 15_000, 'the renewal’s first invoice');
    const [first] = invoicesOf(stack.qbo, stack.realmId, renewal);
    expect(first!.TxnDate).toBe(addMonths(start, 3));
    expect(first!.TotalAmt).toBe(1200);
    expect(first!.Line[0].SalesItemLineDetail.ServiceDate).toBe(addMonths(start, 3));
    expect(dates(original)).toEqual([0, 1, 2].map((m) => addMonths(start, m))); // the first term has ended

    // The renewal is lost after all; a sync request (the Opportunity's Retry) cancels what is still queued.
    stack.sf.control.update('Opportunity', renewal, { StageName: 'Closed Lost' });
    const answer = await fetch(`${stack.url}/api/v1/sync/opportunities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ opportunityIds: [renewal], reason: 'retry' }),
    });
    expect(answer.status).toBe(202);
    await waitFor(async () => (await jobsOf(renewal, 'cancelled')).length === 2 || undefined, 15_000, 'the cancelled renewal jobs');
    expect(await jobsOf(renewal, 'queued')).toHaveLength(0);
    advanceTo(addMonths(start, 6));
    await settle();
    expect(dates(renewal)).toEqual([addMonths(start, 3)]);
  }, 60_000);

  it('stops a schedule whose deal was lost, when its next period falls due, without a sync request', async () => {
    const start = today();
    const accountId = seedAccount(stack.sf, { Name: 'Soylent Foods', Tax_Exempt__c: true });
    const deal = subscription(accountId, 'Soylent monthly', 1200, 12);
    closeWon(stack.sf, deal);
    await waitFor(() => dates(deal).length === 1 || undefined, 20_000, 'the first invoice');
    expect(await jobsOf(deal, 'queued')).toHaveLength(11);

    stack.sf.control.update('Opportunity', deal, { StageName: 'Closed Lost' });
    advanceTo(addMonths(start, 1));
    await waitFor(async () => (await jobsOf(deal, 'cancelled')).length === 10 || undefined, 15_000, 'the cancelled jobs');
    advanceTo(addMonths(start, 3));
    await settle();
    expect(dates(deal)).toEqual([start]);
  }, 60_000);
});
