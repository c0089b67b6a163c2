import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import type { QboApi, QboCompany } from '../../quickbooks/api';
import { isQboFaultCode } from '../../quickbooks/errors';
import { buildBillingSchedule, nextPeriodAfter, scheduleProblems, type BillingPeriod, type BillingSchedule } from '../../sync/billing-schedule';
import { qboQuoted } from '../../sync/customer-match';
import { buildInvoiceDraft, lineItemsOf, opportunityIdFromPrivateNote, privateNoteFor } from '../../sync/invoice-draft';
import { fromCents, roundUnitPrice } from '../../sync/money';
import type { SfLineItem, SfOpportunity } from '../../sync/source';
import type { BillingEntities, BillingEntity } from '../billing-entities';
import { requestIdFor } from './customer-resolver';
import type { InvoiceRecorder, QboInvoice } from './invoice-recorder';
import { inactiveReferences } from './invoice-references';
import { problemsError, type Prepared, type ScheduleOutcome, type SubscriptionPlanner, type SyncOutcome } from './invoice-sync';

/**
 * Subscriptions: one QBO invoice per billing period, each created on its date.
 *
 * Why a middleware schedule and not QBO's RecurringTransaction: a recurring template in QBO creates
 * invoices on Intuit's side, outside our requestid and link table, so nothing would link them to the
 * Opportunity or guarantee exactly one per period (and a template repeats one fixed amount, which cannot
 * carry the cent remainder, one-time lines on the first invoice, or lines of different frequencies).
 * Instead, when the deal is won the schedule (`sync/billing-schedule.ts`) is computed once and stored,
 * and one delayed job per period is enqueued with `runAt` = the period's date and the idempotency key
 * `subscription:<opportunityId>:<periodDate>` (dedupe `forever`): a job that finished is never created
 * again, jobs that fell due while the middleware was down run when it starts (catch-up), and each create
 * is guarded like a one-off invoice: the period's link (`extra.period`), a `requestid` per period
 * (`ll-sub-<opportunityId>-<periodIndex>`) and, after an unknown outcome, a look-up of the invoice whose
 * PrivateNote names the Opportunity and the period.
 *
 * The stored schedule, not the Opportunity's current lines, fixes the amounts: editing a won deal does
 * not change what later periods bill. Lines, customer, e-mail and tax treatment are read fresh.
 *
 * Renewals: an Opportunity whose `Renewal_Of__c` names a deal with a stored schedule starts its own
 * schedule where that one ends (the day after the renewed term), at the renewal's own prices; a renewal
 * won after the old term lapsed still starts there, and the periods already due are invoiced at once.
 * Cancellation: a scheduled deal that is no longer won (Closed Lost, e.g. a lost renewal reopened and
 * lost) or is marked Excluded stops billing: the next sync request or the next due period job cancels
 * the queued period jobs; invoices already issued stay (crediting them is a person's decision).
 */
export const SUBSCRIPTION_JOB = 'subscription.invoice';

export interface SubscriptionJobPayload {
  opportunityId: string;
  /** The period's invoice date (YYYY-MM-DD). */
  date: string;
}

/** A planned schedule as stored (one per Opportunity). */
export interface StoredSchedule extends BillingSchedule {
  opportunityId: string;
  realmId: string;
  entity: string;
  /** Job id per period date. */
  jobs: Record<string, string>;
  cancelled?: { at: string; reason: string };
}

export interface ScheduleStore {
  get(opportunityId: string): Promise<StoredSchedule | undefined>;
  save(schedule: StoredSchedule): Promise<void>;
}

export interface PeriodJobs {
  /** Enqueues (or finds) the job of one period; returns its id. */
  enqueue(opportunityId: string, period: BillingPeriod): Promise<string>;
  /** Cancels queued jobs; returns how many were still queued. */
  cancel(jobIds: string[]): Promise<number>;
}

export interface SubscriptionDeps {
  schedules: ScheduleStore;
  jobs: PeriodJobs;
  loadOpportunity: (id: string) => Promise<SfOpportunity | null>;
  entities: BillingEntities;
  api: QboApi;
  prepare: (company: QboCompany, opp: SfOpportunity) => Promise<Prepared>;
  recorder: InvoiceRecorder;
  logger: Logger;
  now: () => Date;
  /** Recomputes the Opportunity's invoice roll-ups (totals over all of its invoices). */
  rollup?: (opportunityId: string, accountId: string | null) => Promise<void>;
  /** The deal an Opportunity renews (`Renewal_Of__c`), or null. */
  renewalOf?: (opportunityId: string) => Promise<string | null>;
  /** Shows the next invoice of the schedule on the Opportunity (null: none left). */
  showNext?: (opportunityId: string, next: { date: string; amount: number } | null) => Promise<void>;
  /** Marks a deal whose schedule is planned as synced (its first invoice may be months away). */
  markScheduled?: (opportunityId: string) => Promise<void>;
}

export type PeriodOutcome = SyncOutcome | { opportunityId: string; action: 'skipped'; reason: string };

export class SubscriptionInvoices implements SubscriptionPlanner {
  constructor(private readonly deps: SubscriptionDeps) {}

  async has(opportunityId: string): Promise<boolean> {
    return (await this.deps.schedules.get(opportunityId)) !== undefined;
  }

  /** Closed Won: checks the deal, stores its schedule once and enqueues one job per period. */
  async plan(opp: SfOpportunity, entity: BillingEntity, options: { attempt: number; jobId?: string }): Promise<ScheduleOutcome> {
    let stored = await this.deps.schedules.get(opp.Id);
    const stop = stored ? stopReason(opp) : null;
    if (stored && stop) {
      await this.cancel(opp.Id, stop);
      return { ...scheduleOutcome(stored), action: 'cancelled' };
    }
    if (!stored) {
      const lines = lineItemsOf(opp);
      const problems = scheduleProblems(lines);
      if (problems.length > 0) {
        throw new AppError('MAPPING_ERROR', `Opportunity ${opp.Id} cannot be scheduled:\n${problems.map((p) => `${p.message} Fix: ${p.fix}`).join('\n')}`, { retryable: false, details: { problems } });
      }
      // Customer and items are resolved now so that a deal that cannot be billed fails when it is won.
      await this.deps.prepare(this.deps.api.company(entity.realmId), opp);
      const schedule = buildBillingSchedule(lines, await this.startOf(opp));
      stored = { ...schedule, opportunityId: opp.Id, realmId: entity.realmId, entity: entity.name, jobs: {} };
      await this.deps.schedules.save(stored);
    }
    if (!stored.cancelled) {
      // Enqueueing is idempotent (dedupe forever), so a retried plan re-finds the same jobs.
      for (const period of stored.periods) stored.jobs[period.date] = await this.deps.jobs.enqueue(opp.Id, period);
      await this.deps.schedules.save(stored);
    }
    this.deps.logger.info({ opportunityId: opp.Id, periods: stored.periods.length, start: stored.start, jobId: options.jobId }, 'subscription schedule planned');
    await this.deps.markScheduled?.(opp.Id);
    await this.showNext(stored);
    return scheduleOutcome(stored);
  }

  /** Where a schedule starts: the end of the renewed deal's term, else the Close Date. */
  private async startOf(opp: SfOpportunity): Promise<string> {
    const renewed = await this.deps.renewalOf?.(opp.Id);
    if (!renewed) return opp.CloseDate;
    const previous = await this.deps.schedules.get(renewed);
    if (!previous) {
      this.deps.logger.warn({ opportunityId: opp.Id, renewalOf: renewed }, 'the renewed deal has no Ledgerline schedule: the renewal starts on its Close Date');
      return opp.CloseDate;
    }
    return previous.end;
  }

  private async showNext(stored: StoredSchedule): Promise<void> {
    if (!this.deps.showNext) return;
    const next = stored.cancelled ? undefined : nextPeriodAfter(stored, this.deps.now().toISOString().slice(0, 10));
    await this.deps.showNext(stored.opportunityId, next ? { date: next.date, amount: fromCents(next.totalCents) } : null).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, opportunityId: stored.opportunityId }, 'could not show the next invoice on the Opportunity');
    });
  }

  /** The job of one period: creates its invoice exactly once. */
  async invoicePeriod(payload: SubscriptionJobPayload, options: { attempt: number; jobId?: string; claimedBefore?: boolean }): Promise<PeriodOutcome> {
    const { opportunityId, date } = payload;
    const stored = await this.deps.schedules.get(opportunityId);
    const period = stored?.periods.find((p) => p.date === date);
    if (!stored || !period) {
      throw new AppError('NOT_FOUND', `No billing period ${date} is scheduled for Opportunity ${opportunityId}.`, { retryable: false, fix: 'Retry the Opportunity\u2019s sync from its page to plan the schedule again.' });
    }
    if (stored.cancelled) return { opportunityId, action: 'skipped', reason: `cancelled: ${stored.cancelled.reason}` };
    const entity = await this.entityOf(stored);
    const company = this.deps.api.company(entity.realmId);
    const opp = await this.deps.loadOpportunity(opportunityId);
    if (!opp) throw new AppError('NOT_FOUND', `Opportunity ${opportunityId} was not found in Salesforce.`, { fix: 'Check the Ledgerline_Integration permission set\u2019s access to Opportunities.' });
    const stop = stopReason(opp);
    if (stop) {
      await this.cancel(opportunityId, stop);
      return { opportunityId, action: 'skipped', reason: `cancelled: ${stop}` };
    }
    const info = { date, index: period.index, count: stored.periods.length };

    const linked = await this.deps.recorder.periodInvoice(entity.realmId, opportunityId, date);
    if (linked) {
      const invoice = await company.read<QboInvoice>('Invoice', linked);
      await this.deps.recorder.record(opp, entity, invoice, { action: 'refreshed', jobId: options.jobId, period: info });
      return outcome(opp.Id, entity.realmId, invoice, 'refreshed');
    }
    const { context, customer, items, opp: seen } = await this.deps.prepare(company, opp);
    const draft = buildInvoiceDraft(periodOpportunity(seen, period), context, customer, items);
    if (!draft.ok) throw problemsError(opp.Id, draft.problems);
    const body = { ...draft.invoice, PrivateNote: periodNote(opp.Id, info) };
    for (const line of body.Line) if (line.DetailType === 'SalesItemLineDetail') line.SalesItemLineDetail.UnitPrice = roundUnitPrice(line.SalesItemLineDetail.UnitPrice);

    let invoice: QboInvoice | undefined;
    let action: 'created' | 'adopted' = 'created';
    if (options.attempt > 1 || options.claimedBefore === true) {
      invoice = await findPeriodInvoice(company, customer.id, opp.Id, date);
      if (invoice) action = 'adopted';
    }
    invoice ??= await company.create<QboInvoice>('Invoice', body, requestIdFor('sub', opp.Id, period.index)).catch(async (error: unknown) => {
      // QBO's 610 names nothing: say which product's item, customer or term is inactive, and the fix.
      const inactive = isQboFaultCode(error, '610') ? await inactiveReferences(company, opp, { items, customer, termId: body.SalesTermRef?.value }).catch(() => []) : [];
      throw inactive.length > 0 ? problemsError(opp.Id, inactive) : error;
    });
    await this.deps.recorder.record(opp, entity, invoice, { action, jobId: options.jobId, customerId: customer.id, summary: draft.summary, period: info });
    await this.deps.rollup?.(opp.Id, opp.AccountId).catch((error: unknown) => this.deps.logger.warn({ err: error, opportunityId }, 'invoice roll-up after a subscription period failed'));
    await this.showNext(stored);
    return outcome(opp.Id, entity.realmId, invoice, action);
  }

  /** Stops future invoices of a schedule: its queued period jobs are cancelled, issued invoices stay. */
  async cancel(opportunityId: string, reason: string): Promise<{ cancelledJobs: number }> {
    const stored = await this.deps.schedules.get(opportunityId);
    if (!stored) return { cancelledJobs: 0 };
    stored.cancelled ??= { at: this.deps.now().toISOString(), reason };
    await this.deps.schedules.save(stored);
    const cancelledJobs = await this.deps.jobs.cancel(Object.values(stored.jobs));
    this.deps.logger.info({ opportunityId, cancelledJobs, reason }, 'subscription schedule cancelled');
    await this.showNext(stored);
    return { cancelledJobs };
  }

  private async entityOf(stored: StoredSchedule): Promise<BillingEntity> {
    const entity = (await this.deps.entities.all()).find((e) => e.realmId === stored.realmId);
    if (!entity) {
      throw new AppError('QBO_AUTH', `QuickBooks company ${stored.realmId} ("${stored.entity}"), which bills this subscription, is not connected.`, { retryable: false, fix: `An admin reconnects "${stored.entity}" at /oauth/quickbooks/connect, then retries the job.` });
    }
    return entity;
  }
}

/** Why a scheduled deal must stop billing, or null while it stays won and billable. */
function stopReason(opp: SfOpportunity): string | null {
  if (opp.Billing_Sync_Status__c === 'Excluded') return 'the Opportunity is Excluded from billing sync';
  if (!opp.IsWon) return `the Opportunity is no longer won (stage ${opp.StageName})`;
  return null;
}

function scheduleOutcome(stored: StoredSchedule): ScheduleOutcome {
  return { opportunityId: stored.opportunityId, realmId: stored.realmId, action: 'scheduled', periods: stored.periods.length, firstDate: stored.periods[0]?.date ?? stored.start, end: stored.end };
}

/** The marker in PrivateNote: the Opportunity (as every Ledgerline invoice) and the period. */
export function periodNote(opportunityId: string, period: { date: string; index: number; count: number }): string {
  return `${privateNoteFor(opportunityId)}; billing period ${period.index + 1} of ${period.count} from ${period.date}`;
}

/**
 * The Opportunity as one period's invoice sees it: dated by the period, each line carrying the period's
 * amount (stored when the deal was won) and its service dates.
 */
export function periodOpportunity(opp: SfOpportunity, period: BillingPeriod): SfOpportunity {
  const byId = new Map(lineItemsOf(opp).map((line) => [line.Id, line]));
  const records: SfLineItem[] = period.lines.map((scheduled) => {
    const source = byId.get(scheduled.lineId);
    if (!source) {
      throw new AppError('MAPPING_ERROR', `Line ${scheduled.lineId} of the subscription on Opportunity ${opp.Id} was removed after the deal was won.`, { retryable: false, fix: 'Restore the product line, or cancel the subscription and sell a new one.' });
    }
    const amount = fromCents(scheduled.amountCents);
    const base = source.Description?.trim() || source.Product2?.Description?.trim() || source.Product2?.Name || source.Product2Id;
    const service = scheduled.recurring ? ` (${scheduled.serviceStart} to ${scheduled.serviceEnd}, period ${scheduled.periodNumber} of ${scheduled.periodCount})` : '';
    return { ...source, Discount: null, TotalPrice: amount, UnitPrice: amount / source.Quantity, ServiceDate: scheduled.serviceStart, Description: `${base}${service}` };
  });
  return { ...opp, CloseDate: period.date, OpportunityLineItems: { totalSize: records.length, done: true, records } };
}

async function findPeriodInvoice(company: QboCompany, customerId: string, opportunityId: string, date: string): Promise<QboInvoice | undefined> {
  try {
    const candidates = await company.query<QboInvoice>('Invoice', `where CustomerRef = ${qboQuoted(customerId)} and TxnDate = ${qboQuoted(date)}`);
    return candidates.find((inv) => opportunityIdFromPrivateNote(inv.PrivateNote) === opportunityId && (inv.PrivateNote ?? '').includes(`from ${date}`));
  } catch (error) {
    if (isQboFaultCode(error, '4001')) return undefined;
    throw error;
  }
}

function outcome(opportunityId: string, realmId: string, invoice: QboInvoice, action: SyncOutcome['action']): SyncOutcome {
  return { opportunityId, realmId, invoiceId: invoice.Id, docNumber: invoice.DocNumber, total: invoice.TotalAmt, action };
}
