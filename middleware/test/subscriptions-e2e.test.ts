import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLedgerline, type Ledgerline } from '../src/container';
import { addMonths } from '../src/sync/billing-schedule';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';
import type { QboInv, QboLine } from './support/qbo-invoice';


/**
 * Subscriptions end to end: the middleware and the QBO emulator share the emulator's fake clock, the
 * store is a SQLite file so the middleware can be stopped and started again on the same data.
 */
describe('subscription schedule → one QuickBooks invoice per period, created on its date, never twice', () => {
  let stack: Stack;
  let catalog: Catalog;
  let dir: string;
  let current: Ledgerline;
  const clockNow = (): number => stack?.qbo.control.clock.now() ?? Date.now();
  const today = (): string => new Date(clockNow()).toISOString().slice(0, 10);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-subs-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${join(dir, 'ledgerline.db')}` }, now: clockNow });
    current = stack.ledgerline;
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    if (current !== stack.ledgerline) await current.stop(2000);
    // The stack stops the middleware it started; after a restart that one is already stopped.
    await stack.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const invoicesOf = (oppId: string) =>
    (stack.qbo.control.list(stack.realmId, 'Invoice') as unknown as QboInv[]).filter((inv) => String(inv.PrivateNote ?? '').includes(oppId)).sort((a, b) => String(a.TxnDate).localeCompare(String(b.TxnDate)));
  /** Moves both clocks to one hour past midnight (UTC) of `date`. */
  const advanceTo = (date: string) => stack.qbo.control.clock.advance(Date.parse(`${date}T01:00:00Z`) - clockNow());
  const restart = async (between?: () => void) => {
    await current.stop(2000);
    between?.();
    current = await createLedgerline(stack.ledgerline.config, { logger: stack.logger, now: clockNow });
    current.start();
  };
  const settle = () => new Promise((r) => setTimeout(r, 600)); // several worker polls (WORKER_POLL_MS = 100)

  it('issues the first invoice when won, the next when a month passes, catches up after downtime, and none twice after restarts', async () => {
    const start = today();
    const accountId = seedAccount(stack.sf, { Name: 'Globex Subscriptions', Tax_Exempt__c: true });
    const oppId = seedOpportunity(stack.sf, catalog, accountId, [], { Name: 'Globex platform 12 months', CloseDate: start });
    stack.sf.control.seed({
      OpportunityLineItem: [
        { OpportunityId: oppId, PricebookEntryId: catalog.products['SUB-ANN']!.entryId, Quantity: 1, UnitPrice: 12000, SortOrder: 1, Billing_Frequency__c: 'Monthly', Term_Months__c: 12 },
        { OpportunityId: oppId, PricebookEntryId: catalog.products['IMPL-PKG']!.entryId, Quantity: 1, UnitPrice: 5000, SortOrder: 2, Billing_Frequency__c: 'One-time' },
      ],
    });
    closeWon(stack.sf, oppId);

    const [first] = await waitFor(() => (invoicesOf(oppId).length >= 1 ? invoicesOf(oppId) : undefined), 20_000, 'the first invoice');
    expect(first!.TxnDate).toBe(start);
    expect(first!.TotalAmt).toBe(6000);
    const sales = first!.Line.filter((l: QboLine) => l.DetailType === 'SalesItemLineDetail');
    expect(sales.map((l: QboLine) => [l.SalesItemLineDetail.ItemRef.name, l.Amount, l.SalesItemLineDetail.ServiceDate])).toEqual([
      ['Annual Subscription', 1000, start],
      ['Implementation Package', 5000, start],
    ]);
    expect(sales[0].Description).toContain(`period 1 of 12`);
    const opp = await waitFor(() => {
      const o = stack.sf.control.record('Opportunity', oppId) as Record<string, unknown>;
      return o.Billing_Sync_Status__c === 'Synced' && o.QuickBooks_Invoice_Id__c ? o : undefined;
    }, 10_000, 'the Opportunity write-back');
    expect(opp.QuickBooks_Invoice_Id__c).toBe(first!.Id);
    expect((await current.queue.list({ type: 'subscription.invoice', state: 'queued', limit: 50 })).length).toBe(11);

    await settle();
    expect(invoicesOf(oppId)).toHaveLength(1); // the second period is not due yet

    // A month passes: the second period's job falls due.
    const second = addMonths(start, 1);
    advanceTo(second);
    await waitFor(() => invoicesOf(oppId).length >= 2 || undefined, 15_000, 'the second invoice');
    const [, inv2] = invoicesOf(oppId);
    expect(inv2!.TxnDate).toBe(second);
    expect(inv2!.TotalAmt).toBe(1000);
    expect(inv2!.Line.find((l: QboLine) => l.DetailType === 'SalesItemLineDetail')!.SalesItemLineDetail.ServiceDate).toBe(second);

    // Restart on the same SQLite file: nothing already issued is issued again.
    await restart();
    await settle();
    expect(invoicesOf(oppId)).toHaveLength(2);

    // Down for two months: both periods that fell due are created once the middleware is back.
    await restart(() => advanceTo(addMonths(start, 3)));
    await waitFor(() => invoicesOf(oppId).length >= 4 || undefined, 15_000, 'the catch-up invoices');
    await settle();
    expect(invoicesOf(oppId).map((inv) => inv.TxnDate)).toEqual([0, 1, 2, 3].map((m) => addMonths(start, m)));

    // The rest of the term, a month at a time (so the QBO refresh token keeps rotating).
    for (let m = 4; m < 12; m++) {
      advanceTo(addMonths(start, m));
      await waitFor(() => invoicesOf(oppId).length >= m + 1 || undefined, 15_000, `invoice ${m + 1}`);
    }
    advanceTo(addMonths(start, 13));
    await settle();
    const all = invoicesOf(oppId);
    expect(all).toHaveLength(12);
    expect(new Set(all.map((inv) => inv.TxnDate)).size).toBe(12);
    // The invoices sum exactly to the deal: 12 × 1000 + 5000.
    expect(all.reduce((sum, inv) => sum + Math.round(inv.TotalAmt * 100), 0)).toBe(1_700_000);
    const links = await current.store.links.findBySalesforceId('invoice', oppId, stack.realmId);
    expect(links.map((l) => l.qboId).sort()).toEqual(all.map((inv) => inv.Id).sort());
    const mirror = stack.sf.control.query(`SELECT QuickBooks_Key__c FROM QuickBooks_Invoice__c WHERE Opportunity__c = '${oppId}'`);
    expect(mirror).toHaveLength(12);
  }, 90_000);
});
