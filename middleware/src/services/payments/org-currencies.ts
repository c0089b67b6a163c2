/**
 * The Salesforce org's currency mode and currencies, read from the org itself: an admin's setting must
 * never decide which currency an invoice is in.
 * - The mode: `CurrencyType` exists only in an org with multiple currencies; a single-currency org answers
 *   INVALID_TYPE. The answer is cached (an org cannot turn multiple currencies off; one that turns them on
 *   is seen after `ttlMs`). `SALESFORCE_MULTICURRENCY`, when set, may only confirm the detected mode.
 * - The rates (multi-currency): the active `CurrencyType` rows, read again every few minutes, so an admin who
 *   changes a rate or activates a currency is followed soon and a burst of roll-ups costs one query.
 * - A single-currency org has one currency (`Organization.DefaultCurrencyIsoCode`), read once.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { classifySalesforceError } from '../../salesforce/records';
import { CURRENCY_TYPE_FIELDS, ORGANIZATION_FIELDS, SETUP_OBJECTS } from '../../salesforce/fields';
import { currencyCode, singleCurrency, type CurrencyRates } from '../../sync/currency';
import { TtlCache } from '../../util/ttl-cache';

/** How long rates (and a single-currency answer) are kept; Salesforce admins change them by hand, at most daily in practice. */
export const RATES_TTL_MS = 5 * 60_000;

interface CurrencyTypeRow extends Record<string, unknown> {
  IsoCode: string;
  ConversionRate: number;
  IsCorporate: boolean;
}

export interface OrgCurrenciesOptions {
  /** `SALESFORCE_MULTICURRENCY` when it is set: a contradiction with the org stops with CONFIG_INVALID. */
  configured?: boolean | undefined;
  ttlMs?: number;
  now?: () => number;
}

export class OrgCurrencies {
  private readonly cache: TtlCache<'rates', CurrencyRates>;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private mode: { multi: Promise<boolean>; at: number } | null = null;
  /** Salesforce queries made (for tests). */
  reads = 0;

  constructor(
    private readonly conn: () => Promise<Connection>,
    private readonly options: OrgCurrenciesOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? RATES_TTL_MS;
    this.now = options.now ?? Date.now;
    this.cache = new TtlCache(this.ttlMs, this.now);
  }

  /** True in an org with multiple currencies, from the org itself. */
  isMultiCurrency(): Promise<boolean> {
    const kept = this.mode;
    // A multi-currency answer is final; a single-currency one is asked again after the TTL.
    if (kept && (this.now() - kept.at < this.ttlMs || kept.multi === MULTI)) return kept.multi;
    const at = this.now();
    const multi = this.detect().then((value) => {
      this.check(value);
      return value;
    });
    this.mode = { multi, at };
    multi.then(
      (value) => {
        if (value && this.mode?.multi === multi) this.mode = { multi: MULTI, at };
      },
      () => {
        if (this.mode?.multi === multi) this.mode = null;
      },
    );
    return multi;
  }

  /** The org's currencies and rates (a single-currency org: its one currency). */
  rates(): Promise<CurrencyRates> {
    return this.cache.get('rates', async () => ((await this.isMultiCurrency()) ? this.readRates() : this.readOrgCurrency()));
  }

  private async detect(): Promise<boolean> {
    try {
      await this.query(`SELECT ${CURRENCY_TYPE_FIELDS.isoCode} FROM ${SETUP_OBJECTS.currencyType} LIMIT 1`, 'the currency mode read');
      return true;
    } catch (error) {
      if ((error as AppError).details?.errorCode === 'INVALID_TYPE') return false;
      throw error;
    }
  }

  private check(multi: boolean): void {
    const configured = this.options.configured;
    if (configured === undefined || configured === multi) return;
    const org = multi ? 'has multiple currencies (CurrencyType answers)' : 'has a single currency (CurrencyType does not exist)';
    throw new AppError('CONFIG_INVALID', `SALESFORCE_MULTICURRENCY is ${configured}, but the Salesforce org ${org}.`, {
      fix: `Remove SALESFORCE_MULTICURRENCY (the middleware reads the org's currency mode itself) or set it to ${multi}, then start again.`,
      details: { variables: ['SALESFORCE_MULTICURRENCY'] },
    });
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
      throw classifySalesforceError(error, what);
    }
  }
}

/** The settled multi-currency answer, kept for good. */
const MULTI = Promise.resolve(true);
