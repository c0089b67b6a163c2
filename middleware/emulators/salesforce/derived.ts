import type { DmlContext } from './dml-context';
import { DmlError } from './errors';
import type { Schema } from './schema/schema';
import type { ObjectDef } from './schema/types';
import { STAGE_PROBABILITY } from './schema/standard-objects';
import type { RecordStore, SfRecord } from './store';
import { formatDateTime } from './values';

/** What the platform computes on save for the standard objects (the "before/after trigger" part). */

/** The part of the DML engine (dml.ts) these rules use; the engine passes itself. */
export interface DmlEngine {
  readonly schema: Schema;
  readonly store: RecordStore;
  requireObject(name: string): ObjectDef;
}

const FORECAST: Record<string, string> = {
  'Closed Won': 'Closed',
  'Closed Lost': 'Omitted',
  'Negotiation/Review': 'Commit',
  'Proposal/Price Quote': 'Best Case',
};

const round2 = (n: number): number => Math.round(n * 100) / 100;
const integrity = (msg: string, field: string): DmlError => DmlError.of('FIELD_INTEGRITY_EXCEPTION', `field integrity exception: ${msg}`, [field]);

export function beforeWrite(engine: DmlEngine, obj: ObjectDef, rec: SfRecord, old: SfRecord | undefined, ctx: DmlContext, given: Set<string>): void {
  switch (obj.name) {
    case 'Opportunity':
      return opportunityBefore(engine, rec, old, ctx, given);
    case 'OpportunityLineItem':
      return lineItemBefore(engine, rec, old, given);
    case 'PricebookEntry':
      return pricebookEntryBefore(engine, rec, old);
    case 'CurrencyType':
      return currencyTypeBefore(rec, old, given);
    case 'Contact':
    case 'User':
      rec.Name = [rec.FirstName, rec.LastName].filter(Boolean).join(' ');
      return;
    default:
      return;
  }
}

function opportunityBefore(engine: DmlEngine, rec: SfRecord, old: SfRecord | undefined, ctx: DmlContext, given: Set<string>): void {
  const stage = String(rec.StageName ?? '');
  rec.IsWon = stage === 'Closed Won';
  rec.IsClosed = stage === 'Closed Won' || stage === 'Closed Lost';
  const stageChanged = !old || old.StageName !== rec.StageName;
  if (stageChanged && !given.has('Probability') && stage in STAGE_PROBABILITY) rec.Probability = STAGE_PROBABILITY[stage];
  if (stageChanged && !given.has('ForecastCategoryName')) rec.ForecastCategoryName = FORECAST[stage] ?? (rec.IsClosed ? 'Omitted' : 'Pipeline');
  if (rec.HasOpportunityLineItem) rec.Amount = lineTotal(engine, rec.Id);
  if (rec.IsWon && old?.IsWon !== true && !ctx.seeding) {
    ctx.wonOpportunityIds.push(rec.Id);
    if (ctx.automation && engine.schema.field(engine.requireObject('Opportunity'), 'Billing_Sync_Status__c')) {
      rec.Billing_Sync_Status__c = 'Queued';
    }
  }
}

function lineItemBefore(engine: DmlEngine, rec: SfRecord, old: SfRecord | undefined, given: Set<string>): void {
  const store = engine.store;
  const opp = store.get('Opportunity', String(rec.OpportunityId));
  if (!old) {
    const pbe = findEntry(engine, rec, opp);
    if (opp?.Pricebook2Id && pbe.Pricebook2Id !== opp.Pricebook2Id) {
      throw integrity('PricebookEntryId (pricebook entry is in a different pricebook than the one assigned to the opportunity)', 'PricebookEntryId');
    }
    if (opp && 'CurrencyIsoCode' in pbe && pbe.CurrencyIsoCode !== opp.CurrencyIsoCode) {
      throw integrity('PricebookEntryId (pricebook entry currency code does not match opportunity currency code)', 'PricebookEntryId');
    }
    const product = store.get('Product2', String(pbe.Product2Id));
    rec.PricebookEntryId = pbe.Id;
    rec.Product2Id = pbe.Product2Id;
    rec.ListPrice = pbe.UnitPrice;
    rec.ProductCode = product?.ProductCode ?? null;
    rec.Name = `${String(opp?.Name ?? '')} ${String(product?.Name ?? '')}`.trim();
    if (opp && 'CurrencyIsoCode' in opp) rec.CurrencyIsoCode = opp.CurrencyIsoCode;
    if (given.has('TotalPrice') && given.has('UnitPrice') && rec.TotalPrice !== null && rec.UnitPrice !== null) {
      throw integrity('TotalPrice (only one of TotalPrice or UnitPrice may be specified)', 'TotalPrice');
    }
  }
  const qty = Number(rec.Quantity ?? 0);
  if (given.has('TotalPrice') && rec.TotalPrice !== null && !given.has('UnitPrice')) {
    rec.UnitPrice = qty ? round2(Number(rec.TotalPrice) / qty) : 0;
    rec.Discount = null;
  }
  if (rec.UnitPrice === null || rec.UnitPrice === undefined) {
    throw integrity('TotalPrice (must specify either TotalPrice or UnitPrice)', 'TotalPrice');
  }
  const discount = Number(rec.Discount ?? 0);
  rec.TotalPrice = round2(qty * Number(rec.UnitPrice) * (1 - discount / 100));
}

function findEntry(engine: DmlEngine, rec: SfRecord, opp: SfRecord | undefined): SfRecord {
  const store = engine.store;
  if (rec.PricebookEntryId) {
    const pbe = store.get('PricebookEntry', String(rec.PricebookEntryId));
    if (pbe) return pbe;
  }
  if (rec.Product2Id) {
    const book = opp?.Pricebook2Id ?? store.all('Pricebook2').find((p) => p.IsStandard === true)?.Id;
    const pbe = store
      .all('PricebookEntry')
      .find((e) => e.Product2Id === rec.Product2Id && e.Pricebook2Id === book && (!opp || !('CurrencyIsoCode' in e) || e.CurrencyIsoCode === opp.CurrencyIsoCode));
    if (pbe) return pbe;
  }
  throw DmlError.of('REQUIRED_FIELD_MISSING', 'Required fields are missing: [PricebookEntryId]', ['PricebookEntryId']);
}

function pricebookEntryBefore(engine: DmlEngine, rec: SfRecord, old: SfRecord | undefined): void {
  const store = engine.store;
  const product = store.get('Product2', String(rec.Product2Id));
  rec.Name = product?.Name ?? null;
  rec.ProductCode = product?.ProductCode ?? null;
  if (old) return;
  const book = store.get('Pricebook2', String(rec.Pricebook2Id));
  if (book?.IsStandard) return;
  const standard = store.all('Pricebook2').find((p) => p.IsStandard === true);
  const hasStandardPrice = store
    .all('PricebookEntry')
    .some((e) => e.Pricebook2Id === standard?.Id && e.Product2Id === rec.Product2Id && (!('CurrencyIsoCode' in rec) || e.CurrencyIsoCode === rec.CurrencyIsoCode));
  if (!hasStandardPrice) throw DmlError.of('STANDARD_PRICE_NOT_DEFINED', 'No standard price defined for this product', []);
}

/**
 * IsoCode must be a three-letter code. IsActive is "defaulted on create" and, as the object reference
 * warns, an update that leaves it out sets it to false (the currency is deactivated).
 */
function currencyTypeBefore(rec: SfRecord, old: SfRecord | undefined, given: Set<string>): void {
  if (!/^[A-Z]{3}$/.test(String(rec.IsoCode ?? ''))) {
    throw DmlError.of('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `Currency ISO Code: bad value for restricted picklist field: ${String(rec.IsoCode)}`, ['IsoCode']);
  }
  if (old && !given.has('IsActive')) rec.IsActive = false;
}

/** CurrencyIsoCode picklists follow the CurrencyType records (added, activated, deactivated, rolled back). */
export function syncCurrencyPicklists(schema: Schema, store: RecordStore): void {
  const types = store.all('CurrencyType');
  const corporate = types.find((t) => t.IsCorporate === true)?.IsoCode;
  schema.setCurrencyValues(types.map((t) => ({ code: String(t.IsoCode), active: t.IsActive === true })), String(corporate ?? ''));
}

function lineTotal(engine: DmlEngine, oppId: string): number {
  return round2(
    engine.store
      .all('OpportunityLineItem')
      .filter((l) => l.OpportunityId === oppId)
      .reduce((sum, l) => sum + Number(l.TotalPrice ?? 0), 0),
  );
}

export function afterWrite(engine: DmlEngine, obj: ObjectDef, rec: SfRecord | undefined, old: SfRecord | undefined, ctx: DmlContext): void {
  if (obj.name === 'CurrencyType') return syncCurrencyPicklists(engine.schema, engine.store);
  if (obj.name !== 'OpportunityLineItem') return;
  const oppId = String(rec?.OpportunityId ?? old?.OpportunityId);
  const opp = engine.store.get('Opportunity', oppId);
  if (!opp) return;
  const lines = engine.store.all('OpportunityLineItem').filter((l) => l.OpportunityId === oppId);
  const pbe = rec ? engine.store.get('PricebookEntry', String(rec.PricebookEntryId)) : undefined;
  const now = formatDateTime(ctx.now);
  engine.store.put('Opportunity', {
    ...opp,
    Amount: lines.length || opp.HasOpportunityLineItem ? lineTotal(engine, oppId) : opp.Amount,
    HasOpportunityLineItem: lines.length > 0,
    Pricebook2Id: opp.Pricebook2Id ?? pbe?.Pricebook2Id ?? null,
    LastModifiedDate: now,
    SystemModstamp: now,
  });
}

export function beforeDelete(_engine: DmlEngine, _obj: ObjectDef, _rec: SfRecord, _ctx: DmlContext): void {
  // Reserved for delete rules (none of the product's objects block deletes today).
}
