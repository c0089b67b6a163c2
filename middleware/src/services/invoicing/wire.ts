/**
 * Wiring of the invoicing capability from the shared adapters: a Closed Won deal's `invoice.sync` job, the
 * subscription periods' jobs and the invoice e-mails, and the `SyncRequests` port the sync routes call.
 * container.ts calls this once.
 */
import type { Connection } from 'jsforce';
import type { Config } from '../../config';
import { AppError, isAppError } from '../../errors';
import { claimedBefore, failureEndsJob, type Job, type JobQueue } from '../../jobs';
import type { Logger } from '../../logger';
import type { SyncPolicy } from '../../policy';
import type { QboApi } from '../../quickbooks/api';
import type { Creator } from '../../quickbooks/batch-creator';
import { soqlIdList } from '../../salesforce/records';
import type { Store } from '../../store';
import type { SfOpportunity } from '../../sync/source';
import type { Gathering } from '../../util/gathering';
import { CompanyCatalog, CustomerLookalikes, type ItemMappings } from '../accounts';
import type { BillingEntities } from '../billing-entities';
import type { PaymentMirror, PaymentRollups } from '../payments';
import type { SalesforceWriteBack } from '../write-back';
import { CustomerResolver } from './customer-resolver';
import { INVOICE_SEND_JOB, InvoiceDelivery, type InvoiceSendJobPayload } from './invoice-delivery';
import { InvoiceRecorder, unrecordedFailure } from './invoice-recorder';
import { InvoiceSync } from './invoice-sync';
import type { SyncRequests } from './ports';
import { InvoicePreviewer } from './preview';
import { SUBSCRIPTION_JOB, SubscriptionInvoices, type StoredSchedule, type SubscriptionJobPayload } from './subscription-invoices';
import { sweepUninvoiced } from './sweeper';

export const INVOICE_JOB = 'invoice.sync';

export interface InvoiceJobPayload {
  opportunityId: string;
  reason: string;
}

export interface InvoicingDeps {
  config: Pick<Config, 'QBO_DISPLAY_NAME_MAX' | 'CATALOG_TTL_SECONDS'>;
  store: Store;
  queue: JobQueue;
  qbo: QboApi;
  salesforce: () => Promise<Connection>;
  policy: SyncPolicy;
  writeBack: SalesforceWriteBack;
  entities: BillingEntities;
  catalog: CompanyCatalog;
  itemMappings: ItemMappings;
  /** Creates invoices and customers, and looks new customers up (batched or direct). */
  creator: Creator;
  /** When invoicing jobs' Salesforce requests go out: each invoicing job runs inside it. */
  gathering: Gathering;
  /** The Opportunity with its lines, batched into one query per 200 deals. */
  loadOpportunity: (id: string) => Promise<SfOpportunity | null>;
  mirror: PaymentMirror;
  rollups: PaymentRollups;
  /** Customers just linked bring their history (history capability). */
  customersLinked: (realmId: string, customerIds: string[], reason: string) => Promise<void>;
  logger: Logger;
  now: () => number;
  wake: () => void;
}

export interface Invoicing {
  invoices: InvoiceSync;
  subscriptions: SubscriptionInvoices;
  recorder: InvoiceRecorder;
  previewer: InvoicePreviewer;
  delivery: InvoiceDelivery;
  /** What the sync routes call (http/sync-routes.ts). */
  requests: SyncRequests;
  /** The safety net for lost callouts: queues won deals of the last `days` days that have no invoice. */
  sweepUninvoiced(days: number): Promise<number>;
  handlers: Record<string, (job: Job<never>) => Promise<unknown>>;
}

export function wireInvoicing(deps: InvoicingDeps): Invoicing {
  const { config, store, queue, qbo, salesforce, policy, writeBack, entities, catalog, itemMappings, creator, loadOpportunity, mirror, rollups, logger, now } = deps;
  const customers = new CustomerResolver(
    {
      findCustomer: async (realmId, accountId) => {
        const link = await store.links.get<{ displayName?: string; currency?: string | null }>('customer', realmId, accountId);
        return link ? { id: link.qboId, ...(link.extra ?? {}) } : undefined;
      },
      saveCustomer: async (realmId, accountId, customer, how) => {
        await store.links.put({ kind: 'customer', realmId, salesforceId: accountId, qboId: customer.id, extra: { how, displayName: customer.displayName, currency: customer.currency } });
        await store.audit.append({ actor: 'ledgerline', action: how === 'created' ? 'customer.created' : 'customer.linked', system: how === 'created' ? 'quickbooks' : 'middleware', realmId, salesforceId: accountId, qboId: customer.id, field: 'DisplayName', newValue: customer.displayName, sourceEvent: how });
        // An existing QuickBooks customer now linked to an Account brings its history (a new one has none).
        if (how !== 'created') {
          await deps.customersLinked(realmId, [customer.id], 'customer-linked').catch((error: unknown) => logger.error({ err: error, realmId, customerId: customer.id }, 'could not queue the history import of a customer just linked'));
        }
      },
      accountsLinkedTo: async (realmId, customerId) => (await store.links.findByQboId('customer', realmId, customerId)).map((l) => l.salesforceId),
    },
    { maxLength: config.QBO_DISPLAY_NAME_MAX },
    new CustomerLookalikes(config.CATALOG_TTL_SECONDS * 1000, now),
    creator,
  );
  const recorder = new InvoiceRecorder(
    {
      invoicesOf: async (realmId, opportunityId) => (await store.links.findBySalesforceId('invoice', opportunityId, realmId)).map((l) => l.qboId),
      invoiceForPeriod: async (realmId, opportunityId, period) => (await store.links.findBySalesforceId<{ period?: string }>('invoice', opportunityId, realmId)).find((l) => l.extra?.period === period)?.qboId,
      saveInvoice: async (realmId, opportunityId, invoiceId, extra) => {
        await store.links.put({ kind: 'invoice', realmId, salesforceId: opportunityId, qboId: invoiceId, extra });
      },
    },
    {
      append: (entries) =>
        store.audit.append(
          entries.map((e) => ({
            actor: 'ledgerline',
            action: e.action,
            system: e.system,
            salesforceId: e.salesforceId ?? null,
            qboId: e.qboId ?? null,
            realmId: e.realmId ?? null,
            field: e.field ?? null,
            newValue: e.newValue ?? null,
            jobId: e.jobId ?? null,
            sourceEvent: e.sourceEvent ?? null,
          })),
        ),
    },
    writeBack,
    logger,
    () => new Date(now()),
    rollups,
    (currency) => mirror.recordCurrency(currency),
    // config/sync-policy.json invoiceDelivery.sendWhenCreated: one send job per new invoice, ever.
    policy.sendsNewInvoices
      ? async (realmId, opportunityId, invoiceId) => {
          await queue.enqueue<InvoiceSendJobPayload>({ type: INVOICE_SEND_JOB, payload: { realmId, opportunityId, invoiceId }, idempotencyKey: `invoice-send:${realmId}:${invoiceId}`, dedupe: 'forever' });
          deps.wake();
        }
      : undefined,
  );
  const subscriptions: SubscriptionInvoices = new SubscriptionInvoices({
    schedules: {
      get: (opportunityId) => store.settings.get<StoredSchedule>(`subscription-schedule:${opportunityId}`),
      save: (schedule) => store.settings.set(`subscription-schedule:${schedule.opportunityId}`, schedule),
    },
    jobs: {
      async enqueue(opportunityId, period) {
        const runAt = new Date(`${period.date}T00:00:00.000Z`);
        const { job } = await queue.enqueue<SubscriptionJobPayload>({ type: SUBSCRIPTION_JOB, payload: { opportunityId, date: period.date }, runAt, idempotencyKey: `subscription:${opportunityId}:${period.date}`, dedupe: 'forever' });
        if (runAt.getTime() <= now()) deps.wake();
        return job.id;
      },
      async cancel(jobIds) {
        let cancelled = 0;
        for (const id of jobIds) if (await queue.cancel(id)) cancelled += 1;
        return cancelled;
      },
    },
    loadOpportunity,
    entities,
    api: qbo,
    prepare: (company, opp) => invoices.prepare(company, opp),
    recorder,
    logger,
    now: () => new Date(now()),
    rollup: (opportunityId, accountId) => rollups.request([opportunityId], accountId ? [accountId] : []),
    renewalOf: async (opportunityId) => {
      const result = await (await salesforce()).query<{ Renewal_Of__c: string | null }>(`SELECT Renewal_Of__c FROM Opportunity WHERE Id IN (${soqlIdList([opportunityId])})`);
      return result.records[0]?.Renewal_Of__c ?? null;
    },
    showNext: async (opportunityId, next) => {
      const record = { Id: opportunityId, Next_Invoice_Date__c: next?.date ?? null, Next_Invoice_Amount__c: next?.amount ?? null };
      // Written only once config/sync-policy.json approves the two fields (middlewareFields.Opportunity).
      const allowed = policy.salesforceWritable('Opportunity');
      if (allowed.has('Next_Invoice_Date__c') && allowed.has('Next_Invoice_Amount__c')) await writeBack.update('Opportunity', record);
    },
    markScheduled: (opportunityId) => writeBack.update('Opportunity', { Id: opportunityId, Billing_Sync_Status__c: 'Synced', Billing_Sync_Error__c: null, Last_Billing_Sync__c: new Date(now()).toISOString() }).then(() => undefined),
  });
  const invoices: InvoiceSync = new InvoiceSync({ loadOpportunity, entities, api: qbo, catalog, customers, recorder, logger, subscriptions, creator, itemMappings });
  const previewer = new InvoicePreviewer(loadOpportunity, entities, qbo, catalog, customers, itemMappings);

  const delivery = new InvoiceDelivery({ links: store.links, company: (realmId) => qbo.company(realmId), mirror, audit: store.audit, state: store.settings, logger, now: () => new Date(now()) });

  const handlers = {
    [INVOICE_JOB]: (job: Job<InvoiceJobPayload>) => billingJob(job, job.payload.opportunityId, () => invoices.sync(job.payload.opportunityId, { attempt: job.attempts, jobId: job.id, claimedBefore: claimedBefore(job) })),
    [INVOICE_SEND_JOB]: (job: Job<InvoiceSendJobPayload>) => delivery.sendNew(job.payload, job.id),
    [SUBSCRIPTION_JOB]: (job: Job<SubscriptionJobPayload>) => billingJob(job, job.payload.opportunityId, () => subscriptions.invoicePeriod(job.payload, { attempt: job.attempts, jobId: job.id, claimedBefore: claimedBefore(job) })),
  };
  /** Runs an invoicing job; its last failure is written to the Opportunity with the fix. */
  function billingJob<T>(job: Job<unknown>, opportunityId: string, run: () => Promise<T>): Promise<T> {
    return deps.gathering.job(job.id, () => runBillingJob(job, opportunityId, run));
  }
  async function runBillingJob<T>(job: Job<unknown>, opportunityId: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      const appError = isAppError(error) ? error : null;
      // As the queue decides (a 429 on the last attempt is given back and retried): the deal shows Error only
      // when the job really ends, never while its retry is still to come.
      if (failureEndsJob(error, job.attempts, job.maxAttempts)) {
        const text = appError ? appError.readable : `Unexpected error: ${(error as Error).message}`;
        const unrecorded = await recorder.recordFailure(opportunityId, text).then(
          () => null,
          (writeError: unknown) => {
            logger.error({ err: writeError, opportunityId, jobId: job.id }, 'could not write the sync error to Salesforce');
            return unrecordedFailure(opportunityId, text, writeError);
          },
        );
        if (unrecorded) throw unrecorded;
      }
      throw error;
    }
  }

  const requests: SyncRequests = {
    async request(ids, reason) {
      const accepted = [];
      for (const opportunityId of ids) {
        const { job } = await queue.enqueue<InvoiceJobPayload>({ type: INVOICE_JOB, payload: { opportunityId, reason }, idempotencyKey: `opportunity:${opportunityId}` });
        accepted.push({ opportunityId, jobId: job.id, state: job.state });
      }
      deps.wake();
      return accepted;
    },
    preview: (id) => previewer.preview(id),
    async invoicePdf(id, invoiceId) {
      const link = (await store.links.findBySalesforceId('invoice', id)).find((l) => l.qboId === invoiceId);
      if (!link) {
        throw new AppError('NOT_FOUND', `QuickBooks invoice ${invoiceId} is not an invoice of Opportunity ${id} as far as Ledgerline knows.`, {
          fix: 'Open the PDF from an invoice card on the Opportunity; if the invoice was made in QuickBooks by hand, open it there.',
        });
      }
      return qbo.company(link.realmId).invoicePdf(invoiceId);
    },
    sendInvoice: (request) => delivery.send(request),
    async billing(id) {
      const links = await store.links.findBySalesforceId('invoice', id);
      const jobs = await queue.list({ key: `opportunity:${id}`, limit: 5 });
      return {
        opportunityId: id,
        invoices: links.map((l) => ({ realmId: l.realmId, invoiceId: l.qboId, ...(l.extra ?? {}) })),
        jobs: jobs.map((j) => ({ id: j.id, state: j.state, attempts: j.attempts, lastError: j.lastError, updatedAt: j.updatedAt })),
      };
    },
  };

  return {
    invoices,
    subscriptions,
    recorder,
    previewer,
    delivery,
    requests,
    sweepUninvoiced: async (days) => sweepUninvoiced(await salesforce(), requests, days),
    handlers: handlers as unknown as Invoicing['handlers'],
  };
}
