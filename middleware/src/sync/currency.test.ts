import { convertCents, currencyOf, singleCurrency, type CurrencyRates } from './currency';
import { roundCents, toCents } from './money';

// A GBP-corporate org: ConversionRate = units per 1 GBP.
const org: CurrencyRates = { corporate: 'GBP', rates: new Map([['GBP', 1], ['USD', 1.25], ['EUR', 1.16]]) };

describe('currency conversion', () => {
  it('converts through the corporate currency with the org\u2019s rates, unrounded', () => {
    expect(convertCents(10_000, 'GBP', 'USD', org)).toBe(12_500); // 100 GBP × 1.25 / 1
    expect(convertCents(12_500, 'USD', 'GBP', org)).toBe(10_000); // 125 USD × 1 / 1.25
    expect(convertCents(1_000, 'USD', 'EUR', org)).toBeCloseTo(928, 9); // 10 USD × 1.16 / 1.25 = 9.28 EUR
    expect(convertCents(1, 'EUR', 'USD', org)).toBeCloseTo(1.0775862069, 9); // a fraction of a cent is kept
  });

  it('has no answer for a currency without a rate, except into itself', () => {
    expect(convertCents(500, 'JPY', 'GBP', org)).toBeNull();
    expect(convertCents(500, 'GBP', 'JPY', org)).toBeNull();
    expect(convertCents(500, 'JPY', 'JPY', org)).toBe(500);
  });

  it('reads a missing currency as the corporate one and codes in upper case', () => {
    expect(currencyOf(null, org)).toBe('GBP');
    expect(currencyOf('  ', org)).toBe('GBP');
    expect(currencyOf(' usd', org)).toBe('USD');
    expect(singleCurrency('cad')).toEqual({ corporate: 'CAD', rates: new Map([['CAD', 1]]) });
  });
});

describe('rounding cents', () => {
  it('rounds a fraction of a cent half away from zero, without binary noise', () => {
    expect(roundCents(126.5)).toBe(127);
    expect(roundCents(-126.5)).toBe(-127);
    expect(roundCents(1.005 * 100)).toBe(101); // 100.49999999999999 in binary
    expect(roundCents(379.746835)).toBe(380);
    expect(toCents(1.005)).toBe(101);
  });
});
