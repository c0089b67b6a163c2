import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { QboApi, QboCompany } from '../../quickbooks/api';
import { directCreator, type Creator } from '../../quickbooks/batch-creator';
import { isQboFaultCode } from '../../quickbooks/errors';
import { qboQuoted } from '../../sync/customer-match';
import { isSubscription } from '../../sync/billing-schedule';
import { billingEmailOf, buildInvoiceDraft, checkBillable, lineItemsOf, opportunityCurrency, opportunityIdFromPrivateNote, type CompanyContext, type ResolvedCustomer, type ResolvedItem } from '../../sync/invoice-draft';
import { describeProblems, problem, type Problem } from '../../sync/problems';
import type { SfOpportunity } from '../../sync/source';
import { type CompanyCatalog, entityItemView, type ItemMappings } from '../accounts';
import { requestIdFor, type CustomerResolver } from './customer-resolver';
import type { BillingEntities, BillingEntity } from '../billing-entities';
import type { InvoiceRecorder, QboInvoice } from './invoice-recorder';
import { inactiveReferences, itemProblem, readReference } from './invoice-references';

export interface InvoiceSyncDeps {
  loadOpportunity: (id: string) => Promise<SfOpportunity | null>;
  entities: BillingEntities;
  api: QboApi;
  catalog: CompanyCatalog;
  customers: CustomerResolver;
  recorder: InvoiceRecorder;
  logger: Logger;
  /** Subscription deals (a line with a Billing Frequency) get a schedule instead of one invoice. */
  subscriptions?: SubscriptionPlanner;
  /** How invoices are created: gathered into batch requests, or one by one (the default). */
  creator?: Creator;
  /** Item ids of billing entities other than the default (QuickBooks_Item_Mapping__c); without it, Product2's id serves every entity. */
  itemMappings?: Pick<ItemMappings, 'forEntity' | 'record'>;
}

export interface ScheduleOutcome {
  opportunityId: string;
  realmId: string;
  action: 'scheduled' | 'cancelled';
  periods: number;
  firstDate: string;
  end: string;
}

export interface SubscriptionPlanner {
  /** True when a schedule was already planned for the Opportunity. */
  has(opportunityId: string): Promise<boolean>;
  plan(opp: SfOpportunity, entity: BillingEntity, options: { attempt: number; jobId?: string }): Promise<ScheduleOutcome>;
}

/** What an invoice of a deal needs from QBO: the company's settings, the customer and the items. */
export interface Prepared {
  context: CompanyContext;
  customer: ResolvedCustomer;
  items: Map<string, ResolvedItem>;
  /** The deal as this company sees it (its products' item ids are the company's own). */
  opp: SfOpportunity;
}

export interface SyncOutcome {
  opportunityId: string;
  realmId: string;
  invoiceId: string;
  docNumber: string | undefined;
  total: number;
  action: 'created' | 'adopted' | 'refreshed';
}

/** Raised for problems a person must fix; its text goes to `Billing_Sync_Error__c`. */
export function problemsError(opportunityId: string, problems: Problem[]): AppError {
  // Each problem already carries its fix in the message; `details.problems` keeps them apart for the console.
  return new AppError('MAPPING_ERROR', `Opportunity ${opportunityId} cannot be invoiced:\n${describeProblems(problems)}`, {
    retryable: false,
    details: { problems },
  });
}

/**
 * Closed Won → exactly one QBO invoice. Safe to run any number of times for the same Opportunity:
 * the link table answers "already invoiced"; after an attempt whose outcome is unknown (timeout, crash,
 * lost response) QBO itself is searched for an invoice carrying the Opportunity id; and the create
 * carries a `requestid` derived from the Opportunity, so QBO replays rather than repeats it.
 */
export class InvoiceSync {
  constructor(private readonly deps: InvoiceSyncDeps) {}

  /**
   * `claimedBefore`: an earlier claim of the job may have created the invoice (see jobs' claimedBefore: a
   * released job runs again as attempt 1, and a batch create carries no per-invoice requestid).
   */
  async sync(opportunityId: string, options: { attempt: number; jobId?: string; claimedBefore?: boolean }): Promise<SyncOutcome | ScheduleOutcome> {
    const opp = await this.deps.loadOpportunity(opportunityId);
    if (!opp) {
      throw new AppError('NOT_FOUND', `Opportunity ${opportunityId} was not found in Salesforce (deleted, or not visible to the integration user).`, {
        fix: 'Check the id and the Ledgerline_Integration permission set\u2019s access to Opportunities.',
      });
    }
    const entity = await this.deps.entities.forOpportunity(opp);
    const company = this.deps.api.company(entity.realmId);

    const linked = await this.deps.recorder.linkedInvoice(entity.realmId, opp.Id);
    const planner = this.deps.subscriptions;
    // A deal invoiced once before it had recurring lines keeps its one invoice (no second bill).
    if (planner && isSubscription(lineItemsOf(opp)) && (!linked || (await planner.has(opp.Id)))) {
      return planner.plan(opp, entity, options);
    }
    if (linked) {
      // What the roll-ups need beside the invoice is read while QuickBooks answers, not after.
      const prefetched = this.deps.recorder.prefetch(opp);
      const invoice = await company.read<QboInvoice>('Invoice', linked);
      await this.deps.recorder.record(opp, entity, invoice, { action: 'refreshed', jobId: options.jobId, prefetched });
      return outcome(opp.Id, entity.realmId, invoice, 'refreshed');
    }

    const { context, customer, items, opp: seen } = await this.prepare(company, opp);
    const draft = buildInvoiceDraft(seen, context, customer, items);
    if (!draft.ok) throw problemsError(opp.Id, draft.problems);
    // What the roll-ups need beside the invoice is read while QuickBooks creates it, not after (a deal that cannot be
    // invoiced costs no read).
    const prefetched = this.deps.recorder.prefetch(opp);

    if (options.attempt > 1 || options.claimedBefore === true) {
      const earlier = await this.findCreatedEarlier(company, opp, customer.id);
      if (earlier) {
        this.deps.logger.warn({ opportunityId: opp.Id, invoiceId: earlier.Id, jobId: options.jobId }, 'adopting the invoice an earlier attempt created');
        await this.deps.recorder.record(opp, entity, earlier, { action: 'adopted', jobId: options.jobId, customerId: customer.id, prefetched });
        return outcome(opp.Id, entity.realmId, earlier, 'adopted');
      }
    }
    const created = await (this.deps.creator ?? directCreator).create<QboInvoice>(company, 'Invoice', draft.invoice, requestIdFor('inv', opp.Id)).catch(async (error: unknown) => {
      throw await this.explainInactive(company, opp, { items, customer, termId: draft.invoice.SalesTermRef?.value }, error);
    });
    await this.deps.recorder.record(opp, entity, created, { action: 'created', jobId: options.jobId, customerId: customer.id, summary: draft.summary, prefetched });
    return outcome(opp.Id, entity.realmId, created, 'created');
  }

  /** Checks the deal against the company and resolves (finds or creates) its customer and items. */
  async prepare(company: QboCompany, deal: SfOpportunity): Promise<Prepared> {
    const { entity, opp } = await this.entityView(company.realmId, deal);
    const context = await this.deps.catalog.context(company);
    const blocking = checkBillable(opp, context);
    if (blocking.length > 0) throw problemsError(opp.Id, blocking);
    const currency = context.multiCurrency ? opportunityCurrency(opp, context) : null;
    const resolution = await this.deps.customers.resolve(company, opp.Account!, billingEmailOf(opp), currency);
    const items = await this.resolveItems(company, opp, entity?.name);
    if (entity) await this.rememberItems(entity, opp, items);
    return { context, customer: resolution.customer, items, opp };
  }

  /**
   * The deal as a company other than the default one sees it: each product's item id is that entity's
   * mapping (QuickBooks_Item_Mapping__c), not Product2's, which names an item of the default company.
   */
  private async entityView(realmId: string, opp: SfOpportunity): Promise<{ entity?: BillingEntity; opp: SfOpportunity }> {
    const mappings = this.deps.itemMappings;
    if (!mappings) return { opp };
    const entity = (await this.deps.entities.all()).find((e) => e.realmId === realmId);
    if (!entity || entity.isDefault) return { opp };
    const ids = await mappings.forEntity(entity, lineItemsOf(opp).map((l) => l.Product2Id));
    return { entity, opp: entityItemView(opp, ids) };
  }

  /** Items found by SKU in a non-default company become that entity's mappings; a refusal is logged, never fatal. */
  private async rememberItems(entity: BillingEntity, opp: SfOpportunity, items: Map<string, ResolvedItem>): Promise<void> {
    const stored = new Map(lineItemsOf(opp).map((l) => [l.Product2Id, l.Product2?.QuickBooks_Item_Id__c ?? null]));
    const writes = [...items].filter(([productId, item]) => stored.get(productId) !== item.id).map(([productId, item]) => ({ productId, itemId: item.id, previous: stored.get(productId) ?? null }));
    if (writes.length === 0) return;
    try {
      const refused = await this.deps.itemMappings!.record(entity, writes, { actor: 'ledgerline', sourceEvent: `invoice:${opp.Id}` });
      if (refused.length > 0) this.deps.logger.warn({ opportunityId: opp.Id, entity: entity.name, refused }, 'Salesforce refused item mappings; the invoice goes on, matched by SKU');
    } catch (error) {
      this.deps.logger.warn({ err: error, opportunityId: opp.Id, entity: entity.name }, 'could not record item mappings; the invoice goes on, matched by SKU');
    }
  }

  /**
   * QBO refused the invoice with 610 (a referenced record is inactive or gone): names each such item,
   * customer or term with its Salesforce record and the fix, and forgets the company's cached catalog.
   */
  private async explainInactive(company: QboCompany, opp: SfOpportunity, refs: Parameters<typeof inactiveReferences>[2], error: unknown): Promise<unknown> {
    if (!isQboFaultCode(error, '610')) return error;
    this.deps.catalog.invalidate(company.realmId);
    const problems = await inactiveReferences(company, opp, refs).catch(() => []);
    return problems.length > 0 ? problemsError(opp.Id, problems) : error;
  }

  /** Every line's product must map to an active QBO item: by the stored item id, else SKU, else name. */
  private async resolveItems(company: QboCompany, opp: SfOpportunity, mappedIn?: string): Promise<Map<string, ResolvedItem>> {
    const index = await this.deps.catalog.itemIndex(company);
    const items = new Map<string, ResolvedItem>();
    const missing: Problem[] = [];
    for (const line of lineItemsOf(opp)) {
      const product = line.Product2;
      if (!product || items.has(line.Product2Id)) continue;
      const byCode = product.ProductCode ? index.find(product.ProductCode) : undefined;
      const storedId = product.QuickBooks_Item_Id__c;
      if (storedId) {
        // Not active at the catalog's last read: read it now (it may be new, inactive or deleted).
        const known = index.active(storedId) ?? (await readReference(company, 'Item', storedId));
        const inactive = itemProblem(company, product, storedId, known, mappedIn);
        if (inactive) missing.push(inactive);
        else items.set(line.Product2Id, { id: storedId, name: (known as { Name?: string }).Name ?? byCode?.Name ?? product.Name });
      } else if (byCode) {
        items.set(line.Product2Id, { id: byCode.Id, name: byCode.Name });
      } else if (!product.ProductCode) {
        missing.push(problem('PRODUCT_WITHOUT_SKU', product.Id, `Product "${product.Name}" (${product.Id}) has no Product Code (SKU).`, 'Set Product Code on the product to the QuickBooks item SKU or name.'));
      }
    }
    if (missing.length > 0) throw problemsError(opp.Id, missing);
    return items;
  }

  /** An invoice for this Opportunity that QBO already has (an earlier attempt's response was lost). */
  private async findCreatedEarlier(company: QboCompany, opp: SfOpportunity, customerId: string): Promise<QboInvoice | undefined> {
    try {
      const candidates = await company.query<QboInvoice>('Invoice', `where CustomerRef = ${qboQuoted(customerId)} and TxnDate = ${qboQuoted(opp.CloseDate)}`);
      return candidates.find((inv) => opportunityIdFromPrivateNote(inv.PrivateNote) === opp.Id);
    } catch (error) {
      if (isQboFaultCode(error, '4001')) return undefined;
      throw error;
    }
  }
}

function outcome(opportunityId: string, realmId: string, invoice: QboInvoice, action: SyncOutcome['action']): SyncOutcome {
  return { opportunityId, realmId, invoiceId: invoice.Id, docNumber: invoice.DocNumber, total: invoice.TotalAmt, action };
}
