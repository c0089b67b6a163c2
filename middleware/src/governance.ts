/**
 * Wiring of the governance and operations parts (kept out of container.ts, which calls this once):
 * health report, jobs/audit operations, the OpenAPI document, the operations page, and the two-way
 * customer sync under the sync policy.
 */
import type { RequestHandler, Router } from 'express';
import type { Connection } from 'jsforce';
import type { Config } from './config';
import { openApiRoutes } from './http/openapi';
import { opsRoutes } from './http/ops-routes';
import type { Job, JobQueue } from './jobs';
import type { Logger } from './logger';
import type { SyncPolicy } from './policy';
import type { QboApi } from './quickbooks/api';
import { CDC_CURSOR } from './services/cdc-sweeper';
import { HealthService } from './services/health';
import { OperationsService } from './services/operations';
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
  wake: () => void;
  adminAuth: RequestHandler;
  apiAuth: RequestHandler;
}

export interface Governance {
  health: HealthService;
  operations: OperationsService;
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
  });
  const operations = new OperationsService({ queue, audit: store.audit, links: store.links, inbox: store.inbox, health, wake: deps.wake });
  return {
    health,
    operations,
    routers: [openApiRoutes(), opsRoutes(operations, deps.adminAuth)],
    handlers: {},
  };
}
