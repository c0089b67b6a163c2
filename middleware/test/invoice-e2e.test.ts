import QuickBooks from 'node-quickbooks';
import { startStack, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog, billingSettled } from './support/deals';

describe('Closed Won → QuickBooks invoice, end to end through the real clients', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack();
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const settled = (id: string) => billingSettled(stack.sf, id);
  const qboInvoices = () => stack.qbo.control.list(stack.realmId, 'Invoice') as Array<Record<string, any>>;

  it('turns a 3-line deal with a shared discount and mixed tax into one invoice with hand-computed totals', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Acme Corporation' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [
      { code: 'CONS-HR', quantity: 10, discount: 10 },
      { code: 'IMPL-PKG', quantity: 1, discount: 10 },
      { code: 'HW-KIT', quantity: 2, discount: 10 },
    ], { PO_Number__c: 'PO-4471', Invoice_Memo__c: 'Thank you!' });
    closeWon(stack.sf, id);
    const result = await settled(id);
    expect(result.Billing_Sync_Error__c).toBeNull();
    expect(result.Billing_Sync_Status__c).toBe('Synced');

    // Subtotal 1500 + 5000 + 900 = 7400; 10% discount = 740 → 6660.
    // Taxable lines (consulting, hardware) 2400 less 10% = 2160 × 8% = 172.80. Total 6832.80.
    const invoices = qboInvoices().filter((inv) => inv.PrivateNote?.includes(id));
    expect(invoices).toHaveLength(1);
    const invoice = invoices[0]!;
    expect(invoice.TotalAmt).toBe(6832.8);
    expect(invoice.TxnTaxDetail.TotalTax).toBe(172.8);
    expect(invoice.TxnDate).toBe('2026-11-20');
    expect(invoice.DueDate).toBe('2026-12-20');
    expect(invoice.BillEmail.Address).toBe('ap@acme.example');
    expect(invoice.CustomerMemo.value).toBe('PO PO-4471\nThank you!');
    const sales = invoice.Line.filter((l: any) => l.DetailType === 'SalesItemLineDetail');
    expect(sales.map((l: any) => [l.SalesItemLineDetail.ItemRef.name, l.SalesItemLineDetail.Qty, l.Amount, l.SalesItemLineDetail.TaxCodeRef.value])).toEqual([
      ['Consulting Hours', 10, 1500, 'TAX'],
      ['Implementation Package', 1, 5000, 'NON'],
      ['Hardware Kit', 2, 900, 'TAX'],
    ]);

    expect(result).toMatchObject({ QuickBooks_Invoice_Id__c: invoice.Id, Invoice_Number__c: invoice.DocNumber, Invoice_Total__c: 6832.8, Invoice_Balance__c: 6832.8, Invoice_Due_Date__c: '2026-12-20' });
    const mirror = stack.sf.control.query(`SELECT QuickBooks_Key__c, Total__c, Balance__c, Opportunity__c, Account__c FROM QuickBooks_Invoice__c WHERE Opportunity__c = '${id}'`);
    expect(mirror).toEqual([expect.objectContaining({ QuickBooks_Key__c: `${stack.realmId}:${invoice.Id}`, Total__c: 6832.8, Balance__c: 6832.8, Account__c: accountId })]);
    const account = stack.sf.control.record('Account', accountId) as Record<string, unknown>;
    expect(account.QuickBooks_Customer_Id__c).toBe(invoice.CustomerRef.value);
    expect(QuickBooks).toBeDefined();
  });

  it('invoices a burst of 40 deals through QBO batch requests: each deal its own invoice, with its own totals', async () => {
    const before = stack.qbo.control.counters().byOperation;
    const batchesBefore = stack.ledgerline.creator.stats!.batches;
    const accounts = Array.from({ length: 4 }, (_v, i) => seedAccount(stack.sf, { Name: `Burst Buyer ${i + 1} Ltd`, Billing_Email__c: `ap@burst${i + 1}.example` }));
    const ids = Array.from({ length: 40 }, (_v, i) => seedOpportunity(stack.sf, catalog, accounts[i % 4]!, [{ code: 'CONS-HR', quantity: i + 1 }], { Name: `Burst deal ${i + 1}` }));
    for (const id of ids) closeWon(stack.sf, id);
    const results = await Promise.all(ids.map((id) => settled(id)));
    expect(results.map((r) => r.Billing_Sync_Status__c)).toEqual(ids.map(() => 'Synced'));
    const after = stack.qbo.control.counters().byOperation;
    const batches = (after['*.batch'] ?? 0) - (before['*.batch'] ?? 0);
    const singles = (after['Invoice.create'] ?? 0) - (before['Invoice.create'] ?? 0);
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(stack.ledgerline.creator.stats!.batches - batchesBefore).toBe(batches);
    expect(singles).toBeLessThan(40);
    ids.forEach((id, i) => {
      const invoices = qboInvoices().filter((inv) => inv.PrivateNote?.includes(id));
      expect(invoices).toHaveLength(1);
      // Consulting Hours: 150.00 each, taxable at 8 %.
      expect(invoices[0]!.TotalAmt).toBe(Math.round((i + 1) * 150 * 1.08 * 100) / 100);
      expect(results[i]).toMatchObject({ QuickBooks_Invoice_Id__c: invoices[0]!.Id, Invoice_Total__c: invoices[0]!.TotalAmt });
    });
  });
});
