import { CDC_CURSOR } from '../src/services/payments/cdc-sweeper';
import { startStack, type Stack } from './support/stack';
import { seedCatalog, type Catalog } from './support/deals';
import { invoicedDeal, opp } from './support/invoiced-deal';

/**
 * A gap longer than CDC's 30-day look-back (the middleware was away): a full re-read of open invoices.
 * Its own file: node-quickbooks talks to one QBO host per process, so one stack per test file.
 */
const VERIFIER = 'payments-cdc-verifier';

describe('CDC sweeper after a gap longer than QuickBooks keeps changes (30 days)', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ env: { QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER, CDC_INTERVAL_SECONDS: '0' } });
    stack.qbo.control.webhooks.configure({ url: `${stack.url}/webhooks/quickbooks`, verifierToken: VERIFIER, batchWindowMs: 10 });
    stack.qbo.control.webhooks.setDropAll(true);
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('re-reads every open invoice instead of asking CDC for a window QuickBooks refuses, then resumes incremental sweeps', async () => {
    const paid = await invoicedDeal(stack, catalog, 'Gap Paid Co');
    const voided = await invoicedDeal(stack, catalog, 'Gap Void Co');
    const untouched = await invoicedDeal(stack, catalog, 'Gap Quiet Co');
    const realm = stack.realmId;
    // The middleware was away for 31 days: its cursor is older than CDC's look-back.
    const old = new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString();
    await stack.ledgerline.store.cursors.set(realm, CDC_CURSOR, old);

    stack.qbo.control.applyPayment(realm, { invoices: [{ id: paid.invoiceId }] });
    stack.qbo.control.voidInvoice(realm, voided.invoiceId);
    const customerId = (stack.qbo.control.get(realm, 'Invoice', untouched.invoiceId) as { CustomerRef: { value: string } }).CustomerRef.value;
    const item = (stack.qbo.control.list(realm, 'Item') as Array<{ Id: string; Sku?: string }>).find((i) => i.Sku === 'IMPL-PKG')!;
    const extra = stack.qbo.control.create(realm, 'Invoice', {
      CustomerRef: { value: customerId },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 300, SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 300, TaxCodeRef: { value: 'NON' } } }],
    });

    const report = await stack.ledgerline.payments.cdc.sweep(realm);
    expect(report.mode).toBe('full');
    expect(opp(stack, paid.opportunityId).Payment_Status__c).toBe('Paid');
    expect(opp(stack, voided.opportunityId).Payment_Status__c).toBe('Not Invoiced');
    expect(stack.sf.control.query(`SELECT Total__c, Account__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${realm}:${extra.Id}'`)).toEqual([
      expect.objectContaining({ Total__c: 300, Account__c: untouched.accountId }),
    ]);
    expect((stack.sf.control.record('Account', untouched.accountId) as { Open_Balance__c: number }).Open_Balance__c).toBe(5300);
    const cursor = await stack.ledgerline.store.cursors.get(realm, CDC_CURSOR);
    expect(Date.parse(cursor!.value)).toBeGreaterThan(Date.now() - 5 * 60_000);

    // Back to normal: the next sweep asks CDC for the short window and finds nothing new to apply.
    const refreshesBefore = stack.ledgerline.payments.refresher.reads;
    const next = await stack.ledgerline.payments.cdc.sweep(realm);
    expect(next.mode).toBe('cdc');
    expect(next.changes).toBeGreaterThan(0);
    expect(next.refreshed).toBe(0);
    expect(stack.ledgerline.payments.refresher.reads).toBe(refreshesBefore);
  });
});
