import type { Connection } from 'jsforce';
import type { Config } from './config';
import { AppError, isAppError } from './errors';
import type { Logger } from './logger';
import { createApp } from './http/app';
import { keyMatcher, presentedSecret, requireAdmin } from './http/admin-auth';
import { requireApiKey } from './http/auth';
import { oauthRoutes } from './http/oauth-routes';
import { LedgerlineMetrics, metricsRoutes } from './http/metrics';
import { syncRoutes, type SyncRequests } from './http/sync-routes';
import { createJobQueue, claimedBefore, every, failureEndsJob, startWorkers, type IntervalTask, type Job, type JobQueue, type WorkerPool } from './jobs';
import { BatchCreator, directCreator, type Creator } from './quickbooks/batch-creator';
import { QboApi } from './quickbooks/api';
import { LocalGate, type RequestGate } from './quickbooks/limiter';
import { PostgresGate } from './quickbooks/shared-limiter';
import { IntuitOAuth } from './quickbooks/oauth';
import { TokenManager } from './quickbooks/tokens';
import { connectSalesforce } from './salesforce/auth';
import { fetchOpportunities } from './salesforce/opportunity-query';
import { soqlIdList } from './salesforce/records';
import { BillingEntities } from './services/billing-entities';
import { CompanyCatalog } from './services/company-context';
import { CustomerResolver } from './services/customer-resolver';
import { CustomerLookalikes } from './services/customer-lookalikes';
import { OnboardingService } from './services/onboarding-service';
import { onboardingRoutes } from './http/onboarding-routes';
import { InvoicePreviewer } from './services/preview';
import { InvoiceRecorder, unrecordedFailure } from './services/invoice-recorder';
import { InvoiceSync } from './services/invoice-sync';
import { INVOICE_SEND_JOB, InvoiceDelivery, type InvoiceSendJobPayload } from './services/invoice-delivery';
import { SUBSCRIPTION_JOB, SubscriptionInvoices, type StoredSchedule, type SubscriptionJobPayload } from './services/subscription-invoices';
import { SyncPolicy } from './policy';
import { ItemMappings } from './services/item-mappings';
import { createGovernance, type Governance } from './governance';
import { FOLLOWED_ENTITIES, QBO_FOLLOW_JOB } from './services/customer-follow';
import { QboConnectService } from './services/qbo-connect';
import { SalesforceWriteBack } from './services/write-back';
import { BillingUpdatePublisher, billingChangeOf } from './services/billing-updates';
import { sweepUninvoiced } from './services/sweeper';
import { webhookRoutes } from './http/webhook-routes';
import { CdcSweeper } from './services/cdc-sweeper';
import { PaymentEventProcessor, QBO_EVENT_JOB, type QboEventJobPayload } from './services/payment-events';
import { OrgCurrencies } from './services/org-currencies';
import { PaymentMirror } from './services/payment-mirror';
import { InvoiceRefresher } from './services/payment-refresher';
import { PaymentRollups } from './services/payment-rollups';
import { refreshNewlyOverdue } from './services/receivables-overdue';
import { ReceivablesMonths } from './services/receivables-months';
import { PAYMENT_ENTITIES, WebhookIntake } from './services/webhook-intake';
import { DocumentMirror } from './services/document-mirror';
import { DocumentRefresher } from './services/document-refresher';
import { HistoryImport } from './services/history-import';
import { HistoryJobs } from './services/history-jobs';
import { historyRoutes } from './http/history-routes';
import { openStore, type Store } from './store';
import { purgeExpired } from './store/retention';
import type { SfOpportunity } from './sync/source';
import { Batcher } from './util/batcher';
import { GATHERING_STAGES, Gathering } from './util/gathering';
import type { Express, Request } from 'express';

export const INVOICE_JOB = 'invoice.sync';
/**
 * The longest an invoicing job's Salesforce request waits for other jobs to join it. Usually the wait ends much
 * sooner, when every invoicing job is waiting; this bounds it when one job is held up elsewhere (a QuickBooks retry).
 */
const SALESFORCE_GATHER_MAX_MS = 30_000;

export interface InvoiceJobPayload {
  opportunityId: string;
  reason: string;
}

export interface Ledgerline {
  config: Config;
  /** The governed sync policy (config/sync-policy.json), validated at start-up. */
  policy: SyncPolicy;
  /** Health, jobs and audit operations, and the two-way customer sync. */
  governance: Governance;
  store: Store;
  queue: JobQueue;
  app: Express;
  /** What a worker-role process serves: /healthz, /readyz and /metrics only. */
  opsApp: Express;
  /** The Prometheus registry behind GET /metrics. */
  metrics: LedgerlineMetrics;
  qbo: QboApi;
  oauth: IntuitOAuth;
  salesforce: () => Promise<Connection>;
  writeBack: SalesforceWriteBack;
  /** Live updates: one Ledgerline_Billing_Update__e event per write-back batch. */
  billingUpdates: BillingUpdatePublisher;
  opportunityLoader: Batcher<string, SfOpportunity | null>;
  /** When invoicing jobs' Salesforce requests go out (util/gathering.ts). */
  gathering: Gathering;
  invoices: InvoiceSync;
  /** Creates invoices and customers, and looks new customers up, in batches (QBO_BATCH_WINDOW_MS > 0; its `stats` count batches). */
  creator: Creator;
  /** Subscription schedules: one invoice per billing period, created on its date by delayed jobs. */
  subscriptions: SubscriptionInvoices;
  /** Payment status back into Salesforce: webhook intake, event workers, CDC safety net, roll-ups. */
  payments: PaymentStatusParts;
  /** Onboarding an existing business: match and link customers and items (CLI and admin API). */
  onboarding: OnboardingService;
  /** DSO by month: `Receivables_Month__c` rows from the invoice mirror (daily, and `npm run cli -- dso`). */
  receivablesMonths: ReceivablesMonths;
  /** History import and weekly reconciliation of every sales document (durable jobs). */
  history: HistoryJobs;
  importer: HistoryImport;
  /** Starts workers and sweepers unless LEDGERLINE_ROLE is web (the HTTP server is started by the caller). */
  start(): void;
  stop(graceMs?: number): Promise<void>;
  /** Counters for benchmarks and /metrics. */
  stats(): { salesforceQueries: number; salesforceWrites: number };
}

export interface PaymentStatusParts {
  intake: WebhookIntake;
  events: PaymentEventProcessor;
  refresher: InvoiceRefresher;
  rollups: PaymentRollups;
  cdc: CdcSweeper;
  /** One sweeper pass now (inbox drain, newly overdue receivables, DSO by month once a day, CDC for every company). */
  sweepNow(): Promise<void>;
}

export interface ContainerOptions {
  logger: Logger;
  now?: () => number;
}

/** Wires the middleware from validated settings: store, queue, adapters, services, routes. */
export async function createLedgerline(config: Config, options: ContainerOptions): Promise<Ledgerline> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  if (!config.QBO_CLIENT_ID || !config.QBO_CLIENT_SECRET || !config.QBO_REDIRECT_URI) {
    throw new AppError('CONFIG_INVALID', 'QBO_CLIENT_ID, QBO_CLIENT_SECRET and QBO_REDIRECT_URI are required to run the middleware.', {
      fix: 'Create an app at developer.intuit.com and set the three variables.',
    });
  }
  const policy = SyncPolicy.load(config.SYNC_POLICY_PATH);
  const store = await openStore(config.DATABASE_URL, { encryptionKey: config.LEDGERLINE_ENCRYPTION_KEY, decryptionKeys: config.LEDGERLINE_DECRYPTION_KEYS, now: () => new Date(now()) });
  const queue = createJobQueue(store, { logger, now: () => new Date(now()), maxAttempts: config.JOB_MAX_ATTEMPTS, backoff: { baseMs: config.JOB_BACKOFF_BASE_MS, capMs: config.JOB_BACKOFF_CAP_MS } });

  const oauth = new IntuitOAuth({
    clientId: config.QBO_CLIENT_ID,
    clientSecret: config.QBO_CLIENT_SECRET,
    redirectUri: config.QBO_REDIRECT_URI,
    environment: config.QBO_ENVIRONMENT,
    ...(config.QBO_OAUTH_BASE_URL ? { oauthBaseUrl: config.QBO_OAUTH_BASE_URL } : {}),
    now,
  });
  const tokens = new TokenManager(store.connections, oauth, logger, now);
  // On PostgreSQL every instance shares one budget per company; SQLite runs one process, which counts alone.
  const gateLimits = { concurrency: config.QBO_MAX_CONCURRENT, requestsPerMinute: config.QBO_REQUESTS_PER_MINUTE, batchesPerMinute: config.QBO_BATCHES_PER_MINUTE };
  const gate: RequestGate =
    store.dialect === 'postgres'
      ? new PostgresGate({ ...gateLimits, databaseUrl: config.DATABASE_URL, leaseMs: 10_000, logger })
      : new LocalGate(gateLimits);
  const qbo = new QboApi(
    {
      clientId: config.QBO_CLIENT_ID,
      clientSecret: config.QBO_CLIENT_SECRET,
      environment: config.QBO_ENVIRONMENT,
      ...(config.QBO_API_BASE_URL ? { apiBaseUrl: config.QBO_API_BASE_URL } : {}),
      minorVersion: config.QBO_MINOR_VERSION,
      timeoutMs: config.QBO_TIMEOUT_MS,
      maxConcurrentPerRealm: config.QBO_MAX_CONCURRENT,
      requestsPerMinutePerRealm: config.QBO_REQUESTS_PER_MINUTE,
      batchesPerMinutePerRealm: config.QBO_BATCHES_PER_MINUTE,
    },
    tokens,
    logger,
    gate,
  );

  let sfConnection: Promise<Connection> | null = null;
  const salesforce = (): Promise<Connection> => {
    sfConnection ??= connectSalesforce({
      loginUrl: config.SALESFORCE_LOGIN_URL,
      clientId: config.SALESFORCE_CLIENT_ID ?? '',
      apiVersion: config.SALESFORCE_API_VERSION,
      ...(config.SALESFORCE_USERNAME ? { username: config.SALESFORCE_USERNAME } : {}),
      ...(config.SALESFORCE_PRIVATE_KEY ? { privateKey: config.SALESFORCE_PRIVATE_KEY } : {}),
      ...(config.SALESFORCE_CLIENT_SECRET ? { clientSecret: config.SALESFORCE_CLIENT_SECRET } : {}),
    }).catch((error: unknown) => {
      sfConnection = null;
      throw error;
    });
    return sfConnection;
  };

  // The org's currency mode comes from the org; SALESFORCE_MULTICURRENCY may only confirm it.
  const currencies = new OrgCurrencies(salesforce, { configured: config.SALESFORCE_MULTICURRENCY, now });
  if (config.SALESFORCE_MULTICURRENCY !== undefined && config.SALESFORCE_CLIENT_ID) await checkCurrencyMode(currencies, logger);
  // Invoicing jobs' Salesforce reads and writes wait for each other (one query and one collection call per
  // object for up to 200 deals), but never for a job that could not join: see util/gathering.ts.
  const gathering = new Gathering({ maxWaitMs: SALESFORCE_GATHER_MAX_MS });
  const opportunityLoader = new Batcher<string, SfOpportunity | null>(
    async (ids) => {
      const multiCurrency = await currencies.isMultiCurrency();
      const records = await fetchOpportunities(await salesforce(), ids, { multiCurrency });
      // A single-currency org's deals are in its one currency (they carry no CurrencyIsoCode).
      if (!multiCurrency && records.length > 0) {
        const { corporate } = await currencies.rates();
        for (const record of records) record.CurrencyIsoCode = corporate;
      }
      const byId = new Map<string, SfOpportunity | null>(ids.map((id) => [id, null]));
      for (const record of records) {
        byId.set(record.Id, record);
        byId.set(record.Id.slice(0, 15), record);
      }
      return byId;
    },
    { maxBatch: 200, windowMs: 20, gathering, stage: GATHERING_STAGES.read },
  );
  const loadOpportunity = (id: string) => opportunityLoader.load(id);

  const billingUpdates = new BillingUpdatePublisher(salesforce, logger, { now, onOutcome: (outcome, events) => metrics.billingUpdateEvents(outcome, events) });
  const writeBack = new SalesforceWriteBack(
    salesforce,
    undefined,
    (sobject, record, keyField) => policy.assertSalesforceWrite(sobject, record, keyField),
    (sobject, records) => {
      for (const record of records) billingUpdates.note(billingChangeOf(sobject, record));
    },
    gathering,
    (sobject) => ({ QuickBooks_Invoice__c: GATHERING_STAGES.invoiceRecord, Account: GATHERING_STAGES.accounts, Opportunity: GATHERING_STAGES.opportunities })[sobject] ?? GATHERING_STAGES.opportunities,
  );
  const entities = new BillingEntities(store.connections, config.DEFAULT_BILLING_ENTITY);
  const catalog = new CompanyCatalog(new Map(), config.CATALOG_TTL_SECONDS * 1000, now);
  const itemMappings = new ItemMappings({ salesforce, audit: store.audit, guard: (sobject, record, keyField) => policy.assertSalesforceWrite(sobject, record, keyField) });
  // Invoice and customer creates, and the look-ups of new customers, gathered into batches that follow the batch budget.
  const creator: Creator = config.QBO_BATCH_WINDOW_MS > 0 ? new BatchCreator({ batchesPerMinute: config.QBO_BATCHES_PER_MINUTE, logger }) : directCreator;
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
          await history.customersLinked(realmId, [customer.id], 'customer-linked').catch((error: unknown) => logger.error({ err: error, realmId, customerId: customer.id }, 'could not queue the history import of a customer just linked'));
        }
      },
      accountsLinkedTo: async (realmId, customerId) => (await store.links.findByQboId('customer', realmId, customerId)).map((l) => l.salesforceId),
    },
    { maxLength: config.QBO_DISPLAY_NAME_MAX },
    new CustomerLookalikes(config.CATALOG_TTL_SECONDS * 1000, now),
    creator,
  );
  const today = (): string => new Date(now()).toISOString().slice(0, 10);
  const mirror = new PaymentMirror(salesforce, writeBack, { currencies });
  const rollups = new PaymentRollups(mirror, writeBack, logger, today, currencies, gathering);
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
          pool?.wake();
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
        if (runAt.getTime() <= now()) pool?.wake();
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

  const connectedRealms = async (): Promise<string[]> => (await store.connections.list()).filter((c) => c.status === 'connected').map((c) => c.realmId);
  const company = (realmId: string) => qbo.company(realmId);
  const refresher = new InvoiceRefresher({ company, links: store.links, mirror, rollups, audit: store.audit, logger });
  const documentMirror = new DocumentMirror(salesforce, writeBack, mirror);
  const documents = new DocumentRefresher({ company, links: store.links, mirror: documentMirror, audit: store.audit, rollups, logger });
  const importer = new HistoryImport({ company, links: store.links, mirror: documentMirror, cursors: store.cursors, settings: store.settings, audit: store.audit, rollups, logger, now });
  const history: HistoryJobs = new HistoryJobs({ queue, importer, connectedRealms, months: config.IMPORT_MONTHS, reconcileHours: config.RECONCILE_INTERVAL_HOURS, wake: () => pool?.wake(), logger, now });
  const paymentEvents = new PaymentEventProcessor({
    inbox: store.inbox,
    company,
    links: store.links,
    refresher,
    isConnected: async (realmId) => (await connectedRealms()).includes(realmId),
    logger,
    documents,
  });
  const metrics = new LedgerlineMetrics({
    jobCounts: () => queue.counts(),
    oldestQueuedAgeMs: () => queue.oldestQueuedAge(),
    oldestPendingWebhook: async () => (await store.inbox.pending(1))[0],
    salesforceCalls: () => ({ queries: opportunityLoader.calls, writes: writeBack.calls }),
    // Only a connection already made is read: a scrape never logs in to Salesforce.
    salesforceApiUsage: async () => {
      const connection = sfConnection ? await sfConnection.catch(() => null) : null;
      const usage = connection?.limitInfo?.apiUsage;
      return usage ? { used: usage.used, limit: usage.limit } : null;
    },
    now,
  });
  qbo.observer = { call: (realmId) => metrics.qboRequest(realmId), throttled: (realmId) => metrics.qboThrottle(realmId) };
  const intake = new WebhookIntake({
    inbox: store.inbox,
    connectedRealms,
    enqueue: async (events) => {
      metrics.webhookStored(events);
      // One transaction for the lot: one commit, not one per event, on the web role's database connections.
      await queue.enqueueMany<QboEventJobPayload>(
        events.map((event) => ({ type: FOLLOWED_ENTITIES.has(event.entity) ? QBO_FOLLOW_JOB : QBO_EVENT_JOB, payload: { inboxId: event.id }, idempotencyKey: `qbo-event:${event.id}`, dedupe: 'forever' })),
      );
      pool?.wake();
    },
    logger,
    now,
    entities: new Set([...PAYMENT_ENTITIES, ...FOLLOWED_ENTITIES]),
  });
  // Items changed in QuickBooks follow onto their products (governance, wired below; called only when sweeping).
  const items = (realmId: string, itemId: string, source: string) => governance.follow.item(realmId, itemId, source);
  const cdc = new CdcSweeper({ connectedRealms, cursors: store.cursors, company, links: store.links, refresher, events: paymentEvents, mirror, logger, now, items, documents });
  const receivablesMonths = new ReceivablesMonths({ salesforce, writeBack, entities: () => entities.all(), defaultCurrency: async () => (await currencies.rates()).corporate, cursors: store.cursors, today });
  const sweepPayments = async (): Promise<void> => {
    await intake.drain(30_000);
    await refreshNewlyOverdue({ cursors: store.cursors, mirror, rollups, today }).catch((error: unknown) => logger.error({ err: error }, 'overdue receivables refresh failed'));
    await receivablesMonths.refreshDaily().catch((error: unknown) => logger.error({ err: error }, 'DSO by month refresh failed'));
    await cdc.sweepAll();
  };
  if (!config.QBO_WEBHOOK_VERIFIER_TOKEN) logger.warn('QBO_WEBHOOK_VERIFIER_TOKEN is not set: QuickBooks webhooks are refused and payment status relies on the CDC sweep alone');

  const handlers = {
    ...history.handlers(),
    [QBO_EVENT_JOB]: (job: Job<QboEventJobPayload>) => paymentEvents.process(job.payload.inboxId),
    [INVOICE_JOB]: (job: Job<InvoiceJobPayload>) => billingJob(job, job.payload.opportunityId, () => invoices.sync(job.payload.opportunityId, { attempt: job.attempts, jobId: job.id, claimedBefore: claimedBefore(job) })),
    [INVOICE_SEND_JOB]: (job: Job<InvoiceSendJobPayload>) => delivery.sendNew(job.payload, job.id),
    [SUBSCRIPTION_JOB]: (job: Job<SubscriptionJobPayload>) => billingJob(job, job.payload.opportunityId, () => subscriptions.invoicePeriod(job.payload, { attempt: job.attempts, jobId: job.id, claimedBefore: claimedBefore(job) })),
  };
  /** Runs an invoicing job; its last failure is written to the Opportunity with the fix. */
  function billingJob<T>(job: Job<unknown>, opportunityId: string, run: () => Promise<T>): Promise<T> {
    return gathering.job(job.id, () => runBillingJob(job, opportunityId, run));
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

  let pool: WorkerPool | null = null;
  const sweepers: IntervalTask[] = [];
  const requests: SyncRequests = {
    async request(ids, reason) {
      const accepted = [];
      for (const opportunityId of ids) {
        const { job } = await queue.enqueue<InvoiceJobPayload>({ type: INVOICE_JOB, payload: { opportunityId, reason }, idempotencyKey: `opportunity:${opportunityId}` });
        accepted.push({ opportunityId, jobId: job.id, state: job.state });
      }
      pool?.wake();
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

  const connect = new QboConnectService(
    oauth,
    store,
    async (realmId, accessToken) => {
      const info = await qbo.companyInfoWithToken<{ CompanyInfo?: { CompanyName?: string }; CompanyName?: string }>(realmId, accessToken);
      return info.CompanyName ?? info.CompanyInfo?.CompanyName ?? null;
    },
    logger,
    now,
  );
  connect.onFirstConnect = (realmId) => history.requestImport({ realmId, reason: 'connect' });
  const adminKeys = config.LEDGERLINE_ADMIN_KEYS;
  const anyKey = keyMatcher([...config.LEDGERLINE_API_KEYS, ...adminKeys]);
  const adminKey = keyMatcher(adminKeys);
  const governance = createGovernance({ config, store, queue, qbo, salesforce, policy, logger, now, writeBack, catalog, entities, itemMappings, wake: () => pool?.wake(), adminAuth: requireAdmin(adminKeys), apiAuth: requireApiKey(config.LEDGERLINE_API_KEYS), history: (realmId) => history.status(realmId) });
  Object.assign(handlers, governance.handlers);
  const onboarding = new OnboardingService({ salesforce, company: (realmId) => qbo.company(realmId), entities, store, logger, policy, itemMappings, customersLinked: (realmId, ids) => history.customersLinked(realmId, ids, 'onboarding') });
  const ready = async (): Promise<{ ok: boolean; checks: Record<string, unknown> }> => {
    const checks: Record<string, unknown> = {};
    let ok = true;
    try {
      await store.ping();
      checks.store = 'ok';
    } catch (error) {
      ok = false;
      // The database's own message can name hosts, files or users: it goes to the log only.
      logger.error({ err: error }, 'readiness: the database did not answer');
      checks.store = 'unavailable (the database did not answer; see the log)';
    }
    const connections = await store.connections.list().catch(() => []);
    checks.quickbooks = connections.map((c) => ({ billingEntity: c.billingEntity, realmId: c.realmId, status: c.status }));
    if (!connections.some((c) => c.status === 'connected')) ok = false;
    return { ok, checks };
  };
  const isAdmin = (req: Request): boolean => {
    const secret = presentedSecret(req);
    return secret !== undefined && adminKey(secret);
  };
  const app = createApp({
    logger,
    bodyLimit: config.BODY_LIMIT,
    rateLimitPerMinute: config.RATE_LIMIT_PER_MINUTE,
    trustProxy: config.TRUST_PROXY,
    isAdmin,
    authenticated: (req) => {
      const secret = presentedSecret(req);
      return secret !== undefined && anyKey(secret);
    },
    routers: [metricsRoutes(metrics, { metricsToken: config.METRICS_TOKEN, adminKeys }), ...governance.routers, historyRoutes(history, requireAdmin(adminKeys)), onboardingRoutes(onboarding, requireAdmin(adminKeys)), webhookRoutes(intake, { verifierToken: config.QBO_WEBHOOK_VERIFIER_TOKEN, bodyLimit: config.WEBHOOK_BODY_LIMIT, logger }), syncRoutes(requests, requireApiKey(config.LEDGERLINE_API_KEYS), config.BODY_LIMIT, config.PREVIEW_PER_MINUTE, config.SEND_PER_MINUTE), oauthRoutes(connect, requireAdmin(adminKeys))],
    ready,
  });
  const opsApp = createApp({ logger, ready, isAdmin, routers: [metricsRoutes(metrics, { metricsToken: config.METRICS_TOKEN, adminKeys })] });

  return {
    config,
    policy,
    governance,
    store,
    queue,
    app,
    opsApp,
    metrics,
    qbo,
    oauth,
    salesforce,
    writeBack,
    billingUpdates,
    opportunityLoader,
    gathering,
    invoices,
    creator,
    subscriptions,
    payments: { intake, events: paymentEvents, refresher, rollups, cdc, sweepNow: sweepPayments },
    onboarding,
    receivablesMonths,
    history,
    importer,
    start() {
      if (config.LEDGERLINE_ROLE === 'web') {
        logger.info({ role: 'web' }, 'web role: jobs are stored here and run by worker processes');
        return;
      }
      pool = startWorkers({
        queue,
        logger,
        handlers: metrics.timeJobs(handlers as never, now) as never,
        concurrency: config.WORKER_CONCURRENCY,
        pollIntervalMs: config.WORKER_POLL_MS,
        leaseMs: config.JOB_LEASE_MS,
      });
      if (config.SWEEP_INTERVAL_SECONDS > 0) {
        sweepers.push(
          every(config.SWEEP_INTERVAL_SECONDS * 1000, async () => {
            const found = await sweepUninvoiced(await salesforce(), requests, config.SWEEP_LOOKBACK_DAYS);
            if (found > 0) logger.info({ found }, 'sweeper re-queued won opportunities without an invoice');
          }, { logger, name: 'uninvoiced-sweeper' }),
        );
      }
      if (config.RETENTION_INTERVAL_SECONDS > 0) {
        const retention = { webhookDays: config.RETENTION_WEBHOOK_DAYS, jobDays: config.RETENTION_JOB_DAYS, auditDays: config.RETENTION_AUDIT_DAYS };
        sweepers.push(
          every(config.RETENTION_INTERVAL_SECONDS * 1000, async () => {
            const purged = await purgeExpired(store, queue, retention, new Date(now()));
            if (Object.values(purged).some((n) => n > 0)) logger.info({ purged }, 'retention: old history deleted');
          }, { logger, name: 'retention' }),
        );
      }
      if (config.CDC_INTERVAL_SECONDS > 0) {
        sweepers.push(every(config.CDC_INTERVAL_SECONDS * 1000, sweepPayments, { logger, name: 'qbo-cdc-sweeper' }));
      }
      if (config.RECONCILE_INTERVAL_HOURS > 0) {
        // The reconciliations themselves are durable delayed jobs; this only keeps one queued per company.
        sweepers.push(every(15 * 60_000, () => history.scheduleReconciliations(), { logger, name: 'reconciliation-scheduler', immediate: true }));
      }
    },
    async stop(graceMs = 10_000) {
      for (const sweeper of sweepers) await sweeper.stop();
      await intake.idle();
      if (pool) await pool.stop({ graceMs });
      await billingUpdates.flush();
      await gate.close();
      await store.close();
    },
    stats: () => ({ salesforceQueries: opportunityLoader.calls, salesforceWrites: writeBack.calls }),
  };
}

/**
 * Start-up: a SALESFORCE_MULTICURRENCY that contradicts the org stops start-up. When Salesforce cannot be
 * reached now, the same check runs on first use and stops each job with the same message instead.
 */
async function checkCurrencyMode(currencies: OrgCurrencies, logger: Logger): Promise<void> {
  try {
    await currencies.isMultiCurrency();
  } catch (error) {
    if (isAppError(error) && error.code === 'CONFIG_INVALID') throw error;
    logger.warn({ err: error }, 'could not read the Salesforce org\u2019s currency mode at start-up; it is checked again on first use');
  }
}
