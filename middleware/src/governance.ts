/**
 * Wiring of the governance and operations parts (kept out of container.ts, which calls this once):
 * health report, jobs/audit operations, the OpenAPI document, the operations page, and the two-way
 * customer sync under the sync policy.
 */
import type { RequestHandler, Router } from 'express';
import type { Connection } from 'jsforce';
import type { Config } from './config';
import { accountRoutes } from './http/account-routes';
import { catalogRoutes } from './http/catalog-routes';
import { openApiRoutes } from './http/openapi';
import { reconciliationRoutes } from './http/reconciliation-routes';
import { opsRoutes } from './http/ops-routes';
import { opsPageRoutes } from './http/ops-page/routes';
import type { Job, JobQueue } from './jobs';
import type { Logger } from './logger';
import type { SyncPolicy } from './policy';
import type { QboApi } from './quickbooks/api';
import { type AccountSyncRequests, ACCOUNT_SYNC_JOB, AccountSync, type AccountSyncJobPayload, CatalogService, type CompanyCatalog, CustomerFollow, type FollowJobPayload, type ItemMappings, QBO_FOLLOW_JOB } from './services/accounts';
import type { BillingEntities } from './services/billing-entities';
import { CDC_CURSOR } from './services/payments';
import { type HealthDeps, HealthService, OperationsService, ReconciliationReport } from './services/operations';
import type { SalesforceWriteBack } from './services/write-back';
import type { Store } from './store';

export interface GovernanceDeps {
  config: Config;
  store: Store;
  queue: JobQueue;
  qbo: QboApi;
  salesforce: () => Promise<Connection>;
  policy: SyncPolicy;
  logger: Logger;
  now: () => number;
  writeBack: SalesforceWriteBack;
  catalog: CompanyCatalog;
  entities: BillingEntities;
  itemMappings: ItemMappings;
  wake: () => void;
  adminAuth: RequestHandler;
  apiAuth: RequestHandler;
  /** The company's latest history import and reconciliation (health panel). */
  history?: HealthDeps['history'];
}

export interface Governance {
  health: HealthService;
  operations: OperationsService;
  accounts: AccountSync;
  follow: CustomerFollow;
  /** The catalogue's loose ends per QuickBooks company (npm run cli -- catalog, GET /api/v1/catalog). */
  catalog: CatalogService;
  /** Month-end drift between deals and invoices (CLI reconcile, ops page). */
  reconciliation: ReconciliationReport;
  routers: Router[];
  handlers: Record<string, (job: Job<never>) => Promise<unknown>>;
}

export function createGovernance(deps: GovernanceDeps): Governance {
  const { store, queue } = deps;
  const health = new HealthService({
    connections: () => store.connections.list(),
    queue,
    pendingWebhooks: (limit) => store.inbox.pending(limit),
    cdcCursor: async (realmId) => (await store.cursors.get(realmId, CDC_CURSOR))?.value ?? null,
    qboCallsToday: (realmId) => deps.qbo.callsToday(realmId, new Date(deps.now())),
    salesforce: async () => {
      const conn = await deps.salesforce();
      const limits = (await conn.limits()) as unknown as { DailyApiRequests?: { Max: number; Remaining: number } };
      const daily = limits.DailyApiRequests;
      return { apiUsage: daily ? { used: daily.Max - daily.Remaining, limit: daily.Max } : null };
    },
    now: deps.now,
    ...(deps.history ? { history: deps.history } : {}),
  });
  const operations = new OperationsService({ queue, audit: store.audit, links: store.links, inbox: store.inbox, health, wake: deps.wake });
  const company = (realmId: string) => deps.qbo.company(realmId);
  const accounts = new AccountSync({ policy: deps.policy, salesforce: deps.salesforce, company, catalog: deps.catalog, links: store.links, audit: store.audit, rules: { maxLength: deps.config.QBO_DISPLAY_NAME_MAX }, logger: deps.logger });
  const follow = new CustomerFollow({
    policy: deps.policy,
    inbox: store.inbox,
    links: store.links,
    accounts,
    company,
    salesforce: deps.salesforce,
    writeBack: deps.writeBack,
    audit: store.audit,
    entityOf: async (realmId) => (await deps.entities.all()).find((e) => e.realmId === realmId),
    itemMappings: deps.itemMappings,
    logger: deps.logger,
  });
  const catalog = new CatalogService({ salesforce: deps.salesforce, qbo: deps.qbo, entities: deps.entities, mappings: deps.itemMappings, audit: store.audit, guard: (o, r, k) => deps.policy.assertSalesforceWrite(o, r, k) });
  const reconciliation = new ReconciliationReport({ salesforce: deps.salesforce, entities: () => deps.entities.all(), links: store.links });
  const requests: AccountSyncRequests = {
    async request(ids, reason) {
      const accepted = [];
      for (const accountId of ids) {
        // One waiting job per Account: repeated notices join it (it reads the Account when it runs). An edit
        // made while a job runs gets one follow-up job, which that job may already have read too late.
        const enqueue = (idempotencyKey: string) => queue.enqueue<AccountSyncJobPayload>({ type: ACCOUNT_SYNC_JOB, payload: { accountId, reason }, idempotencyKey });
        let { job } = await enqueue(`account:${accountId}`);
        if (job.state === 'running') ({ job } = await enqueue(`account:${accountId}:next`));
        accepted.push({ accountId, jobId: job.id, state: job.state });
      }
      deps.wake();
      return accepted;
    },
  };
  return {
    health,
    operations,
    accounts,
    follow,
    catalog,
    reconciliation,
    routers: [
      openApiRoutes(),
      opsRoutes(operations, deps.adminAuth),
      opsPageRoutes(deps.adminAuth),
      accountRoutes(requests, deps.apiAuth, deps.config.BODY_LIMIT),
      catalogRoutes(() => catalog.gaps(), deps.adminAuth),
      reconciliationRoutes(reconciliation, deps.adminAuth),
    ],
    handlers: {
      [ACCOUNT_SYNC_JOB]: (job: Job<AccountSyncJobPayload>) => accounts.sync(job.payload.accountId, { jobId: job.id, source: `account:${job.payload.reason}` }),
      [QBO_FOLLOW_JOB]: (job: Job<FollowJobPayload>) => follow.process(job.payload.inboxId, job.id),
    } as unknown as Governance['handlers'],
  };
}
