/**
 * Wiring of the governance and operations parts (kept out of container.ts, which calls this once): the
 * accounts capability (two-way customer sync under the sync policy, catalogue) and the operations capability
 * (health report, jobs/audit operations) from their wire functions, with the routes that serve them: the
 * OpenAPI document, the operations page, the Account route, the catalogue and the reconciliation.
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
import { wireAccounts, type AccountSync, type CatalogService, type CompanyCatalog, type CustomerFollow, type ItemMappings } from './services/accounts';
import type { BillingEntities } from './services/billing-entities';
import { wireOperations, type HealthDeps, type HealthService, type OperationsService, type ReconciliationReport } from './services/operations';
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
  const { health, operations, reconciliation } = wireOperations(deps);
  const { accounts, follow, catalog, requests, handlers } = wireAccounts(deps);
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
    handlers,
  };
}
