import type { QboCompany } from '../../quickbooks/api';
import { isQboFaultCode } from '../../quickbooks/errors';
import type { CompanyContext } from '../../sync/invoice-draft';
import { TtlCache } from '../../util/ttl-cache';

interface QboPreferences {
  CurrencyPrefs?: { MultiCurrencyEnabled?: boolean; HomeCurrency?: { value?: string } };
  TaxPrefs?: { UsingSalesTax?: boolean; PartnerTaxEnabled?: boolean };
  SalesFormsPrefs?: { CustomField?: Array<{ CustomField?: Array<{ Name?: string; Type?: string; StringValue?: string; BooleanValue?: boolean }> }> };
}

interface QboTerm {
  Id: string;
  Name: string;
  Active?: boolean;
  Type?: string;
  DueDays?: number;
}

export interface QboItem {
  Id: string;
  Name: string;
  Sku?: string;
  Active?: boolean;
  Type?: string;
}

/** Explicit tax codes for companies without automated sales tax, from configuration (per realm). */
export type TaxCodeSettings = Map<string, { taxable: string; nonTaxable: string }>;

/**
 * The company facts the mapping needs (currency, tax mode, terms, PO field) and the item catalog, read
 * once and kept for `ttlMs`: a burst of 1,000 invoices costs a handful of QBO reads, not thousands.
 */
export class CompanyCatalog {
  private readonly contexts: TtlCache<string, CompanyContext>;
  private readonly items: TtlCache<string, ItemIndex>;

  constructor(
    private readonly taxCodes: TaxCodeSettings,
    ttlMs = 10 * 60_000,
    now: () => number = Date.now,
  ) {
    this.contexts = new TtlCache(ttlMs, now);
    this.items = new TtlCache(ttlMs, now);
  }

  context(company: QboCompany): Promise<CompanyContext> {
    return this.contexts.get(company.realmId, () => loadContext(company, this.taxCodes.get(company.realmId)));
  }

  itemIndex(company: QboCompany): Promise<ItemIndex> {
    return this.items.get(company.realmId, async () => new ItemIndex(await company.query<QboItem>('Item', '')));
  }

  /** Forget a company's catalog (after an item was created or a term changed). */
  invalidate(realmId: string): void {
    this.contexts.delete(realmId);
    this.items.delete(realmId);
  }
}

/** Active QBO items by SKU and by name (case-insensitive), the two keys a Product Code may match, and by id. */
export class ItemIndex {
  private readonly bySku = new Map<string, QboItem>();
  private readonly byName = new Map<string, QboItem>();
  private readonly byId = new Map<string, QboItem>();

  constructor(items: QboItem[]) {
    for (const item of items) {
      if (item.Active === false) continue;
      if (item.Sku) this.bySku.set(item.Sku.trim().toLowerCase(), item);
      this.byName.set(item.Name.trim().toLowerCase(), item);
      this.byId.set(item.Id, item);
    }
  }

  /** The item with this id when it was active at the last read. */
  active(id: string): QboItem | undefined {
    return this.byId.get(id);
  }

  find(code: string): QboItem | undefined {
    const key = code.trim().toLowerCase();
    return this.bySku.get(key) ?? this.byName.get(key);
  }

  get size(): number {
    return this.byName.size;
  }
}

async function loadContext(company: QboCompany, taxCodes: { taxable: string; nonTaxable: string } | undefined): Promise<CompanyContext> {
  // Inactive terms too: a term an admin deactivated must be reported as inactive, not as unknown.
  const [prefs, terms] = await Promise.all([company.preferences<QboPreferences>(), company.query<QboTerm>('Term', 'where Active in (true, false)')]);
  const automated = Boolean(prefs.TaxPrefs?.PartnerTaxEnabled ?? prefs.TaxPrefs?.UsingSalesTax ?? true);
  const context: CompanyContext = {
    realmId: company.realmId,
    homeCurrency: prefs.CurrencyPrefs?.HomeCurrency?.value ?? 'USD',
    multiCurrency: Boolean(prefs.CurrencyPrefs?.MultiCurrencyEnabled),
    taxMode: automated && !taxCodes ? 'automated' : 'codes',
    terms: new Map(
      terms
        .filter((t) => t.Active !== false)
        .map((t) => [t.Name, { id: t.Id, dueDays: t.Type === 'DATE_DRIVEN' || typeof t.DueDays !== 'number' ? null : t.DueDays }]),
    ),
    // QBO renames a deactivated term "<name> (deleted)".
    inactiveTerms: new Map(terms.filter((t) => t.Active === false).map((t) => [t.Name.replace(/ \(deleted\)$/, ''), t.Id])),
  };
  if (context.multiCurrency) {
    const currencies = await activeCurrencies(company);
    if (currencies) context.currencies = new Set([context.homeCurrency.toUpperCase(), ...currencies]);
  }
  if (taxCodes) context.taxCodes = taxCodes;
  const po = poCustomField(prefs);
  if (po) context.poCustomField = po;
  return context;
}

/** The foreign currencies a multicurrency company has active (CompanyCurrency); undefined when QBO cannot say. */
async function activeCurrencies(company: QboCompany): Promise<string[] | undefined> {
  try {
    const rows = await company.query<{ Code?: string; Active?: boolean }>('CompanyCurrency', '');
    return rows.filter((r) => r.Active !== false && r.Code).map((r) => r.Code!.trim().toUpperCase());
  } catch (error) {
    if (isQboFaultCode(error, '4001') || isQboFaultCode(error, '500')) return undefined;
    throw error;
  }
}

/**
 * QBO describes its three sales-form custom fields as name/value pairs in Preferences
 * (`SalesFormsPrefs.UseSalesCustom1` = true, `SalesFormsPrefs.SalesCustomName1` = "P.O. Number").
 */
export function poCustomField(prefs: QboPreferences): { definitionId: string; name: string } | undefined {
  const pairs = (prefs.SalesFormsPrefs?.CustomField ?? []).flatMap((group) => group.CustomField ?? []);
  for (const n of ['1', '2', '3']) {
    const used = pairs.find((p) => p.Name === `SalesFormsPrefs.UseSalesCustom${n}`)?.BooleanValue;
    const name = pairs.find((p) => p.Name === `SalesFormsPrefs.SalesCustomName${n}`)?.StringValue;
    if (used && name && /\bp\.?\s?o\.?\b|purchase order/i.test(name)) return { definitionId: n, name };
  }
  return undefined;
}
