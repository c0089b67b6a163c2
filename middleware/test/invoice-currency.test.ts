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
    // The company has not (or no longer) activated Canadian dollars.
    const cad = (stack.qbo.control.list(stack.realmId, 'CompanyCurrency') as Rec[]).find((c) => c.Code === 'CAD')!;
    stack.qbo.control.edit(stack.realmId, 'CompanyCurrency', cad.Id, { Active: false });
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
    // The mirror row is in the invoice's currency, so its amounts show in euros.
    const [row] = stack.sf.control.query(`SELECT CurrencyIsoCode, Currency__c, Total__c FROM QuickBooks_Invoice__c WHERE Opportunity__c = '${id}'`);
    expect(row).toMatchObject({ CurrencyIsoCode: 'EUR', Currency__c: 'EUR', Total__c: invoice!.TotalAmt });
  });

  it('stops a deal in a currency the multicurrency company has not activated, naming it, the company\u2019s currencies and the fix', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Maple Leaf Outfitters Ltd' });
    const id = seedOpportunity(stack.sf, seedCatalog(stack.sf, [], 'CAD'), accountId, [{ code: 'CONS-HR', quantity: 2, unitPrice: 200 }], { CurrencyIsoCode: 'CAD' });
    closeWon(stack.sf, id);
    const result = await settled(id);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toContain(`is in CAD but QuickBooks company ${stack.realmId} has no active CAD currency (it bills in AUD, EUR, GBP, USD).`);
    expect(result.Billing_Sync_Error__c).toContain('Fix: Add CAD in QuickBooks');
    expect(invoicesFor(id)).toHaveLength(0);
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

/**
 * The org's currency mode comes from the org, never from a forgotten setting: SALESFORCE_MULTICURRENCY is
 * left unset here, in an org with several currencies, billed by a USD-only company.
 */
describe('currencies when SALESFORCE_MULTICURRENCY is not set', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sf: { currencies: ['USD', 'EUR', 'GBP'] } });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('stops a 5 × 140.00 EUR deal with an error naming both currencies and the fix, and invoices nothing', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Rhein Logistik AG' });
    const id = seedOpportunity(stack.sf, seedCatalog(stack.sf, [], 'EUR'), accountId, [{ code: 'CONS-HR', quantity: 5, unitPrice: 140 }], { CurrencyIsoCode: 'EUR' });
    closeWon(stack.sf, id);
    const result = await billingSettled(stack.sf, id);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toContain(`is in EUR but QuickBooks company ${stack.realmId} bills only in USD (multicurrency is off).`);
    expect(result.Billing_Sync_Error__c).toContain('Fix: Turn on multicurrency in QuickBooks, or quote the deal in USD.');
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(0);
  });

  it('still invoices a USD deal of the same org', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Hudson Freight Inc' });
    const id = seedOpportunity(stack.sf, seedCatalog(stack.sf), accountId, [{ code: 'CONS-HR', quantity: 5 }], { CurrencyIsoCode: 'USD' });
    closeWon(stack.sf, id);
    expect((await billingSettled(stack.sf, id)).Billing_Sync_Status__c).toBe('Synced');
    expect(invoicesOf(stack.qbo, stack.realmId, id)[0]!.TotalAmt).toBeGreaterThan(0);
  });
});

describe('SALESFORCE_MULTICURRENCY may only confirm the org', () => {
  it.each([
    ['false', ['USD', 'EUR'], 'SALESFORCE_MULTICURRENCY is false, but the Salesforce org has multiple currencies', 'or set it to true'],
    ['true', null, 'SALESFORCE_MULTICURRENCY is true, but the Salesforce org has a single currency', 'or set it to false'],
  ] as const)('start-up refuses SALESFORCE_MULTICURRENCY=%s that contradicts the org, naming the variable and the fix', async (setting, currencies, message, fix) => {
    const outcome = await startStack({ env: { SALESFORCE_MULTICURRENCY: setting }, sf: { currencies: currencies ? [...currencies] : null } }).then(
      async (stack) => {
        await stack.close();
        return 'started';
      },
      (error: unknown) => error,
    );
    expect(outcome).toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining(message), fix: expect.stringContaining(fix) });
  });
});
