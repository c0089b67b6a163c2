/**
 * The Salesforce org's currencies, for converting Account roll-ups into each Account's currency.
 * A multi-currency org (`SALESFORCE_MULTICURRENCY=true`) has its active `CurrencyType` rates, read again
 * every few minutes: an admin who changes a rate or activates a currency is followed soon, and a burst of
 * roll-ups costs one query. A single-currency org has one currency (`Organization.DefaultCurrencyIsoCode`),
 * read once.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../errors';
import { classifySalesforceError } from '../salesforce/records';
import { CURRENCY_TYPE_FIELDS, ORGANIZATION_FIELDS, SETUP_OBJECTS } from '../salesforce/fields';
import { currencyCode, singleCurrency, type CurrencyRates } from '../sync/currency';
import { TtlCache } from '../util/ttl-cache';

/** How long rates are kept; Salesforce admins change them by hand, at most daily in practice. */
export const RATES_TTL_MS = 5 * 60_000;

interface CurrencyTypeRow extends Record<string, unknown> {
  IsoCode: string;
  ConversionRate: number;
  IsCorporate: boolean;
}

export interface OrgCurrenciesOptions {
  multiCurrency: boolean;
  ttlMs?: number;
  now?: () => number;
}

export class OrgCurrencies {
  readonly multiCurrency: boolean;
  private readonly cache: TtlCache<'rates', CurrencyRates>;
  /** Salesforce queries made (for tests). */
  reads = 0;

  constructor(
    private readonly conn: () => Promise<Connection>,
    options: OrgCurrenciesOptions,
  ) {
    this.multiCurrency = options.multiCurrency;
    this.cache = new TtlCache(options.multiCurrency ? (options.ttlMs ?? RATES_TTL_MS) : Infinity, options.now);
  }

  rates(): Promise<CurrencyRates> {
    return this.cache.get('rates', () => (this.multiCurrency ? this.readRates() : this.readOrgCurrency()));
  }

  private async readRates(): Promise<CurrencyRates> {
    const f = CURRENCY_TYPE_FIELDS;
    const rows = await this.query<CurrencyTypeRow>(
      `SELECT ${f.isoCode}, ${f.conversionRate}, ${f.isCorporate} FROM ${SETUP_OBJECTS.currencyType} WHERE ${f.isActive} = true`,
      'the currency rates read',
    );
    const corporate = rows.find((r) => r.IsCorporate)?.IsoCode;
    if (!corporate) throw new AppError('SALESFORCE_ERROR', 'Salesforce lists no active corporate currency (CurrencyType).');
    return { corporate: currencyCode(corporate), rates: new Map(rows.map((r) => [currencyCode(r.IsoCode), r.ConversionRate])) };
  }

  private async readOrgCurrency(): Promise<CurrencyRates> {
    const rows = await this.query<{ DefaultCurrencyIsoCode: string | null }>(
      `SELECT ${ORGANIZATION_FIELDS.defaultCurrencyIsoCode} FROM ${SETUP_OBJECTS.organization}`,
      'the org currency read',
    );
    const code = rows[0]?.DefaultCurrencyIsoCode;
    if (!code) throw new AppError('SALESFORCE_ERROR', 'Salesforce gave no Organization.DefaultCurrencyIsoCode.');
    return singleCurrency(code);
  }

  private async query<T extends Record<string, unknown>>(soql: string, what: string): Promise<T[]> {
    const conn = await this.conn();
    this.reads += 1;
    try {
      return (await conn.query<T>(soql)).records;
    } catch (error) {
      const failure = classifySalesforceError(error, what);
      if (failure.details?.errorCode !== 'INVALID_TYPE' || !this.multiCurrency) throw failure;
      throw new AppError('CONFIG_INVALID', `${failure.message} (SALESFORCE_MULTICURRENCY is true, but the org has no CurrencyType).`, {
        fix: 'Set SALESFORCE_MULTICURRENCY=false for a single-currency org, or enable multiple currencies in Salesforce.',
        cause: error,
      });
    }
  }
}
