import { CDC_CURSOR } from '../src/services/payments/cdc-sweeper';
import { startStack, waitFor, type Stack } from './support/stack';
import { seedCatalog, type Catalog } from './support/deals';
import { invoicedDeal, opp } from './support/invoiced-deal';

/** The safety net: with every webhook lost, change data capture alone brings payment status across. */
const VERIFIER = 'payments-cdc-verifier';

describe('CDC sweeper catches up when webhooks are lost', () => {
  const INTERVAL_S = 2;
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ env: { QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER, CDC_INTERVAL_SECONDS: String(INTERVAL_S) } });
    stack.qbo.control.webhooks.configure({ url: `${stack.url}/webhooks/quickbooks`, verifierToken: VERIFIER, batchWindowMs: 10 });
    stack.qbo.control.webhooks.setDropAll(true);
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('shows a payment after the first sweep that starts once it is recorded, although no webhook was delivered', async () => {
    const deal = await invoicedDeal(stack, catalog, 'Lost Webhooks LLC');
    const cdc = stack.ledgerline.payments.cdc;
    const sweeps: Array<{ start: number; done: Promise<unknown> }> = [];
    const original = cdc.sweep.bind(cdc);
    jest.spyOn(cdc, 'sweep').mockImplementation((realmId: string) => {
      const done = original(realmId);
      sweeps.push({ start: Date.now(), done: done.catch(() => undefined) });
      return done;
    });
    const started = Date.now();
    const payment = stack.qbo.control.applyPayment(stack.realmId, { invoices: [{ id: deal.invoiceId, amount: 2000 }] });
    // The sweeper runs every INTERVAL_S seconds; the first pass that begins after the payment must carry it.
    const first = await waitFor(() => sweeps.find((s) => s.start > started), INTERVAL_S * 1000 + 10_000, 'a sweep after the payment');
    await first.done;
    expect(opp(stack, deal.opportunityId).Invoice_Balance__c).toBe(3000);
    expect(opp(stack, deal.opportunityId).Payment_Status__c).toBe('Partially Paid');
    const rows = stack.sf.control.query(`SELECT QuickBooks_Key__c, Amount__c FROM QuickBooks_Payment__c WHERE QuickBooks_Key__c = '${stack.realmId}:${payment.Id}:${deal.invoiceId}'`);
    expect(rows).toEqual([expect.objectContaining({ Amount__c: 2000 })]);
    expect(stack.qbo.control.webhooks.deliveries().every((d) => d.outcome === 'dropped')).toBe(true);
    expect(await stack.ledgerline.store.inbox.pending()).toEqual([]);
    const cursor = await stack.ledgerline.store.cursors.get(stack.realmId, CDC_CURSOR);
    expect(Date.parse(cursor!.value)).toBeGreaterThan(started - 120_000);
  });
});
