import type { DmlContext } from './dml-context';
import type { EmulatorState } from './state';

/**
 * The org's own records, created with every fresh org: the Organization (with its currency) and, in a
 * multi-currency org, one active CurrencyType per currency, the first one corporate at rate 1.
 */

/** Rough units per US dollar, used when a test gives no rate: an org always has some rate for each currency. */
const UNITS_PER_USD: Readonly<Record<string, number>> = { USD: 1, EUR: 0.92, GBP: 0.79, CAD: 1.37, AUD: 1.52, JPY: 151, CHF: 0.88 };
/** Currencies without minor units. */
const NO_DECIMALS = new Set(['JPY', 'KRW', 'CLP', 'ISK', 'VND']);

export function decimalPlacesOf(code: string): number {
  return NO_DECIMALS.has(code) ? 0 : 2;
}

/** `given[code]`, else the built-in rate re-based on the corporate currency (1 for a code it does not know). */
export function defaultRate(code: string, corporate: string, given: Readonly<Record<string, number>> = {}): number {
  if (code === corporate) return 1;
  if (given[code] !== undefined) return given[code];
  const perUsd = UNITS_PER_USD[code];
  const corporatePerUsd = UNITS_PER_USD[corporate];
  return perUsd !== undefined && corporatePerUsd !== undefined ? perUsd / corporatePerUsd : 1;
}

export function seedOrganization(state: EmulatorState, ctx: DmlContext): void {
  const { schema, dml } = state;
  dml.insert(schema.object('Organization')!, { Id: state.orgId, Name: 'Ledgerline Emulator Org', DefaultCurrencyIsoCode: schema.orgCurrency }, ctx);
  const currencyType = schema.object('CurrencyType');
  if (!currencyType || !schema.currencies) return;
  const corporate = schema.orgCurrency;
  for (const code of schema.currencies) {
    dml.insert(currencyType, { IsoCode: code, ConversionRate: defaultRate(code, corporate, state.options.conversionRates), DecimalPlaces: decimalPlacesOf(code), IsActive: true, IsCorporate: code === corporate }, ctx);
  }
}
