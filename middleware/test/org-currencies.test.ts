import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { OrgCurrencies, RATES_TTL_MS } from '../src/services/payments/org-currencies';

const VERSION = '62.0';

/** The org's currency mode and currencies read through jsforce from the emulator, never taken from a setting. */
describe('OrgCurrencies', () => {
  let multi: SalesforceEmulator;
  let single: SalesforceEmulator;
  const connect = (emu: SalesforceEmulator) => async () => new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });

  beforeAll(async () => {
    multi = await startSalesforceEmulator({ currencies: ['EUR', 'USD', 'GBP'], conversionRates: { USD: 1.08, GBP: 0.86 } });
    single = await startSalesforceEmulator({ currencies: null, orgCurrency: 'CAD' });
  });
  afterAll(async () => {
    await multi.close();
    await single.close();
  });

  it('reads the active rates with the corporate currency, keeps them for a few minutes, then follows an admin\u2019s change', async () => {
    let now = 1_000_000;
    const currencies = new OrgCurrencies(connect(multi), { now: () => now });
    multi.control.setCurrency('GBP', { active: false });
    expect(await currencies.rates()).toEqual({ corporate: 'EUR', rates: new Map([['EUR', 1], ['USD', 1.08]]) });
    multi.control.setCurrency('GBP', { active: true, conversionRate: 0.85 });
    now += RATES_TTL_MS - 1;
    expect((await Promise.all([currencies.rates(), currencies.rates()]))[1].rates.has('GBP')).toBe(false);
    expect(currencies.reads).toBe(2); // the mode (once for good) and the rates
    now += 1;
    expect((await currencies.rates()).rates.get('GBP')).toBe(0.85);
    expect(currencies.reads).toBe(3);
  });

  it('detects a single-currency org (CurrencyType answers INVALID_TYPE) and reads its one currency, asking again only after a while', async () => {
    let now = 0;
    const currencies = new OrgCurrencies(connect(single), { now: () => now });
    expect(await currencies.isMultiCurrency()).toBe(false);
    expect(await currencies.rates()).toEqual({ corporate: 'CAD', rates: new Map([['CAD', 1]]) });
    await Promise.all([currencies.isMultiCurrency(), currencies.rates()]);
    expect(currencies.reads).toBe(2);
    now += RATES_TTL_MS;
    expect(await currencies.isMultiCurrency()).toBe(false);
    expect(currencies.reads).toBe(3);
  });

  it('detects a multi-currency org without any setting, and keeps that answer', async () => {
    let now = 0;
    const currencies = new OrgCurrencies(connect(multi), { now: () => now });
    expect(await Promise.all([currencies.isMultiCurrency(), currencies.isMultiCurrency()])).toEqual([true, true]);
    now += 30 * RATES_TTL_MS;
    expect(await currencies.isMultiCurrency()).toBe(true);
    expect(currencies.reads).toBe(1);
  });

  it.each([
    [true, 'single', 'has a single currency', 'or set it to false'],
    [false, 'multi', 'has multiple currencies', 'or set it to true'],
  ] as const)('refuses SALESFORCE_MULTICURRENCY=%s in a %s-currency org, naming the variable and the fix, and checks again next time', async (configured, org, says, fix) => {
    const currencies = new OrgCurrencies(connect(org === 'single' ? single : multi), { configured });
    const refusal = { code: 'CONFIG_INVALID', message: expect.stringContaining(`SALESFORCE_MULTICURRENCY is ${configured}, but the Salesforce org ${says}`), fix: expect.stringContaining(fix) };
    await expect(currencies.isMultiCurrency()).rejects.toMatchObject(refusal);
    await expect(currencies.rates()).rejects.toMatchObject(refusal);
    expect(currencies.reads).toBe(2);
  });

  it('accepts a SALESFORCE_MULTICURRENCY that confirms the org', async () => {
    expect(await new OrgCurrencies(connect(multi), { configured: true }).isMultiCurrency()).toBe(true);
    expect(await new OrgCurrencies(connect(single), { configured: false }).isMultiCurrency()).toBe(false);
  });
});
