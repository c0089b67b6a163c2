/**
 * Wiring of the operations capability: the health report, jobs and audit operations, and the month-end
 * reconciliation, from the shared adapters.
 */
import type { Connection } from 'jsforce';
import type { JobQueue } from '../../jobs';
import type { QboApi } from '../../quickbooks/api';
import type { Store } from '../../store';
import type { BillingEntities } from '../billing-entities';
import { CDC_CURSOR } from '../payments';
import { HealthService, type HealthDeps } from './health';
import { OperationsService } from './operations';
import { ReconciliationReport } from './reconciliation';

export interface OperationsDeps {
  store: Store;
  queue: JobQueue;
  qbo: QboApi;
  salesforce: () => Promise<Connection>;
  entities: BillingEntities;
  now: () => number;
  wake: () => void;
  /** The company's latest history import and reconciliation (health panel). */
  history?: HealthDeps['history'];
}

export interface Operations {
  health: HealthService;
  operations: OperationsService;
  /** Month-end drift between deals and invoices (CLI reconcile, ops page). */
  reconciliation: ReconciliationReport;
}

export function wireOperations(deps: OperationsDeps): Operations {
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
  const reconciliation = new ReconciliationReport({ salesforce: deps.salesforce, entities: () => deps.entities.all(), links: store.links });
  return { health, operations, reconciliation };
}
