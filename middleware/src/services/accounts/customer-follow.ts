/**
 * QuickBooks → Salesforce under the sync policy, for Customer and Item changes (webhook events and the
 * customer CDC sweep). A customer edit on a Salesforce-owned field is not taken over: the Salesforce
 * value is written back and the QuickBooks value is logged as an overwritten conflict (AccountSync does
 * both). QuickBooks-owned values follow into Salesforce: an item's id onto the products whose
 * Product Code is its SKU: Product2.QuickBooks_Item_Id__c for the default company, the product's
 * QuickBooks_Item_Mapping__c row for any other.
 */
import type { Connection } from 'jsforce';
import type { Logger } from '../../logger';
import type { SyncPolicy } from '../../policy';
import type { QboCompany } from '../../quickbooks/api';
import { isQboFaultCode } from '../../quickbooks/errors';
import { PRODUCT_FIELDS, SOBJECTS } from '../../salesforce/fields';
import { classifySalesforceError } from '../../salesforce/records';
import { qboQuoted } from '../../sync/customer-match';
import type { AuditLog } from '../../store/audit-log';
import type { RecordLinkRepository } from '../../store/record-links';
import type { WebhookInbox } from '../../store/webhook-inbox';
import type { AccountSync } from './account-sync';
import type { BillingEntity } from '../billing-entities';
import { ItemIndex, type QboItem as CatalogItem } from './company-context';
import { mappingRefusal, type ItemMappings } from './item-mappings';
import type { SalesforceWriteBack } from '../write-back';

export const QBO_FOLLOW_JOB = 'qbo.follow';
export const FOLLOWED_ENTITIES: ReadonlySet<string> = new Set(['Customer', 'Item']);

export interface FollowJobPayload {
  inboxId: number;
}

export interface CustomerFollowDeps {
  policy: SyncPolicy;
  inbox: Pick<WebhookInbox, 'get' | 'markProcessed'>;
  links: Pick<RecordLinkRepository, 'findByQboId'>;
  accounts: Pick<AccountSync, 'sync'>;
  company: (realmId: string) => Pick<QboCompany, 'read' | 'query'>;
  salesforce: () => Promise<Connection>;
  writeBack: Pick<SalesforceWriteBack, 'update'>;
  audit: Pick<AuditLog, 'append'>;
  /** The connected billing entity of a company, if any. */
  entityOf: (realmId: string) => Promise<BillingEntity | undefined>;
  itemMappings: Pick<ItemMappings, 'forEntity' | 'record'>;
  logger: Logger;
}

interface QboItem {
  Id: string;
  Name: string;
  Sku?: string;
  Active?: boolean;
}

export class CustomerFollow {
  constructor(private readonly deps: CustomerFollowDeps) {}

  async process(inboxId: number, jobId?: string): Promise<unknown> {
    const event = await this.deps.inbox.get(inboxId);
    if (!event || event.processedAt) return { skipped: 'already processed' };
    const source = `webhook:${inboxId}`;
    const result = event.operation === 'Delete' || event.operation === 'Merge'
      ? { skipped: `${event.entity} ${event.operation.toLowerCase()} is left to a person` }
      : event.entity === 'Customer'
        ? await this.customer(event.realmId, event.entityId, source, jobId)
        : await this.item(event.realmId, event.entityId, source, jobId);
    await this.deps.inbox.markProcessed([inboxId]);
    return result;
  }

  /** Re-applies Salesforce-owned values to a customer QuickBooks changed (each linked Account). */
  async customer(realmId: string, customerId: string, source: string, jobId?: string): Promise<unknown> {
    const accounts = [...new Set((await this.deps.links.findByQboId('customer', realmId, customerId)).map((l) => l.salesforceId))];
    if (accounts.length === 0) return { skipped: 'customer not linked to an Account' };
    const outcomes = [];
    for (const accountId of accounts) outcomes.push(await this.deps.accounts.sync(accountId, { source, ...(jobId ? { jobId } : {}), onlyRealm: realmId, onlyCustomer: customerId }));
    return { customerId, outcomes };
  }

  /** QuickBooks owns the item id: products whose Product Code is the item's SKU (or name) get it. */
  async item(realmId: string, itemId: string, source: string, jobId?: string): Promise<unknown> {
    const entity = await this.deps.entityOf(realmId);
    if (!entity) return { skipped: 'item of a company that is not connected' };
    const rule = this.deps.policy.pair(entity.isDefault ? 'product-item' : 'item-mapping').fields.find((f) => f.direction === 'to-salesforce' && f.quickbooks === 'Id');
    if (!rule) return { skipped: 'the policy does not send item ids to Salesforce' };
    let item: QboItem;
    try {
      item = await this.deps.company(realmId).read<QboItem>('Item', itemId);
    } catch (error) {
      if (isQboFaultCode(error, '610')) return { skipped: 'item deleted' };
      throw error;
    }
    if (item.Active === false) return { skipped: 'inactive item' };
    const codes = [item.Sku, item.Name].filter((c): c is string => Boolean(c && c.trim())).map((c) => `'${c.trim().replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`);
    const conn = await this.deps.salesforce();
    let products: Array<{ Id: string; ProductCode: string | null; QuickBooks_Item_Id__c: string | null }>;
    try {
      products = (await conn.query<{ Id: string; ProductCode: string | null; QuickBooks_Item_Id__c: string | null }>(`SELECT Id, ${PRODUCT_FIELDS.productCode}, ${PRODUCT_FIELDS.quickBooksItemId} FROM ${SOBJECTS.product} WHERE IsActive = true AND ${PRODUCT_FIELDS.productCode} IN (${codes.join(', ')})`)).records;
    } catch (error) {
      throw classifySalesforceError(error, 'the product look-up by SKU');
    }
    // The invoice engine's matching decides: a code that is another item's SKU maps to that item, not to this one's name.
    const index = products.length > 0 ? await this.itemIndex(realmId, item) : undefined;
    const matching = products.filter((p) => p.ProductCode && index?.find(p.ProductCode)?.Id === item.Id);
    if (!entity.isDefault) return this.mapInEntity(entity, item, matching.map((p) => p.Id), source, jobId);
    const targets = matching.filter((p) => p.QuickBooks_Item_Id__c !== item.Id);
    for (const product of targets) {
      await this.deps.writeBack.update(SOBJECTS.product, { Id: product.Id, [rule.salesforce]: item.Id });
      await this.deps.audit.append({ actor: 'ledgerline', action: 'field.updated', system: 'salesforce', realmId, salesforceId: product.Id, qboId: item.Id, field: `Product2.${rule.salesforce} ← Item.${rule.quickbooks}`, oldValue: product.QuickBooks_Item_Id__c, newValue: item.Id, jobId: jobId ?? null, sourceEvent: source });
    }
    return { itemId, products: targets.map((p) => p.Id) };
  }

  /** A company other than the default: the products' mappings in that entity take the item id. */
  private async mapInEntity(entity: BillingEntity, item: QboItem, productIds: string[], source: string, jobId?: string): Promise<unknown> {
    const current = productIds.length > 0 ? await this.deps.itemMappings.forEntity(entity, productIds) : new Map<string, string>();
    const writes = productIds.filter((id) => current.get(id) !== item.Id).map((productId) => ({ productId, itemId: item.Id, previous: current.get(productId) ?? null }));
    const refused = await this.deps.itemMappings.record(entity, writes, { actor: 'ledgerline', sourceEvent: source, jobId: jobId ?? null });
    if (refused.length > 0) throw mappingRefusal(entity, refused);
    return { itemId: item.Id, entity: entity.name, products: writes.map((w) => w.productId) };
  }

  /** The items a product code could name: those with this item's SKU or name as SKU or name (QBO queries have no OR). */
  private async itemIndex(realmId: string, item: QboItem): Promise<ItemIndex> {
    const company = this.deps.company(realmId);
    const keys = [...new Set([item.Sku, item.Name].filter((c): c is string => Boolean(c && c.trim())).map((c) => c.trim()))];
    const found = new Map<string, CatalogItem>([[item.Id, item as CatalogItem]]);
    for (const key of keys) {
      for (const field of ['Sku', 'Name']) for (const other of await company.query<CatalogItem>('Item', `where ${field} = ${qboQuoted(key)}`)) found.set(other.Id, other);
    }
    return new ItemIndex([...found.values()]);
  }
}
