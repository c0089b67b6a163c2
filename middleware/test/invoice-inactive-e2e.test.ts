import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog, billingSettled, invoicesOf } from './support/deals';

type Rec = Record<string, any>;

/**
 * Items, customers and terms made inactive in QuickBooks after Ledgerline cached them: QBO refuses the
 * invoice with 610 "Object Not Found", which names none of them. The deal must show which product, SKU,
 * QBO item (or customer, or term) it is, and what to do.
 */
describe('inactive QuickBooks references (real clients, emulators)', () => {
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
  const invoicesFor = (id: string) => invoicesOf(stack.qbo, stack.realmId, id);
  const qboItem = (sku: string) => (stack.qbo.control.list(stack.realmId, 'Item') as Rec[]).find((i) => i.Sku === sku)!;
  const wonDeal = (accountId: string, code: string) => {
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code, quantity: 2 }]);
    closeWon(stack.sf, id);
    return id;
  };

  it('names the product, its SKU and the inactive QBO item with the fix, whether QBO answers 610 or the check before the create finds it', async () => {
    const item = qboItem('HW-KIT');
    const productId = catalog.products['HW-KIT']!.productId;
    stack.sf.control.update('Product2', productId, { QuickBooks_Item_Id__c: item.Id });
    const accountId = seedAccount(stack.sf, { Name: 'Pendant Publishing' });
    expect((await settled(wonDeal(accountId, 'HW-KIT'))).Billing_Sync_Status__c).toBe('Synced'); // the catalog now holds the item as active

    stack.qbo.control.edit(stack.realmId, 'Item', item.Id, { Active: false });
    const expected = [
      `Product "Hardware Kit" (${productId}, SKU HW-KIT) is mapped to QuickBooks item "${item.Name}" (#${item.Id}), which is inactive in QuickBooks company ${stack.realmId}.`,
      `Fix: Reactivate the item "${item.Name}" in QuickBooks`,
      'or map the product to another item: set QuickBooks Item Id on the product',
    ];
    for (const path of ['QBO answers 610', 'checked before the create']) {
      const id = wonDeal(accountId, 'HW-KIT');
      const result = await settled(id);
      expect({ path, status: result.Billing_Sync_Status__c }).toEqual({ path, status: 'Error' });
      for (const text of expected) expect(result.Billing_Sync_Error__c).toContain(text);
      expect(result.Billing_Sync_Error__c).not.toContain('Object Not Found');
      expect(invoicesFor(id)).toHaveLength(0);
    }
    stack.qbo.control.edit(stack.realmId, 'Item', item.Id, { Active: true });
  });

  it('names an inactive customer with its Account and the fix', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Sterling Cooper' });
    const first = wonDeal(accountId, 'CONS-HR');
    expect((await settled(first)).Billing_Sync_Status__c).toBe('Synced');
    const customerId = invoicesFor(first)[0]!.CustomerRef.value as string;
    stack.qbo.control.edit(stack.realmId, 'Customer', customerId, { Active: false });

    const id = wonDeal(accountId, 'CONS-HR');
    const result = await settled(id);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toContain(`QuickBooks customer "Sterling Cooper" (#${customerId}) of Account "Sterling Cooper" (${accountId}) is inactive in QuickBooks company ${stack.realmId}.`);
    expect(result.Billing_Sync_Error__c).toContain('Fix: Make the customer active in QuickBooks');
    expect(result.Billing_Sync_Error__c).not.toContain('Object Not Found');
    expect(invoicesFor(id)).toHaveLength(0);
  });

  it('names inactive payment terms with the Account and the fix', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Vance Refrigeration', Payment_Terms__c: 'Net 45' });
    expect((await settled(wonDeal(accountId, 'CONS-HR'))).Billing_Sync_Status__c).toBe('Synced');
    const term = (stack.qbo.control.list(stack.realmId, 'Term') as Rec[]).find((t) => t.Name === 'Net 45')!;
    stack.qbo.control.edit(stack.realmId, 'Term', term.Id, { Active: false });

    for (const path of ['QBO answers 610', 'checked before the create']) {
      const id = wonDeal(accountId, 'CONS-HR');
      const result = await settled(id);
      expect({ path, status: result.Billing_Sync_Status__c }).toEqual({ path, status: 'Error' });
      expect(result.Billing_Sync_Error__c).toContain(`Payment Terms "Net 45" (QuickBooks term #${term.Id}) of Account "Vance Refrigeration" (${accountId}) are inactive in QuickBooks company ${stack.realmId}.`);
      expect(result.Billing_Sync_Error__c).toContain('Fix: Make the term active in QuickBooks');
      expect(invoicesFor(id)).toHaveLength(0);
    }
  });

  it('names the product and its inactive item when a subscription period invoice gets 610', async () => {
    const item = qboItem('SUB-ANN');
    const accountId = seedAccount(stack.sf, { Name: 'Dunder Mifflin Paper' });
    expect((await settled(wonDeal(accountId, 'SUB-ANN'))).Billing_Sync_Status__c).toBe('Synced'); // a one-time sale: the catalog holds the item as active
    stack.qbo.control.edit(stack.realmId, 'Item', item.Id, { Active: false });

    const oppId = seedOpportunity(stack.sf, catalog, accountId, [], { Name: 'Dunder Mifflin platform 12 months' });
    stack.sf.control.seed({ OpportunityLineItem: [{ OpportunityId: oppId, PricebookEntryId: catalog.products['SUB-ANN']!.entryId, Quantity: 1, UnitPrice: 1200, SortOrder: 1, Billing_Frequency__c: 'Monthly', Term_Months__c: 12 }] });
    closeWon(stack.sf, oppId);
    const failed = await waitFor(() => {
      const o = stack.sf.control.record('Opportunity', oppId) as Rec;
      return o.Billing_Sync_Status__c === 'Error' ? o : undefined;
    }, 60_000, 'the first period to fail');
    expect(failed.Billing_Sync_Error__c).toContain(`Product "Annual Subscription" (${catalog.products['SUB-ANN']!.productId}, SKU SUB-ANN) is mapped to QuickBooks item "${item.Name}" (#${item.Id}), which is inactive`);
    expect(failed.Billing_Sync_Error__c).not.toContain('Object Not Found');
    expect(invoicesFor(oppId)).toHaveLength(0);
    stack.qbo.control.edit(stack.realmId, 'Item', item.Id, { Active: true });
  });
});
