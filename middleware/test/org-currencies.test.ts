import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../src/emulators/salesforce';
import { OrgCurrencies, RATES_TTL_MS } from '../src/services/org-currencies';

const VERSION = '62.0';

/** The org's currencies read through jsforce from the emulator: the rates, kept for a few minutes. */
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
    const currencies = new OrgCurrencies(connect(multi), { multiCurrency: true, now: () => now });
    multi.control.setCurrency('GBP', { active: false });
    expect(await currencies.rates()).toEqual({ corporate: 'EUR', rates: new Map([['EUR', 1], ['USD', 1.08]]) });
    multi.control.setCurrency('GBP', { active: true, conversionRate: 0.85 });
    now += RATES_TTL_MS - 1;
    expect((await Promise.all([currencies.rates(), currencies.rates()]))[1].rates.has('GBP')).toBe(false);
    expect(currencies.reads).toBe(1);
    now += 1;
    expect((await currencies.rates()).rates.get('GBP')).toBe(0.85);
    expect(currencies.reads).toBe(2);
  });

  it('reads a single-currency org\u2019s currency once', async () => {
    let now = 0;
    const currencies = new OrgCurrencies(connect(single), { multiCurrency: false, now: () => now });
    expect(await currencies.rates()).toEqual({ corporate: 'CAD', rates: new Map([['CAD', 1]]) });
    now += 24 * 3_600_000;
    await currencies.rates();
    expect(currencies.reads).toBe(1);
  });

  it('says what to change when SALESFORCE_MULTICURRENCY is true for a single-currency org, and tries again next time', async () => {
    const currencies = new OrgCurrencies(connect(single), { multiCurrency: true });
    await expect(currencies.rates()).rejects.toMatchObject({ code: 'CONFIG_INVALID', fix: expect.stringContaining('Set SALESFORCE_MULTICURRENCY=false') });
    await expect(currencies.rates()).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(currencies.reads).toBe(2);
  });
});
