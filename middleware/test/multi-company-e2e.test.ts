import { startStack, waitFor, type Stack } from './support/stack';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';
import type { QboInv } from './support/qbo-invoice';

/**
 * Two QuickBooks companies (billing entities) from one Salesforce org: a US company in USD ("Default")
 * and a UK company in GBP ("EMEA"). Each deal is invoiced only in the books its Billing_Entity__c names,
 * and a payment webhook from one company changes only that company's records in Salesforce, even
 * though both companies number their invoices from the same sequence (same QBO ids in both realms).
 */
const EMEA_REALM = '9341453000000002';

type Rec = Record<string, unknown>;

describe('several QuickBooks companies from one org', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ webhooks: true });
    stack.qbo.control.createRealm(EMEA_REALM);
    stack.qbo.control.setPreferences(EMEA_REALM, { homeCurrency: 'GBP', multiCurrency: false });
    await stack.connectQbo('Default', stack.realmId);
    await stack.connectQbo('EMEA', EMEA_REALM);
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const mirror = (realmId: string, invoiceId: string) =>
    stack.sf.control.query(`SELECT QuickBooks_Key__c, Balance__c, Total__c, Billing_Entity__c, Opportunity__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${realmId}:${invoiceId}'`)[0] as Rec | undefined;
  const payments = (realmId: string) => (stack.sf.control.query('SELECT QuickBooks_Key__c FROM QuickBooks_Payment__c') as Rec[]).filter((p) => String(p.QuickBooks_Key__c).startsWith(`${realmId}:`));

  it('bills each deal in its own company and currency, and keeps one company’s webhooks away from the other’s records', async () => {
    // One customer, sold to by both entities.
    const accountId = seedAccount(stack.sf, { Name: 'Initech International', Tax_Exempt__c: true });
    const usDeal = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 10 }], { Name: 'Initech US rollout', Billing_Entity__c: 'Default' });
    // The org has several currencies: the UK deal is quoted in pounds (a dollar deal cannot be billed by a pound-only company).
    const ukDeal = seedOpportunity(stack.sf, seedCatalog(stack.sf, [], 'GBP'), accountId, [{ code: 'IMPL-PKG', quantity: 1 }], { Name: 'Initech UK rollout', Billing_Entity__c: 'EMEA', CurrencyIsoCode: 'GBP' });
    closeWon(stack.sf, usDeal);
    closeWon(stack.sf, ukDeal);
    const [usOpp, ukOpp] = await Promise.all([billingSettled(stack.sf, usDeal), billingSettled(stack.sf, ukDeal)]);
    expect([usOpp.Billing_Sync_Error__c, ukOpp.Billing_Sync_Error__c]).toEqual([null, null]);

    // Each invoice is in its own books only.
    expect(invoicesOf(stack.qbo, stack.realmId, usDeal)).toHaveLength(1);
    expect(invoicesOf(stack.qbo, EMEA_REALM, usDeal)).toHaveLength(0);
    expect(invoicesOf(stack.qbo, EMEA_REALM, ukDeal)).toHaveLength(1);
    expect(invoicesOf(stack.qbo, stack.realmId, ukDeal)).toHaveLength(0);
    const usInvoice = invoicesOf(stack.qbo, stack.realmId, usDeal)[0] as unknown as QboInv;
    const ukInvoice = invoicesOf(stack.qbo, EMEA_REALM, ukDeal)[0] as unknown as QboInv;
    expect(usInvoice.CurrencyRef.value).toBe('USD');
    expect(ukInvoice.CurrencyRef.value).toBe('GBP');
    expect([usInvoice.TotalAmt, ukInvoice.TotalAmt]).toEqual([1500, 5000]);
    // Each company got its own customer for the one Account; the Account mirrors the default company's id.
    expect(stack.qbo.control.get(EMEA_REALM, 'Customer', ukInvoice.CustomerRef.value)).toMatchObject({ DisplayName: 'Initech International' });
    expect((stack.sf.control.record('Account', accountId) as Rec).QuickBooks_Customer_Id__c).toBe(usInvoice.CustomerRef.value);
    // The Salesforce mirror keys on realm and id: the same QBO id in two companies gives two records.
    expect(usInvoice.Id).toBe(ukInvoice.Id);
    expect(mirror(stack.realmId, usInvoice.Id)).toMatchObject({ Opportunity__c: usDeal, Total__c: 1500, Balance__c: 1500 });
    expect(mirror(EMEA_REALM, ukInvoice.Id)).toMatchObject({ Opportunity__c: ukDeal, Total__c: 5000, Balance__c: 5000, Billing_Entity__c: 'EMEA' });

    // The UK customer pays in full; the EMEA company's webhook reaches the middleware.
    stack.qbo.control.applyPayment(EMEA_REALM, { invoices: [{ id: ukInvoice.Id }] });
    await waitFor(() => mirror(EMEA_REALM, ukInvoice.Id)?.Balance__c === 0 || undefined, 15_000, 'the EMEA payment in Salesforce');
    await waitFor(() => (stack.sf.control.record('Opportunity', ukDeal) as Rec).Invoice_Balance__c === 0 || undefined, 15_000, 'the UK deal roll-up');
    expect(payments(EMEA_REALM)).toHaveLength(1);
    // The US invoice with the same id, its deal and its payments are untouched.
    expect(mirror(stack.realmId, usInvoice.Id)).toMatchObject({ Opportunity__c: usDeal, Balance__c: 1500 });
    expect((stack.sf.control.record('Opportunity', usDeal) as Rec).Invoice_Balance__c).toBe(1500);
    expect(payments(stack.realmId)).toHaveLength(0);
    expect((stack.qbo.control.get(stack.realmId, 'Invoice', usInvoice.Id) as Rec).Balance).toBe(1500);

    // A deal naming an entity that is not connected is refused with the choices, and invoiced nowhere.
    const stray = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'HW-KIT', quantity: 1 }], { Name: 'Initech no entity' });
    closeWon(stack.sf, stray);
    const refused = await billingSettled(stack.sf, stray);
    expect(refused.Billing_Sync_Status__c).toBe('Error');
    expect(refused.Billing_Sync_Error__c).toContain('Choose the Billing Entity on the Opportunity: Default, EMEA');
    expect(invoicesOf(stack.qbo, stack.realmId, stray)).toHaveLength(0);
    expect(invoicesOf(stack.qbo, EMEA_REALM, stray)).toHaveLength(0);
  });
});
