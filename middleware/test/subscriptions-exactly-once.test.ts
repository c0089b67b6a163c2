import { addMonths } from '../src/sync/billing-schedule';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';
import type { QboInv, QboLine } from './support/qbo-invoice';

type Rec = Record<string, unknown>;

/**
 * Subscriptions under faults, the preview of a schedule, and the next invoice shown on the Opportunity.
 * The two Next_Invoice_* fields are written because config/sync-policy.json approves them as middleware fields.
 */
describe('subscriptions: unknown outcomes, preview and the next invoice', () => {
  let stack: Stack;
  let catalog: Catalog;
  const clockNow = (): number => stack?.qbo.control.clock.now() ?? Date.now();
  const today = (): string => new Date(clockNow()).toISOString().slice(0, 10);

  beforeAll(async () => {
    stack = await startStack({ now: clockNow, env: { JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '200' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const advanceTo = (date: string) => stack.qbo.control.clock.advance(Date.parse(`${date}T01:00:00Z`) - clockNow());
  const settle = () => new Promise((r) => setTimeout(r, 600));
  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as Rec;
  const quarterly = (name: string) => {
    const accountId = seedAccount(stack.sf, { Name: name, Tax_Exempt__c: true });
    const id = seedOpportunity(stack.sf, catalog, accountId, [], { Name: `${name} quarterly`, CloseDate: today() });
    // 3 seats × 333.34 = 1000.02 for 12 months, billed quarterly: 250.00, 250.00, 250.00, 250.02.
    stack.sf.control.seed({ OpportunityLineItem: [{ OpportunityId: id, PricebookEntryId: catalog.products['SUB-ANN']!.entryId, Quantity: 3, UnitPrice: 333.34, SortOrder: 1, Billing_Frequency__c: 'Quarterly', Term_Months__c: 12 }] });
    return id;
  };

  it('previews the whole schedule and the first invoice before the deal is won', async () => {
    const id = quarterly('Hooli');
    const answer = await fetch(`${stack.url}/api/v1/opportunities/${id}/preview`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(answer.status).toBe(200);
    const preview = (await answer.json()) as { schedule: unknown; invoice: { TxnDate: string; Line: QboLine[] } };
    const start = today();
    expect(preview.schedule).toEqual({
      start,
      end: addMonths(start, 12),
      total: 1000.02,
      invoices: [0, 3, 6, 9].map((m, i) => ({ date: addMonths(start, m), amount: i === 3 ? 250.02 : 250 })),
    });
    expect(preview.invoice.TxnDate).toBe(start);
    expect(preview.invoice.Line.map((l) => [l.Amount, l.SalesItemLineDetail.Qty, l.SalesItemLineDetail.ServiceDate])).toEqual([[250, 3, start]]);
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(0); // a preview creates nothing
  });

  it('creates each period once when QuickBooks commits a create but the answer is lost, and shows the next invoice', async () => {
    const start = today();
    const id = quarterly('Pied Piper');
    stack.qbo.control.injectFault({ kind: 'lost-response', entity: 'Invoice', operation: 'create' });
    closeWon(stack.sf, id);
    await waitFor(() => invoicesOf(stack.qbo, stack.realmId, id).length === 1 || undefined, 20_000, 'the first invoice');
    await waitFor(() => opp(id).Next_Invoice_Date__c === addMonths(start, 3) || undefined, 10_000, 'the next invoice on the Opportunity');
    expect(opp(id).Next_Invoice_Amount__c).toBe(250);
    expect(stack.qbo.control.pendingFaults()).toEqual([]);

    stack.qbo.control.injectFault({ kind: 'lost-response', mode: '500', entity: 'Invoice', operation: 'create' });
    advanceTo(addMonths(start, 3));
    await waitFor(() => invoicesOf(stack.qbo, stack.realmId, id).length === 2 || undefined, 15_000, 'the second invoice');
    await settle();
    expect((invoicesOf(stack.qbo, stack.realmId, id) as unknown as QboInv[]).map((inv) => [inv.TxnDate, inv.TotalAmt])).toEqual([
      [start, 250],
      [addMonths(start, 3), 250],
    ]);
    // The second period's retry adopts the invoice its lost answer created; the job records its end after that.
    const completed = async () => (await stack.ledgerline.queue.list({ type: 'subscription.invoice', limit: 50 })).filter((j) => (j.payload as { opportunityId: string }).opportunityId === id && j.state === 'completed');
    await waitFor(async () => ((await completed()).length >= 2 ? true : undefined), 15_000, 'both periods\u2019 jobs to complete');
    const mine = await completed();
    expect(mine).toHaveLength(2);
    expect(mine.every((j) => j.attempts >= 2)).toBe(true); // both periods went through a lost answer and a retry
    await waitFor(() => opp(id).Next_Invoice_Date__c === addMonths(start, 6) || undefined, 10_000, 'the next invoice moving on');

    // The last period carries the cent remainder; afterwards no next invoice is shown.
    for (const m of [6, 9]) {
      advanceTo(addMonths(start, m));
      await waitFor(() => invoicesOf(stack.qbo, stack.realmId, id).length === m / 3 + 1 || undefined, 15_000, `invoice at month ${m}`);
    }
    await waitFor(() => opp(id).Next_Invoice_Date__c === null || undefined, 10_000, 'no next invoice');
    expect(opp(id).Next_Invoice_Amount__c).toBeNull();
    const all = invoicesOf(stack.qbo, stack.realmId, id) as unknown as QboInv[];
    expect(all.map((inv) => inv.TotalAmt).sort()).toEqual([250, 250, 250, 250.02]);
    await waitFor(() => opp(id).Invoice_Total__c === 1000.02 || undefined, 10_000, 'the roll-up over the four invoices');
  }, 60_000);
});
