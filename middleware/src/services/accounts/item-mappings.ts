/**
 * A product's QuickBooks item in a billing entity other than the default one. Product2 holds one item id,
 * the default entity's (QuickBooks_Item_Id__c); every other entity's id lives on QuickBooks_Item_Mapping__c,
 * one row per product and entity (Mapping_Key__c = `<entity>:<productId>`), upserted as the integration
 * user when the middleware resolves an item there, follows an Item webhook, or creates a product from an
 * item. A row whose realm is not the entity's company any more (the entity was reconnected elsewhere) is
 * ignored and overwritten at the next resolution.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { ITEM_MAPPING_FIELDS as F, SOBJECTS, itemMappingKey } from '../../salesforce/fields';
import { classifySalesforceError, failedRecords, SALESFORCE_ID, soqlIdList, type SaveResult } from '../../salesforce/records';
import type { AuditEntryInput } from '../../store/audit-log';
import type { BillingEntity } from '../billing-entities';

export type MappingEntity = Pick<BillingEntity, 'name' | 'realmId'>;

export interface ItemMappingWrite {
  productId: string;
  itemId: string;
  /** The item id the row held before, for the audit entry (null: no row or no id). */
  previous?: string | null;
}

export interface ItemMappingsDeps {
  salesforce: () => Promise<Connection>;
  audit: { append(entries: AuditEntryInput | AuditEntryInput[]): Promise<unknown> };
  /** The sync policy's check: throws when a record names a field that may not cross. */
  guard?: (sobject: string, record: Record<string, unknown>, keyField: string) => void;
}

interface MappingRow {
  Product__c: string | null;
  QuickBooks_Item_Id__c: string | null;
  Realm_Id__c: string | null;
}

/** Product ids per SOQL query: 18-character ids quoted, well inside the 100,000-character query limit. */
const IDS_PER_QUERY = 300;

export class ItemMappings {
  constructor(private readonly deps: ItemMappingsDeps) {}

  /** The entity's item id per product (all products, or only these), from rows of the entity's own company. */
  async forEntity(entity: MappingEntity, productIds?: readonly string[]): Promise<Map<string, string>> {
    const conn = await this.deps.salesforce();
    const base = `SELECT ${F.product}, ${F.quickBooksItemId}, ${F.realmId} FROM ${SOBJECTS.itemMapping} WHERE ${F.billingEntity} = '${soqlText(entity.name)}' AND ${F.quickBooksItemId} != null`;
    const ids = productIds ? [...new Set(productIds)].filter((id) => SALESFORCE_ID.test(id)) : undefined;
    const queries = ids ? chunk(ids, IDS_PER_QUERY).map((part) => `${base} AND ${F.product} IN (${soqlIdList(part)})`) : [`${base} AND ${F.product} != null`];
    const out = new Map<string, string>();
    for (const soql of queries) {
      let rows: MappingRow[];
      try {
        rows = (await conn.query<MappingRow>(soql, { autoFetch: true, maxFetch: 100_000 })).records;
      } catch (error) {
        throw classifySalesforceError(error, `the item mappings of billing entity ${entity.name}`);
      }
      for (const row of rows) {
        if (row.Product__c && row.QuickBooks_Item_Id__c && (!row.Realm_Id__c || row.Realm_Id__c === entity.realmId)) out.set(sameId(row.Product__c, ids), row.QuickBooks_Item_Id__c);
      }
    }
    return out;
  }

  /**
   * Upserts one row per product (200 per call, never all-or-none) and audits each one written. Returns the
   * refusals, each naming the product and the reason; nothing is thrown for a refused row.
   */
  async record(entity: MappingEntity, writes: readonly ItemMappingWrite[], audit: { actor: string; sourceEvent: string; jobId?: string | null }): Promise<Array<{ productId: string; itemId: string; reason: string }>> {
    const todo = [...new Map(writes.map((w) => [w.productId, w])).values()];
    if (todo.length === 0) return [];
    const conn = await this.deps.salesforce();
    const failed: Array<{ productId: string; itemId: string; reason: string }> = [];
    for (const part of chunk(todo, 200)) {
      const records = part.map((w) => ({
        [F.mappingKey]: itemMappingKey(entity.name, w.productId),
        [F.product]: w.productId,
        [F.billingEntity]: entity.name,
        [F.realmId]: entity.realmId,
        [F.quickBooksItemId]: w.itemId,
      }));
      this.deps.guard?.(SOBJECTS.itemMapping, records[0]!, F.mappingKey);
      let results: SaveResult[];
      try {
        results = (await conn.sobject(SOBJECTS.itemMapping).upsert(records, F.mappingKey, { allOrNone: false })) as unknown as SaveResult[];
      } catch (error) {
        throw classifySalesforceError(error, `the upsert of ${records.length} item mappings for billing entity ${entity.name}`);
      }
      const refused = new Map(failedRecords(results, records).map((f) => [f.record, `${f.code}: ${f.message}`]));
      const entries: AuditEntryInput[] = [];
      part.forEach((w, index) => {
        const reason = refused.get(records[index]!);
        if (reason) {
          failed.push({ productId: w.productId, itemId: w.itemId, reason });
          return;
        }
        entries.push({
          actor: audit.actor,
          action: 'item.mapped',
          system: 'salesforce',
          realmId: entity.realmId,
          salesforceId: w.productId,
          qboId: w.itemId,
          field: `${SOBJECTS.itemMapping}.${F.quickBooksItemId} (${entity.name})`,
          oldValue: w.previous ?? null,
          newValue: w.itemId,
          jobId: audit.jobId ?? null,
          sourceEvent: audit.sourceEvent,
        });
      });
      if (entries.length > 0) await this.deps.audit.append(entries);
    }
    return failed;
  }
}

/** A refusal of every row, as one error naming the entity, the products and the fix. */
export function mappingRefusal(entity: MappingEntity, failed: ReadonlyArray<{ productId: string; reason: string }>): AppError {
  return new AppError('SALESFORCE_ERROR', `Salesforce refused the QuickBooks item mapping of ${failed.map((f) => `product ${f.productId} (${f.reason})`).join(', ')} in billing entity ${entity.name}.`, {
    retryable: false,
    fix: `Check that "${entity.name}" is a value of the Ledgerline Billing Entity value set and that the Ledgerline_Integration permission set (assigned to the integration user) may edit QuickBooks Item Mappings.`,
  });
}

function soqlText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/'/g, "\\'");
}

/** Salesforce answers 18-character ids; give back the caller's own spelling (15 or 18) when it asked by id. */
function sameId(id: string, asked: readonly string[] | undefined): string {
  if (!asked) return id;
  return asked.find((a) => a === id || (a.length === 15 && id.startsWith(a))) ?? id;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** The deal with each product's item id replaced by the entity's (null where the entity has none). */
export function entityItemView<T extends { OpportunityLineItems: { records: Array<{ Product2Id: string; Product2: { QuickBooks_Item_Id__c: string | null } | null }> } | null }>(opp: T, itemIds: ReadonlyMap<string, string>): T {
  if (!opp.OpportunityLineItems) return opp;
  const records = opp.OpportunityLineItems.records.map((line) => (line.Product2 ? { ...line, Product2: { ...line.Product2, QuickBooks_Item_Id__c: itemIds.get(line.Product2Id) ?? null } } : line));
  return { ...opp, OpportunityLineItems: { ...opp.OpportunityLineItems, records } };
}
