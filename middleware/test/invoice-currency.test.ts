import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog, billingSettled, invoicesOf } from './support/deals';

type Rec = Record<string, any>;

/** Multicurrency: a deal is invoiced in its own currency, or refused clearly; never a wrong-currency invoice. */
describe('currencies', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ env: { SALESFORCE_MULTICURRENCY: 'true' }, qbo: { multiCurrency: true } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  const settled = (id: string) => billingSettled(stack.sf, id);
  const invoicesFor = (id: string) => invoicesOf(stack.qbo, stack.realmId, id);

  it('invoices a EUR deal in EUR for a new customer, with QBO’s exchange rate', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Berliner Maschinenbau GmbH' });
    const id = seedOpportunity(stack.sf, seedCatalog(stack.sf, [], 'EUR'), accountId, [{ code: 'CONS-HR', quantity: 4, unitPrice: 140 }], { CurrencyIsoCode: 'EUR' });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    const [invoice] = invoicesFor(id);
    expect(invoice!.CurrencyRef.value).toBe('EUR');
    expect(invoice!.ExchangeRate).toBe(1.08);
    const customer = stack.qbo.control.get(stack.realmId, 'Customer', invoice!.CustomerRef.value) as Rec;
    expect(customer.CurrencyRef.value).toBe('EUR');
  });

  it('refuses a USD deal for an Account whose QBO customer bills in EUR, and creates nothing', async () => {
    const eurCustomer = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Lyon Textiles SA', CurrencyRef: { value: 'EUR' } }) as Rec;
    const accountId = seedAccount(stack.sf, { Name: 'Lyon Textiles SA', QuickBooks_Customer_Id__c: eurCustomer.Id });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'HW-KIT', quantity: 1 }], { CurrencyIsoCode: 'USD' });
    closeWon(stack.sf, id);
    const result = await settled(id);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toContain(`is in USD but QuickBooks customer "Lyon Textiles SA" (${eurCustomer.Id}) is billed in EUR`);
    expect(result.Billing_Sync_Error__c).toContain('Fix: Quote the deal in EUR');
    expect(invoicesFor(id)).toHaveLength(0);
  });
});

describe('currencies when the QBO company has multicurrency off', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SALESFORCE_MULTICURRENCY: 'true' } });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses a GBP deal with a clear error', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Thames Water Works Ltd' });
    const id = seedOpportunity(stack.sf, seedCatalog(stack.sf, [], 'GBP'), accountId, [{ code: 'CONS-HR', quantity: 1 }], { CurrencyIsoCode: 'GBP' });
    closeWon(stack.sf, id);
    const result = await waitFor(() => {
      const o = stack.sf.control.record('Opportunity', id) as Rec;
      return o.Billing_Sync_Status__c === 'Error' || o.Billing_Sync_Status__c === 'Synced' ? o : undefined;
    });
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toMatch(/is in GBP but QuickBooks company \d+ bills only in USD \(multicurrency is off\)/);
    expect((stack.qbo.control.list(stack.realmId, 'Invoice') as Rec[]).length).toBe(0);
  });
});
