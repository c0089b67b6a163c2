import { AppError, toAppError } from '../../errors';
import type { Logger } from '../../logger';
import { deliveryOf } from '../../sync/delivery';
import { isVoided, type InvoiceSnapshot } from '../../sync/payment-status';
import type { DraftSummary } from '../../sync/invoice-draft';
import type { SfOpportunity } from '../../sync/source';
import type { BillingEntity } from '../billing-entities';
import type { PaymentRollups, Prefetched } from '../payments';
import type { SalesforceWriteBack } from '../write-back';

/** The part of a QBO invoice the middleware reads (the same shape payment status works on). */
export type QboInvoice = InvoiceSnapshot;

/** Which period of a subscription schedule an invoice bills (`extra.period` on its link). */
export interface InvoicePeriod {
  date: string;
  index: number;
  count: number;
}

export interface InvoiceLinks {
  invoicesOf(realmId: string, opportunityId: string): Promise<string[]>;
  /** The invoice already linked to one period of the Opportunity's schedule, if any. */
  invoiceForPeriod?(realmId: string, opportunityId: string, periodDate: string): Promise<string | undefined>;
  saveInvoice(realmId: string, opportunityId: string, invoiceId: string, extra: Record<string, unknown>): Promise<void>;
}

export interface AuditSink {
  append(entries: Array<{ action: string; system: 'salesforce' | 'quickbooks'; salesforceId?: string; qboId?: string; realmId?: string; field?: string; newValue?: string | null; jobId?: string; sourceEvent?: string }>): Promise<unknown>;
}

/** `QuickBooks_Invoice__c.QuickBooks_Key__c`: unique across companies. */
export function invoiceKey(realmId: string, invoiceId: string): string {
  return `${realmId}:${invoiceId}`;
}

/**
 * Records an invoice everywhere it must appear: the link table first (so no later attempt creates a
 * second one), then the audit log, then Salesforce (Opportunity sync fields, the invoice mirror record,
 * the Account's customer id).
 */
export class InvoiceRecorder {
  constructor(
    private readonly links: InvoiceLinks,
    private readonly audit: AuditSink,
    private readonly writeBack: SalesforceWriteBack,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
    /** Account and Opportunity roll-ups, run once a new invoice's mirror record is written. */
    private readonly rollups?: Pick<PaymentRollups, 'request'> & Partial<Pick<PaymentRollups, 'prefetch' | 'combines'>>,
    /** The mirror row's own CurrencyIsoCode in a multi-currency org (null elsewhere). */
    private readonly recordCurrency?: (currency: string | null) => Promise<string | null>,
    /** Told of each invoice this middleware created (or adopted after a lost answer), once it is recorded. */
    private readonly afterCreated?: (realmId: string, opportunityId: string, invoiceId: string) => Promise<void>,
  ) {}

  async linkedInvoice(realmId: string, opportunityId: string): Promise<string | undefined> {
    return (await this.links.invoicesOf(realmId, opportunityId))[0];
  }

  async periodInvoice(realmId: string, opportunityId: string, periodDate: string): Promise<string | undefined> {
    if (!this.links.invoiceForPeriod) throw new Error('InvoiceRecorder: the link store cannot look invoices up by period');
    return this.links.invoiceForPeriod(realmId, opportunityId, periodDate);
  }

  /**
   * Starts reading what the roll-ups of the deal's new invoice need (its and its Account's mirror rows), to run while
   * QuickBooks creates the invoice; pass the answer to `record`. Undefined when the roll-ups would not use it.
   */
  prefetch(opp: SfOpportunity): Promise<Prefetched | undefined> | undefined {
    if (!this.rollups?.prefetch || !this.rollups.combines) return undefined;
    return this.rollups.prefetch([opp.Id], opp.AccountId ? [opp.AccountId] : []);
  }

  async record(
    opp: SfOpportunity,
    entity: BillingEntity,
    invoice: QboInvoice,
    info: { action: 'created' | 'adopted' | 'refreshed'; jobId?: string | undefined; customerId?: string; summary?: DraftSummary; period?: InvoicePeriod; prefetched?: Promise<Prefetched | undefined> | undefined },
  ): Promise<void> {
    if (info.action !== 'refreshed') {
      // A create's answer is the invoice as QBO stored it: keeping its SyncToken lets the webhook of that
      // create be acknowledged without reading the invoice again (later changes come with their own events).
      const created = info.action === 'created' && invoice.SyncToken !== undefined
        ? { opportunityId: opp.Id, syncToken: invoice.SyncToken, ...(invoice.MetaData?.LastUpdatedTime ? { lastUpdated: invoice.MetaData.LastUpdatedTime } : {}), balance: invoice.Balance, payments: [] }
        : {};
      await this.links.saveInvoice(entity.realmId, opp.Id, invoice.Id, { docNumber: invoice.DocNumber ?? null, accountId: opp.AccountId, ...created, ...(info.period ? { period: info.period.date, periodIndex: info.period.index } : {}) });
      const job = info.jobId ? { jobId: info.jobId } : {};
      const customerWrite = entity.isDefault && info.customerId && opp.Account && opp.Account.QuickBooks_Customer_Id__c !== info.customerId;
      await this.audit.append([
        { action: `invoice.${info.action}`, system: 'quickbooks', salesforceId: opp.Id, qboId: invoice.Id, realmId: entity.realmId, field: 'TotalAmt', newValue: String(invoice.TotalAmt), ...job },
        { action: 'field.updated', system: 'salesforce', salesforceId: opp.Id, qboId: invoice.Id, realmId: entity.realmId, field: 'Opportunity.QuickBooks_Invoice_Id__c', newValue: invoice.Id, ...job },
        ...(customerWrite ? [{ action: 'field.updated', system: 'salesforce' as const, salesforceId: opp.AccountId ?? opp.Account!.Id, qboId: info.customerId!, realmId: entity.realmId, field: 'Account.QuickBooks_Customer_Id__c', newValue: info.customerId!, ...job }] : []),
      ]);
    }
    // The Opportunity's invoice fields describe the first (or only) invoice; later periods of a schedule
    // only mark the sync, and the payment roll-ups keep the totals over all of the deal's invoices.
    const first = !info.period || info.period.index === 0;
    // A deal showing Synced always has its invoice record, its Account link and roll-ups in place. With roll-ups that
    // combine writes, the invoice record, the Account (roll-up and customer id) and the Opportunity (roll-up and
    // Synced) go in one call, in that order; otherwise the invoice record is written first, then the roll-ups.
    const rowCurrency = (await this.recordCurrency?.(invoice.CurrencyRef?.value ?? null)) ?? null;
    const delivery = deliveryOf(invoice);
    const key = invoiceKey(entity.realmId, invoice.Id);
    // A refresh (a Retry of an invoiced deal) rewrites an invoice that may have been paid or voided since: it keeps
    // the mirror's last payment date and says whether the invoice is voided now.
    const refresh = info.action === 'refreshed';
    const voided = refresh && isVoided(invoice);
    const invoiceRecord = {
      ...(rowCurrency ? { CurrencyIsoCode: rowCurrency } : {}),
      QuickBooks_Key__c: key,
      Opportunity__c: opp.Id,
      Account__c: opp.AccountId,
      Doc_Number__c: invoice.DocNumber ?? null,
      Txn_Date__c: invoice.TxnDate ?? null,
      Due_Date__c: invoice.DueDate ?? null,
      Total__c: invoice.TotalAmt,
      Balance__c: invoice.Balance,
      Currency__c: invoice.CurrencyRef?.value ?? null,
      ...(opp.Billing_Entity__c ? { Billing_Entity__c: opp.Billing_Entity__c } : {}),
      Voided__c: voided,
      Email_Status__c: delivery.emailStatus,
      Sent_At__c: delivery.sentAt,
    };
    const combined = this.rollups?.combines === true;
    if (!combined) await this.writeBack.upsert('QuickBooks_Invoice__c', 'QuickBooks_Key__c', invoiceRecord);
    const accountLink = entity.isDefault && info.customerId && opp.Account && opp.Account.QuickBooks_Customer_Id__c !== info.customerId ? { Id: opp.Account.Id, QuickBooks_Customer_Id__c: info.customerId } : null;
    const synced = {
      Id: opp.Id,
      Billing_Sync_Status__c: 'Synced',
      Billing_Sync_Error__c: null,
      Last_Billing_Sync__c: this.now().toISOString(),
      ...(first
        ? {
            QuickBooks_Invoice_Id__c: invoice.Id,
            Invoice_Number__c: invoice.DocNumber ?? null,
            Invoice_Total__c: invoice.TotalAmt,
            Invoice_Balance__c: invoice.Balance,
            Invoice_Due_Date__c: invoice.DueDate ?? null,
          }
        : {}),
    };
    const row = {
      key,
      realmId: entity.realmId,
      invoiceId: invoice.Id,
      opportunityId: opp.Id,
      accountId: opp.AccountId ?? null,
      docNumber: invoice.DocNumber ?? null,
      total: invoice.TotalAmt,
      balance: invoice.Balance,
      dueDate: invoice.DueDate ?? null,
      lastPaymentDate: null,
      voided,
      currency: invoice.CurrencyRef?.value ?? null,
      txnDate: invoice.TxnDate ?? null,
      type: null,
      accountCurrency: opp.Account?.CurrencyIsoCode ?? null,
    };
    const prefetched = combined ? await info.prefetched : undefined;
    // The Account's customer id and the deal's Synced go with the roll-ups' writes of the same records (the run
    // writes Accounts before Opportunities): a burst's deals cost one Account and one Opportunity collection call.
    const rolledUp = this.rollups
      ? await this.rollups
          .request([opp.Id], opp.AccountId ? [opp.AccountId] : [], {
            with: [...(accountLink ? [{ sobject: 'Account' as const, record: accountLink }] : []), { sobject: 'Opportunity', record: synced }],
            ...(combined ? { upserts: [{ record: invoiceRecord, row, ...(refresh ? { refresh } : {}) }] } : {}),
            ...(prefetched ? { prefetched } : {}),
          })
          .then(
            () => true,
            (error: unknown) => {
              // A failed roll-up does not fail the job: the invoice exists and is recorded; the next payment event or
              // a Retry of the deal rolls up again. The invoice record, the Account's link and the deal's Synced are
              // then written on their own.
              this.logger.warn({ err: error, opportunityId: opp.Id }, 'roll-ups after a new invoice failed; the next payment event or sweep redoes them');
              return false;
            },
          )
      : false;
    if (!rolledUp) {
      if (combined) await this.writeBack.upsert('QuickBooks_Invoice__c', 'QuickBooks_Key__c', invoiceRecord);
      if (accountLink) await this.writeBack.update('Account', accountLink);
      await this.writeBack.update('Opportunity', synced);
    }
    this.logger.info({ opportunityId: opp.Id, invoiceId: invoice.Id, docNumber: invoice.DocNumber, action: info.action, jobId: info.jobId }, 'invoice recorded in Salesforce');
    if (info.action !== 'refreshed') await this.afterCreated?.(entity.realmId, opp.Id, invoice.Id);
  }

  /** A permanent failure: the Opportunity shows it, with the fix, until a person retries. */
  async recordFailure(opportunityId: string, message: string): Promise<void> {
    await this.writeBack.update('Opportunity', { Id: opportunityId, Billing_Sync_Status__c: 'Error', Billing_Sync_Error__c: message.slice(0, 32000) });
  }

  async recordQueued(opportunityIds: string[]): Promise<void> {
    await Promise.all(opportunityIds.map((Id) => this.writeBack.update('Opportunity', { Id, Billing_Sync_Status__c: 'Queued', Billing_Sync_Error__c: null })));
  }
}

/**
 * A permanent failure that could not be written to its Opportunity either (e.g. the integration user may
 * not edit Billing_Sync_Status__c): the job ends dead with both reasons, so the ops page and
 * `npm run cli -- jobs` show what the deal cannot.
 */
export function unrecordedFailure(opportunityId: string, text: string, writeError: unknown): AppError {
  const refusal = toAppError(writeError);
  return new AppError('SALESFORCE_ERROR', `${text} The error could not be shown on Opportunity ${opportunityId} either: ${refusal.message}`, {
    retryable: false,
    ...(refusal.fix ? { fix: refusal.fix } : {}),
    details: { unrecorded: true, opportunityId },
    cause: writeError,
  });
}
