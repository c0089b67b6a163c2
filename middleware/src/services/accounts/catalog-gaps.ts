/**
 * The catalogue's loose ends for one QuickBooks company: items that no active product maps to, and active
 * billable products that map to no item (the invoice engine would refuse their lines). A product maps to
 * an item by its stored item id (Product2.QuickBooks_Item_Id__c in the default company, the product's
 * QuickBooks_Item_Mapping__c row in any other), else by the invoice engine's matching (Product Code = the
 * item's SKU, else its name). Creating the missing products is an admin's explicit request (`--apply`):
 * each new product carries the item's id (or, in another company, gets its mapping), so the next invoice
 * uses it without matching.
 */
import type { Connection } from 'jsforce';
import type { QboCompany } from '../../quickbooks/api';
import { PRODUCT_FIELDS, SOBJECTS } from '../../salesforce/fields';
import { classifySalesforceError, failedRecords, type SaveResult } from '../../salesforce/records';
import type { AuditEntryInput } from '../../store/audit-log';
import type { BillingEntity } from '../billing-entities';
import { ItemIndex, type QboItem } from './company-context';
import { ALL_ROWS_PAGES } from './customer-lookalikes';
import type { ItemMappings } from './item-mappings';

export interface CatalogProduct {
  Id: string;
  Name: string;
  ProductCode: string | null;
  QuickBooks_Item_Id__c: string | null;
  Billable__c?: boolean | null;
}

export interface CatalogGaps {
  realmId: string;
  /** The billing entity of the company, when known; `isDefault` says where its item ids are kept. */
  entity?: { name: string; isDefault: boolean };
  items: number;
  products: number;
  /** Active, sellable items that no active product maps to. */
  itemsWithoutProduct: Array<{ id: string; name: string; sku: string | null; productCode: string }>;
  /** Active billable products that map to no active item, with what to do. */
  productsWithoutItem: Array<{ id: string; name: string; productCode: string | null; fix: string }>;
}

/**
 * Reads both catalogues and compares them; writes nothing. Product2 holds the default company's item ids;
 * for another entity (`options.entity`, not default) its mappings give the stored ids.
 */
export async function findCatalogGaps(
  conn: Connection,
  company: Pick<QboCompany, 'realmId' | 'query'>,
  options: { entity?: Pick<BillingEntity, 'name' | 'realmId' | 'isDefault'>; mappings?: Pick<ItemMappings, 'forEntity'> } = {},
): Promise<CatalogGaps> {
  const other = options.entity && !options.entity.isDefault ? options.entity : undefined;
  const [items, products, mapped] = await Promise.all([
    company.query<QboItem>('Item', '', ALL_ROWS_PAGES).then((all) => all.filter((i) => i.Active !== false && i.Type !== 'Category')),
    readProducts(conn),
    other && options.mappings ? options.mappings.forEntity(other) : undefined,
  ]);
  const index = new ItemIndex(items);
  const used = new Set<string>();
  const productsWithoutItem: CatalogGaps['productsWithoutItem'] = [];
  for (const p of products) {
    const stored = (other ? mapped?.get(p.Id) : p.QuickBooks_Item_Id__c)?.trim() || undefined;
    const item = stored ? index.active(stored) : p.ProductCode ? index.find(p.ProductCode) : undefined;
    if (item) used.add(item.Id);
    else if (p.Billable__c !== false) productsWithoutItem.push({ id: p.Id, name: p.Name, productCode: p.ProductCode, fix: productFix(p, stored, other?.name) });
  }
  const itemsWithoutProduct = items
    .filter((i) => !used.has(i.Id))
    .map((i) => ({ id: i.Id, name: i.Name, sku: i.Sku?.trim() || null, productCode: i.Sku?.trim() || i.Name }));
  const entity = options.entity ? { entity: { name: options.entity.name, isDefault: options.entity.isDefault } } : {};
  return { realmId: company.realmId, ...entity, items: items.length, products: products.length, itemsWithoutProduct, productsWithoutItem };
}

function productFix(p: CatalogProduct, stored: string | undefined, otherEntity: string | undefined): string {
  if (stored && otherEntity) return `its QuickBooks item ${stored} in ${otherEntity} is inactive or gone: make the item active in QuickBooks, or give an active item of ${otherEntity} the SKU "${p.ProductCode ?? ''}" (its next change maps it)`;
  if (stored) return `its QuickBooks item ${stored} is inactive or gone: make the item active in QuickBooks, or clear QuickBooks_Item_Id__c so the Product Code is matched`;
  if (!p.ProductCode) return 'it has no Product Code: enter the SKU of its QuickBooks item, or untick Billable';
  return `no active QuickBooks item has the SKU or name "${p.ProductCode}": create the item in QuickBooks with that SKU, or correct the Product Code`;
}

async function readProducts(conn: Connection): Promise<CatalogProduct[]> {
  const soql = `SELECT ${PRODUCT_FIELDS.id}, ${PRODUCT_FIELDS.name}, ${PRODUCT_FIELDS.productCode}, ${PRODUCT_FIELDS.quickBooksItemId}, ${PRODUCT_FIELDS.billable} FROM ${SOBJECTS.product} WHERE IsActive = true ORDER BY ${PRODUCT_FIELDS.productCode}`;
  try {
    const result = await conn.query<CatalogProduct>(soql, { autoFetch: true, maxFetch: 100_000 });
    return result.records;
  } catch (error) {
    throw classifySalesforceError(error, 'the active product read');
  }
}

export interface CreatedProducts {
  created: Array<{ productId: string; itemId: string; name: string }>;
  failed: Array<{ itemId: string; name: string; reason: string }>;
}

/**
 * Creates one active billable product per item (Name and Product Code from the item, its id in
 * QuickBooks_Item_Id__c), 200 per call, each audited. The price goes in the price book by hand.
 */
export async function createMissingProducts(
  conn: Connection,
  gaps: CatalogGaps,
  deps: {
    audit: { append(entries: AuditEntryInput[]): Promise<unknown> };
    actor: string;
    guard?: (sobject: string, record: Record<string, unknown>, keyField: string) => void;
    /** For a company other than the default: the new products' mappings there (their Product2 id stays empty). */
    mappings?: { entity: Pick<BillingEntity, 'name' | 'realmId'>; writer: Pick<ItemMappings, 'record'> };
  },
): Promise<CreatedProducts> {
  const other = gaps.entity && !gaps.entity.isDefault;
  if (other && !deps.mappings) throw new Error(`creating products for billing entity ${gaps.entity!.name} needs its item mappings`);
  if (!other) deps.guard?.(SOBJECTS.product, { Id: 'policy-check', [PRODUCT_FIELDS.quickBooksItemId]: 'policy-check' }, 'Id');
  const out: CreatedProducts = { created: [], failed: [] };
  // The integration user is not checked by the Product2 trigger, so the uniqueness of Product Codes among
  // active billable products is kept here: an item whose code a product already holds gets no second product.
  const holders = await codeHolders(conn, gaps.itemsWithoutProduct.map((item) => item.productCode));
  const todo: CatalogGaps['itemsWithoutProduct'] = [];
  for (const item of gaps.itemsWithoutProduct) {
    const holder = holders.get(codeKey(item.productCode));
    if (!holder) {
      holders.set(codeKey(item.productCode), { id: null, name: item.name });
      todo.push(item);
      continue;
    }
    const by = holder.id ? `the active billable product "${holder.name}" (${holder.id})` : `the product this run creates for item "${holder.name}"`;
    out.failed.push({ itemId: item.id, name: item.name, reason: `Product Code "${item.productCode}" is already used by ${by}; a Product Code is a SKU and must be unique. Give item ${item.id} its own SKU in QuickBooks, or make it inactive there if it duplicates that product` });
  }
  for (let i = 0; i < todo.length; i += 200) {
    const chunk = todo.slice(i, i + 200);
    const records = chunk.map((item) => ({ [PRODUCT_FIELDS.name]: item.name, [PRODUCT_FIELDS.productCode]: item.productCode, IsActive: true, ...(other ? {} : { [PRODUCT_FIELDS.quickBooksItemId]: item.id }) }));
    let results: Array<SaveResult & { id?: string }>;
    try {
      results = (await conn.sobject(SOBJECTS.product).create(records, { allOrNone: false })) as unknown as Array<SaveResult & { id?: string }>;
    } catch (error) {
      throw classifySalesforceError(error, `creation of ${records.length} products`);
    }
    const failures = new Map(failedRecords(results, records).map((f) => [f.record, `${f.code}: ${f.message}`]));
    const entries: AuditEntryInput[] = [];
    chunk.forEach((item, index) => {
      const reason = failures.get(records[index]!);
      if (reason) {
        out.failed.push({ itemId: item.id, name: item.name, reason });
        return;
      }
      const productId = results[index]!.id!;
      out.created.push({ productId, itemId: item.id, name: item.name });
      const field = other ? `${SOBJECTS.product} (mapped in ${gaps.entity!.name})` : `${SOBJECTS.product}.${PRODUCT_FIELDS.quickBooksItemId}`;
      entries.push({ actor: deps.actor, action: 'product.created', system: 'salesforce', realmId: gaps.realmId, salesforceId: productId, qboId: item.id, field, oldValue: null, newValue: item.id, sourceEvent: 'catalog' });
    });
    if (entries.length > 0) await deps.audit.append(entries);
  }
  if (other && out.created.length > 0) {
    const { entity, writer } = deps.mappings!;
    const refused = await writer.record(entity, out.created.map((c) => ({ productId: c.productId, itemId: c.itemId })), { actor: deps.actor, sourceEvent: 'catalog' });
    for (const r of refused) {
      const created = out.created.find((c) => c.productId === r.productId)!;
      out.failed.push({ itemId: r.itemId, name: created.name, reason: `product ${r.productId} was created, but its mapping in ${entity.name} was refused (${r.reason}); the invoice engine still matches it by SKU` });
    }
  }
  return out;
}

/** Product Codes compare as the Product2 trigger compares them: without case or surrounding spaces. */
function codeKey(code: string): string {
  return code.trim().toUpperCase();
}

/** Active billable products holding any of these codes, by code key (SOQL text comparison ignores case). */
async function codeHolders(conn: Connection, codes: string[]): Promise<Map<string, { id: string | null; name: string }>> {
  const holders = new Map<string, { id: string | null; name: string }>();
  const wanted = [...new Set(codes.flatMap((c) => [c, c.trim()]))];
  for (let i = 0; i < wanted.length; i += 200) {
    const list = wanted.slice(i, i + 200).map((c) => `'${c.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ');
    const soql = `SELECT ${PRODUCT_FIELDS.id}, ${PRODUCT_FIELDS.name}, ${PRODUCT_FIELDS.productCode} FROM ${SOBJECTS.product} WHERE IsActive = true AND ${PRODUCT_FIELDS.billable} = true AND ${PRODUCT_FIELDS.productCode} IN (${list})`;
    let rows: Array<{ Id: string; Name: string; ProductCode: string | null }>;
    try {
      rows = (await conn.query<{ Id: string; Name: string; ProductCode: string | null }>(soql, { autoFetch: true, maxFetch: 100_000 })).records;
    } catch (error) {
      throw classifySalesforceError(error, 'the look-up of products by Product Code');
    }
    for (const row of rows) if (row.ProductCode && !holders.has(codeKey(row.ProductCode))) holders.set(codeKey(row.ProductCode), { id: row.Id, name: row.Name });
  }
  return holders;
}

/** The listing for the command line and logs, ending with the command that fixes the first list. */
export function catalogText(gaps: CatalogGaps, entityName: string): string {
  const where = gaps.entity && !gaps.entity.isDefault ? ' (item ids on QuickBooks Item Mappings)' : ' (default billing entity)';
  const lines = [`QuickBooks company ${entityName} (${gaps.realmId})${gaps.entity ? where : ''}: ${gaps.items} active items; Salesforce: ${gaps.products} active products.`];
  lines.push('', `QuickBooks items with no product (${gaps.itemsWithoutProduct.length}):`);
  for (const i of gaps.itemsWithoutProduct) lines.push(`  item ${i.id}  ${i.name}  ${i.sku ? `SKU ${i.sku}` : '(no SKU: matched by name)'}`);
  lines.push('', `Billable products with no QuickBooks item (${gaps.productsWithoutItem.length}):`);
  for (const p of gaps.productsWithoutItem) lines.push(`  ${p.id}  ${p.name}  code ${p.productCode ?? '-'}: ${p.fix}`);
  if (gaps.itemsWithoutProduct.length > 0) {
    lines.push('', `Dry run: nothing was written. To create the ${gaps.itemsWithoutProduct.length} missing products (Product Code = the item's SKU, else its name; item id filled in):`, `  npm run cli -- catalog --apply --entity ${/\s/.test(entityName) ? JSON.stringify(entityName) : entityName}`);
  }
  return lines.join('\n');
}
