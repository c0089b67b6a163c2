import type { Connection } from 'jsforce';
import type { Express, Request } from 'express';
import type { Config } from './config';
import { AppError, isAppError } from './errors';
import type { Logger } from './logger';
import { createApp } from './http/app';
import { keyMatcher, presentedSecret, requireAdmin } from './http/admin-auth';
import { requireApiKey } from './http/auth';
import { historyRoutes } from './http/history-routes';
import { LedgerlineMetrics, metricsRoutes } from './http/metrics';
import { oauthRoutes } from './http/oauth-routes';
import { onboardingRoutes } from './http/onboarding-routes';
import { syncRoutes } from './http/sync-routes';
import { webhookRoutes } from './http/webhook-routes';
import { createGovernance, type Governance } from './governance';
import { createJobQueue, every, startWorkers, type IntervalTask, type JobQueue, type WorkerPool } from './jobs';
import { SyncPolicy } from './policy';
import { BatchCreator, directCreator, type Creator } from './quickbooks/batch-creator';
import { QboApi } from './quickbooks/api';
import { LocalGate, type RequestGate } from './quickbooks/limiter';
import type * as SharedLimiter from './quickbooks/shared-limiter';
import { IntuitOAuth } from './quickbooks/oauth';
import { TokenManager } from './quickbooks/tokens';
import { connectSalesforce } from './salesforce/auth';
import { BillingUpdatePublisher, billingChangeOf } from './salesforce/billing-updates';
import { fetchOpportunities } from './salesforce/opportunity-query';
import { CompanyCatalog, ItemMappings } from './services/accounts';
import { BillingEntities } from './services/billing-entities';
import { type HistoryImport, type HistoryJobs, wireHistory } from './services/history';
import { type InvoiceSync, type SubscriptionInvoices, wireInvoicing } from './services/invoicing';
import { type OnboardingService, wireOnboarding } from './services/onboarding';
import { type CdcSweeper, type InvoiceRefresher, OrgCurrencies, type PaymentEventProcessor, type PaymentRollups, type ReceivablesMonths, type WebhookIntake, wirePayments } from './services/payments';
import { SalesforceWriteBack } from './services/write-back';
import { openStore, type Store } from './store';
import { purgeExpired } from './store/retention';
import type { SfOpportunity } from './sync/source';
import { Batcher } from './util/batcher';
import { GATHERING_STAGES, Gathering } from './util/gathering';

/** The invoicing job a Closed Won deal queues (services/invoicing/wire.ts). */
export { INVOICE_JOB, type InvoiceJobPayload } from './services/invoicing';

/**
 * The longest an invoicing job's Salesforce request waits for other jobs to join it. Usually the wait ends much
 * sooner, when every invoicing job is waiting; this bounds it when one job is held up elsewhere (a QuickBooks retry).
 */
const SALESFORCE_GATHER_MAX_MS = 30_000;

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
      ? postgresGate({ ...gateLimits, databaseUrl: config.DATABASE_URL, leaseMs: 10_000, logger })
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
  const creator: Creator = config.QBO_BATCH_WINDOW_MS > 0 ? new BatchCreator({
    batchesPerMinute: config.QBO_BATCHES_PER_MINUTE,
    logger,
    // A burst's partial batch waits for the next wave of jobs only while the workers have more due, and meanwhile
    // its jobs count as waiting in the Salesforce gathering (the other jobs' writes go, making room for the wave).
    gathering,
    moreComing: () => pool?.backlog === true,
  }) : directCreator;
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

  // Each capability wires itself from the shared adapters (services/<capability>/wire.ts).
  let pool: WorkerPool | null = null;
  const sweepers: IntervalTask[] = [];
  const wake = (): void => pool?.wake();
  const connectedRealms = async (): Promise<string[]> => (await store.connections.list()).filter((c) => c.status === 'connected').map((c) => c.realmId);
  const shared = { config, store, queue, qbo, salesforce, policy, writeBack, entities, catalog, itemMappings, connectedRealms, logger, now, wake };
  // Items changed in QuickBooks follow onto their products (accounts, wired in governance; called only when sweeping).
  const items = (realmId: string, itemId: string, source: string) => governance.follow.item(realmId, itemId, source);
  const payments = wirePayments({ ...shared, currencies, gathering, stored: (events) => metrics.webhookStored(events), items });
  const { importer, history, handlers: historyHandlers } = wireHistory({ ...shared, documentMirror: payments.documentMirror, rollups: payments.rollups });
  const invoicing = wireInvoicing({ ...shared, creator, gathering, loadOpportunity, mirror: payments.mirror, rollups: payments.rollups, customersLinked: (realmId, ids, reason) => history.customersLinked(realmId, ids, reason) });
  const { invoices, subscriptions } = invoicing;
  if (!config.QBO_WEBHOOK_VERIFIER_TOKEN) logger.warn('QBO_WEBHOOK_VERIFIER_TOKEN is not set: QuickBooks webhooks are refused and payment status relies on the CDC sweep alone');

  const adminKeys = config.LEDGERLINE_ADMIN_KEYS;
  const anyKey = keyMatcher([...config.LEDGERLINE_API_KEYS, ...adminKeys]);
  const adminKey = keyMatcher(adminKeys);
  const governance = createGovernance({ ...shared, adminAuth: requireAdmin(adminKeys), apiAuth: requireApiKey(config.LEDGERLINE_API_KEYS), history: (realmId) => history.status(realmId) });
  const { connect, onboarding } = wireOnboarding({ ...shared, oauth, history });
  const handlers = { ...historyHandlers, ...payments.handlers, ...invoicing.handlers, ...governance.handlers };
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
    routers: [metricsRoutes(metrics, { metricsToken: config.METRICS_TOKEN, adminKeys }), ...governance.routers, historyRoutes(history, requireAdmin(adminKeys)), onboardingRoutes(onboarding, requireAdmin(adminKeys)), webhookRoutes(payments.intake, { verifierToken: config.QBO_WEBHOOK_VERIFIER_TOKEN, bodyLimit: config.WEBHOOK_BODY_LIMIT, logger }), syncRoutes(invoicing.requests, requireApiKey(config.LEDGERLINE_API_KEYS), config.BODY_LIMIT, config.PREVIEW_PER_MINUTE, config.SEND_PER_MINUTE), oauthRoutes(connect, requireAdmin(adminKeys))],
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
    payments: { intake: payments.intake, events: payments.events, refresher: payments.refresher, rollups: payments.rollups, cdc: payments.cdc, sweepNow: payments.sweepNow },
    onboarding,
    receivablesMonths: payments.receivablesMonths,
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
        // On stop, creates gathered for a batch go at once and are answered before any job is released.
        drainer: creator.hurry && creator.drain ? { hurry: () => creator.hurry!(), drain: (withinMs) => creator.drain!(withinMs) } : undefined,
      });
      if (config.SWEEP_INTERVAL_SECONDS > 0) {
        sweepers.push(
          every(config.SWEEP_INTERVAL_SECONDS * 1000, async () => {
            const found = await invoicing.sweepUninvoiced(config.SWEEP_LOOKBACK_DAYS);
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
        sweepers.push(every(config.CDC_INTERVAL_SECONDS * 1000, payments.sweepNow, { logger, name: 'qbo-cdc-sweeper' }));
      }
      if (config.RECONCILE_INTERVAL_HOURS > 0) {
        // The reconciliations themselves are durable delayed jobs; this only keeps one queued per company.
        sweepers.push(every(15 * 60_000, () => history.scheduleReconciliations(), { logger, name: 'reconciliation-scheduler', immediate: true }));
      }
    },
    async stop(graceMs = 10_000) {
      for (const sweeper of sweepers) await sweeper.stop();
      await payments.intake.idle();
      // Up to 10 s for the server, graceMs for running jobs and 5 s for the creates they handed over: within the 30 s
      // that Heroku and compose.yaml give before SIGKILL. A job whose create is still unanswered then keeps its lease.
      if (pool) await pool.stop({ graceMs, drainMs: 5_000 });
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

/**
 * The gate every instance on one PostgreSQL database shares, loaded only then: a SQLite deployment never
 * loads pg and rate-limiter-flexible (about 1 MB of heap).
 */
function postgresGate(options: ConstructorParameters<typeof SharedLimiter.PostgresGate>[0]): RequestGate {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PostgresGate } = require('./quickbooks/shared-limiter') as typeof SharedLimiter;
  return new PostgresGate(options);
}
