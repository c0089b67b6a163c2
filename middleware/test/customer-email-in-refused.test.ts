import { startStack, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, billingSettled, invoicesOf, type Catalog } from './support/deals';

type Rec = Record<string, any>;

/**
 * Intuit documents `IN (…)` in queries but not on which fields. Where QuickBooks refuses it on PrimaryEmailAddr
 * (4001 "Invalid query"), the customer look-up asks by e-mail with `=` instead: deals of new Accounts still match
 * by e-mail and are invoiced, never stopped by the refusal.
 */
describe('customer look-up where QuickBooks refuses IN on PrimaryEmailAddr', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ qbo: { inRefusedOn: ['PrimaryEmailAddr'] } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('matches an existing customer by e-mail with `=`, and creates a customer for an Account nobody holds', async () => {
    const refusedBefore = stack.qbo.control.counters().byStatus['400'] ?? 0;
    const existing = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Bania Comedy (AP)', PrimaryEmailAddr: { Address: 'ap@bania.example' } }) as Rec;
    const matched = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Bania Comedy LLC', Billing_Email__c: 'ap@bania.example' }), [{ code: 'CONS-HR', quantity: 1 }], { Name: 'Bania deal' });
    const fresh = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Mendy Inc', Billing_Email__c: 'ap@mendy.example' }), [{ code: 'CONS-HR', quantity: 2 }], { Name: 'Mendy deal' });
    closeWon(stack.sf, matched);
    closeWon(stack.sf, fresh);
    const [a, b] = await Promise.all([billingSettled(stack.sf, matched), billingSettled(stack.sf, fresh)]);
    expect([a.Billing_Sync_Status__c, a.Billing_Sync_Error__c, b.Billing_Sync_Status__c, b.Billing_Sync_Error__c]).toEqual(['Synced', null, 'Synced', null]);
    expect(invoicesOf(stack.qbo, stack.realmId, matched)[0]!.CustomerRef.value).toBe(existing.Id);
    const customers = (stack.qbo.control.list(stack.realmId, 'Customer') as Rec[]).map((c) => c.DisplayName);
    expect(customers.filter((n) => /Bania/.test(n))).toEqual(['Bania Comedy (AP)']);
    expect(customers.filter((n) => /Mendy/.test(n))).toEqual(['Mendy Inc']);
    // The `IN` look-ups were asked and refused: the `=` ones found the customer.
    expect((stack.qbo.control.counters().byStatus['400'] ?? 0) - refusedBefore).toBeGreaterThan(0);
  });
});
