import { createLogger } from '../src/logger';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity } from './support/deals';
import type { QboInv } from './support/qbo-invoice';
import { startStack, waitFor, type Stack, type StackOptions } from './support/stack';

/**
 * An Account billed by two QuickBooks companies, a US one in USD and a UK one in GBP (as in
 * multi-company-e2e.test.ts): its Open_Balance__c is in the Account's own currency. A multi-currency org
 * converts each invoice with its rates, like a Salesforce roll-up summary; a single-currency org cannot,
 * so the GBP invoice is left out and a warning says how to fix it. Never the sum of dollars and pounds.
 */
const EMEA_REALM = '9341453000000002';

type Rec = Record<string, unknown>;

/** A stack with both companies connected; warnings and errors are kept in `logs`. */
async function twoCompanyStack(options: StackOptions, logs: Rec[]): Promise<Stack> {
  const logger = createLogger({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as Rec) });
  const stack = await startStack({ ...options, logger });
  stack.qbo.control.createRealm(EMEA_REALM);
  stack.qbo.control.setPreferences(EMEA_REALM, { homeCurrency: 'GBP', multiCurrency: false });
  await stack.connectQbo('Default', stack.realmId);
  await stack.connectQbo('EMEA', EMEA_REALM);
  return stack;
}

/** One Account, a 1,500 USD deal invoiced by the US company and a 5,000 GBP deal by the UK company. */
async function billInBothCompanies(stack: Stack, account: Rec, currencies: { us?: Rec; uk?: Rec; ukCatalog?: string }) {
  const accountId = seedAccount(stack.sf, { Name: 'Initech International', Tax_Exempt__c: true, ...account });
  const usDeal = seedOpportunity(stack.sf, seedCatalog(stack.sf), accountId, [{ code: 'CONS-HR', quantity: 10 }], { Name: 'Initech US', Billing_Entity__c: 'Default', ...currencies.us });
  const ukDeal = seedOpportunity(stack.sf, seedCatalog(stack.sf, [], currencies.ukCatalog), accountId, [{ code: 'IMPL-PKG', quantity: 1 }], { Name: 'Initech UK', Billing_Entity__c: 'EMEA', ...currencies.uk });
  closeWon(stack.sf, usDeal);
  closeWon(stack.sf, ukDeal);
  const settled = await Promise.all([billingSettled(stack.sf, usDeal), billingSettled(stack.sf, ukDeal)]);
  expect(settled.map((o) => o.Billing_Sync_Error__c)).toEqual([null, null]);
  const usInvoice = invoicesOf(stack.qbo, stack.realmId, usDeal)[0] as unknown as QboInv;
  const ukInvoice = invoicesOf(stack.qbo, EMEA_REALM, ukDeal)[0] as unknown as QboInv;
  expect([usInvoice.CurrencyRef.value, usInvoice.Balance, ukInvoice.CurrencyRef.value, ukInvoice.Balance]).toEqual(['USD', 1500, 'GBP', 5000]);
  const mirrorCurrencies = stack.sf.control.query(`SELECT Currency__c FROM QuickBooks_Invoice__c WHERE Account__c = '${accountId}' ORDER BY Currency__c`).map((r) => r.Currency__c);
  expect(mirrorCurrencies).toEqual(['GBP', 'USD']);
  // Each invoice job rolls the Account up; one more request waits for a run that reads both mirror rows.
  await stack.ledgerline.payments.rollups.request([], [accountId]);
  return { accountId, ukInvoice };
}

const balances = (stack: Stack, accountId: string) => {
  const account = stack.sf.control.record('Account', accountId) as Rec;
  return { open: account.Open_Balance__c, overdue: account.Overdue_Balance__c };
};

describe('Account receivables in a multi-currency org', () => {
  let stack: Stack;
  const logs: Rec[] = [];

  beforeAll(async () => {
    // Rates per 1 USD (the corporate currency): EUR 0.92, GBP 0.79.
    stack = await twoCompanyStack({ webhooks: true, env: { SALESFORCE_MULTICURRENCY: 'true' }, sf: { currencies: ['USD', 'EUR', 'GBP'], conversionRates: { EUR: 0.92, GBP: 0.79 } } }, logs);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('converts the USD and the GBP invoice into the Account\u2019s EUR, and follows a payment', async () => {
    const { accountId, ukInvoice } = await billInBothCompanies(stack, { CurrencyIsoCode: 'EUR' }, { us: { CurrencyIsoCode: 'USD' }, uk: { CurrencyIsoCode: 'GBP' }, ukCatalog: 'GBP' });
    // 1,500 USD × 0.92 = 1,380 EUR; 5,000 GBP × 0.92 / 0.79 = 5,822.7848… EUR; together 7,202.7848… EUR.
    expect(balances(stack, accountId)).toEqual({ open: 7202.78, overdue: 0 });

    // The UK customer pays 1,000 GBP: 4,000 GBP × 0.92 / 0.79 = 4,658.2278… EUR; with 1,380 EUR, 6,038.2278… EUR.
    stack.qbo.control.applyPayment(EMEA_REALM, { invoices: [{ id: ukInvoice.Id, amount: 1000 }] });
    await waitFor(() => balances(stack, accountId).open !== 7202.78 || undefined, 15_000, 'the roll-up after the GBP payment');
    expect(balances(stack, accountId)).toEqual({ open: 6038.23, overdue: 0 });
    expect(logs.filter((l) => l.accountId === accountId)).toEqual([]);
  });
});

describe('Account receivables in a single-currency org', () => {
  let stack: Stack;
  const logs: Rec[] = [];

  beforeAll(async () => {
    stack = await twoCompanyStack({ sf: { currencies: null, orgCurrency: 'USD' } }, logs);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses to bill the USD org\u2019s deal through the GBP company, naming both currencies', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Initech Single Currency', Tax_Exempt__c: true });
    const ukDeal = seedOpportunity(stack.sf, seedCatalog(stack.sf), accountId, [{ code: 'IMPL-PKG', quantity: 1 }], { Name: 'Initech UK', Billing_Entity__c: 'EMEA' });
    closeWon(stack.sf, ukDeal);
    const refused = await billingSettled(stack.sf, ukDeal);
    expect(refused.Billing_Sync_Status__c).toBe('Error');
    expect(refused.Billing_Sync_Error__c).toContain(`is in USD but QuickBooks company ${EMEA_REALM} bills only in GBP`);
    expect(refused.Billing_Sync_Error__c).toContain('Fix: Turn on multicurrency in QuickBooks, or quote the deal in GBP.');
    expect(invoicesOf(stack.qbo, EMEA_REALM, ukDeal)).toHaveLength(0);
  });

  it('counts the USD invoice, leaves a GBP one (made in QuickBooks) out and warns with the fix', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Initech International', Tax_Exempt__c: true });
    const usDeal = seedOpportunity(stack.sf, seedCatalog(stack.sf), accountId, [{ code: 'CONS-HR', quantity: 10 }], { Name: 'Initech US', Billing_Entity__c: 'Default' });
    closeWon(stack.sf, usDeal);
    expect((await billingSettled(stack.sf, usDeal)).Billing_Sync_Status__c).toBe('Synced');
    // A GBP invoice a person made in the UK company for the same customer, already mirrored to Salesforce.
    const ukKey = `${EMEA_REALM}:901`;
    stack.sf.control.seed({ QuickBooks_Invoice__c: [{ QuickBooks_Key__c: ukKey, Account__c: accountId, Doc_Number__c: 'UK-901', Total__c: 5000, Balance__c: 5000, Currency__c: 'GBP', Voided__c: false }] });
    await stack.ledgerline.payments.rollups.request([], [accountId]);
    expect(balances(stack, accountId)).toEqual({ open: 1500, overdue: 0 });
    const warnings = logs.filter((l) => l.accountId === accountId);
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings) {
      expect(warning).toMatchObject({ level: 40, invoiceKey: ukKey, currency: 'GBP', accountCurrency: 'USD' });
      expect(warning.msg).toContain(`is left out of the Open and Overdue Balance and the totals of Account ${accountId} (USD): the Salesforce org has the single currency USD`);
      expect(warning.fix).toBe('Enable multiple currencies in Salesforce and activate GBP in Setup > Manage Currencies (the middleware notices the change by itself).');
    }
  });
});
