import type { QboApi } from '../../quickbooks/api';
import { billingEmailOf, buildInvoiceDraft, checkBillable, lineItemsOf, type ResolvedItem } from '../../sync/invoice-draft';
import { problem, type Problem } from '../../sync/problems';
import type { SfOpportunity } from '../../sync/source';
import type { BillingEntities } from '../billing-entities';
import { type CompanyCatalog, entityItemView, type ItemMappings } from '../accounts';
import type { CustomerResolver } from './customer-resolver';
import { AppError } from '../../errors';
import { buildBillingSchedule, isSubscription, scheduleProblems, type ScheduleProblem } from '../../sync/billing-schedule';
import { fromCents } from '../../sync/money';
import { periodOpportunity } from './subscription-invoices';

export interface InvoicePreview {
  opportunityId: string;
  billable: boolean;
  billingEntity: string | null;
  customer: { id: string | null; name: string | null; how: string } | null;
  invoice: unknown;
  summary: unknown;
  /** Subscription deals: every invoice of the schedule (date and amount before tax); `invoice` is the first. */
  schedule: { start: string; end: string; total: number; invoices: Array<{ date: string; amount: number }> } | null;
  problems: Array<Problem | ScheduleProblem>;
}

/**
 * The invoice an Opportunity would produce and every problem that would stop it, computed exactly as the
 * sync would, but read-only: nothing is created, linked or written.
 */
export class InvoicePreviewer {
  constructor(
    private readonly loadOpportunity: (id: string) => Promise<SfOpportunity | null>,
    private readonly entities: BillingEntities,
    private readonly api: QboApi,
    private readonly catalog: CompanyCatalog,
    private readonly customers: CustomerResolver,
    /** Item ids of billing entities other than the default (the invoice engine reads the same). */
    private readonly itemMappings?: Pick<ItemMappings, 'forEntity'>,
  ) {}

  async preview(opportunityId: string): Promise<InvoicePreview> {
    let opp = await this.loadOpportunity(opportunityId);
    if (!opp) throw new AppError('NOT_FOUND', `Opportunity ${opportunityId} was not found in Salesforce.`, { fix: 'Check the id.' });
    const base: InvoicePreview = { opportunityId, billable: false, billingEntity: null, customer: null, invoice: null, summary: null, schedule: null, problems: [] };
    let entity;
    try {
      entity = await this.entities.forOpportunity(opp);
    } catch (error) {
      const e = error as AppError;
      return { ...base, problems: [problem('UNKNOWN_BILLING_ENTITY', opp.Id, e.message, e.fix ?? '')] };
    }
    if (!entity.isDefault && this.itemMappings) opp = entityItemView(opp, await this.itemMappings.forEntity(entity, lineItemsOf(opp).map((l) => l.Product2Id)));
    const company = this.api.company(entity.realmId);
    const context = await this.catalog.context(company);
    const problems: InvoicePreview['problems'] = checkBillable({ ...opp, IsWon: true }, context);
    const result: InvoicePreview = { ...base, billingEntity: entity.name, problems };
    if (!opp.Account) return result;
    const peek = await this.customers.peek(company, opp.Account, billingEmailOf(opp));
    result.customer = { id: peek.customer?.id ?? null, name: peek.customer?.displayName ?? null, how: peek.how };
    if (peek.problem) problems.push(problem('PROBABLE_CUSTOMER_MATCH', opp.Account.Id, peek.problem, 'Set QuickBooks Customer Id on the Account to the right customer.'));
    const index = await this.catalog.itemIndex(company);
    const items = new Map<string, ResolvedItem>();
    for (const line of lineItemsOf(opp)) {
      const p = line.Product2;
      const found = p?.ProductCode ? index.find(p.ProductCode) : undefined;
      if (p?.QuickBooks_Item_Id__c) items.set(line.Product2Id, { id: p.QuickBooks_Item_Id__c, name: found?.Name ?? p.Name });
      else if (found) items.set(line.Product2Id, { id: found.Id, name: found.Name });
    }
    const customer = peek.customer ?? { id: '(new)', displayName: peek.how, currency: null };
    let source: SfOpportunity = opp;
    const lines = lineItemsOf(opp);
    if (isSubscription(lines)) {
      // The schedule starts on the Close Date here; a renewal's starts where the renewed term ends.
      const scheduleIssues = scheduleProblems(lines);
      problems.push(...scheduleIssues);
      if (scheduleIssues.length === 0) {
        const schedule = buildBillingSchedule(lines, opp.CloseDate);
        result.schedule = { start: schedule.start, end: schedule.end, total: fromCents(schedule.totalCents), invoices: schedule.periods.map((p) => ({ date: p.date, amount: fromCents(p.totalCents) })) };
        if (schedule.periods[0] && lines.every((l) => l.Quantity > 0)) source = periodOpportunity(opp, schedule.periods[0]);
      }
    }
    const draft = buildInvoiceDraft({ ...source, IsWon: true, Billing_Sync_Status__c: opp.Billing_Sync_Status__c === 'Excluded' ? 'Excluded' : null }, context, customer, items);
    if (draft.ok) {
      result.invoice = draft.invoice;
      result.summary = draft.summary;
    } else {
      for (const p of draft.problems) if (!problems.some((q) => q.code === p.code && q.recordId === p.recordId)) problems.push(p);
    }
    result.billable = problems.length === 0;
    return result;
  }
}
