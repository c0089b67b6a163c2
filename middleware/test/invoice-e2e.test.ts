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
});
