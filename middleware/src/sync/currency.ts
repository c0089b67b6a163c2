/**
 * Currency conversion as Salesforce does it for roll-up summaries in a multi-currency org: every amount is
 * converted into the parent record's currency through the corporate currency, with the org's rates. Pure
 * functions; the rates are read by services/payments/org-currencies.ts. Amounts are in cents (see money.ts), and a
 * converted amount keeps its fraction of a cent: the caller rounds once, after adding.
 */

/** The currencies an org can convert between. */
export interface CurrencyRates {
  /**
   * The corporate currency (the one currency of a single-currency org). An invoice that names no currency
   * is in it, as a record without CurrencyIsoCode is.
   */
  corporate: string;
  /**
   * `CurrencyType.ConversionRate` of each active currency: units of it per one unit of the corporate
   * currency (the corporate currency has 1). A single-currency org has only its own currency, at 1.
   */
  rates: ReadonlyMap<string, number>;
}

/** The rates of a single-currency org: its one currency converts to nothing else. */
export function singleCurrency(code: string): CurrencyRates {
  const corporate = currencyCode(code);
  return { corporate, rates: new Map([[corporate, 1]]) };
}

/** ISO codes compare upper-case and trimmed; Salesforce and QBO both spell them upper-case. */
export function currencyCode(code: string): string {
  return code.trim().toUpperCase();
}

/** The currency of an amount: its own, or the corporate currency when it names none. */
export function currencyOf(code: string | null | undefined, org: CurrencyRates): string {
  return code && code.trim() ? currencyCode(code) : org.corporate;
}

/**
 * `cents` in `from` expressed in `to` (amount × rate(to) / rate(from)), unrounded; null when the org has
 * no rate for one of the two (an inactive or unknown currency). The same currency needs no rate.
 */
export function convertCents(cents: number, from: string, to: string, org: CurrencyRates): number | null {
  if (from === to) return cents;
  const fromRate = org.rates.get(from);
  const toRate = org.rates.get(to);
  if (!fromRate || !toRate) return null;
  return (cents * toRate) / fromRate;
}
