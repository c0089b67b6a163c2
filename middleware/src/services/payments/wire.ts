/**
 * Wiring of the payments capability from the shared adapters: the Salesforce mirror and roll-ups, the webhook
 * intake and its workers, the CDC safety net and the daily receivables figures. container.ts calls this once.
 */
import type { Connection } from 'jsforce';
import type { Job, JobQueue } from '../../jobs';
import type { Logger } from '../../logger';
import type { QboApi } from '../../quickbooks/api';
import type { Store } from '../../store';
import type { Gathering } from '../../util/gathering';
import { FOLLOWED_ENTITIES, QBO_FOLLOW_JOB } from '../accounts';
import type { BillingEntities } from '../billing-entities';
import { DocumentMirror } from '../history';
import type { SalesforceWriteBack } from '../write-back';
import { CdcSweeper } from './cdc-sweeper';
import { DocumentRefresher } from './document-refresher';
import type { OrgCurrencies } from './org-currencies';
import { PaymentEventProcessor, QBO_EVENT_JOB, type QboEventJobPayload } from './payment-events';
import { PaymentMirror } from './payment-mirror';
import { InvoiceRefresher } from './payment-refresher';
import { PaymentRollups } from './payment-rollups';
import { postgresRollupLocks } from './rollup-locks';
import { ReceivablesMonths } from './receivables-months';
import { refreshNewlyOverdue } from './receivables-overdue';
import { PAYMENT_ENTITIES, WebhookIntake } from './webhook-intake';

export interface PaymentsDeps {
  store: Store;
  queue: JobQueue;
  qbo: QboApi;
  salesforce: () => Promise<Connection>;
  writeBack: SalesforceWriteBack;
  currencies: OrgCurrencies;
  /** When invoicing jobs' Salesforce requests go out (roll-ups asked for by invoicing jobs join them). */
  gathering: Gathering;
  entities: BillingEntities;
  connectedRealms: () => Promise<string[]>;
  logger: Logger;
  now: () => number;
  /** Wakes the workers (a job was queued for now). */
  wake: () => void;
  /** Told of each batch of webhook events stored (metrics). */
  stored: (events: Array<{ changeTime: string; receivedAt: Date }>) => void;
  /** An Item changed in QuickBooks follows onto its product (accounts capability; called only when sweeping). */
  items: (realmId: string, itemId: string, source: string) => Promise<unknown>;
}

export interface Payments {
  mirror: PaymentMirror;
  rollups: PaymentRollups;
  /** The Salesforce side of the other sales documents, shared with the history import. */
  documentMirror: DocumentMirror;
  documents: DocumentRefresher;
  intake: WebhookIntake;
  events: PaymentEventProcessor;
  refresher: InvoiceRefresher;
  cdc: CdcSweeper;
  receivablesMonths: ReceivablesMonths;
  /** One sweeper pass now (inbox drain, newly overdue receivables, DSO by month once a day, CDC for every company). */
  sweepNow(): Promise<void>;
  handlers: Record<string, (job: Job<never>) => Promise<unknown>>;
}

export function wirePayments(deps: PaymentsDeps): Payments {
  const { store, queue, salesforce, writeBack, currencies, connectedRealms, logger, now } = deps;
  const today = (): string => new Date(now()).toISOString().slice(0, 10);
  const company = (realmId: string) => deps.qbo.company(realmId);
  const mirror = new PaymentMirror(salesforce, writeBack, { currencies });
  // Only PostgreSQL deployments run several processes: their roll-up runs lock their records across them.
  const locks = store.dialect === 'postgres' ? postgresRollupLocks(store.db) : undefined;
  const rollups = new PaymentRollups(mirror, writeBack, logger, today, currencies, deps.gathering, locks);
  const refresher = new InvoiceRefresher({ company, links: store.links, mirror, rollups, audit: store.audit, logger });
  const documentMirror = new DocumentMirror(salesforce, writeBack, mirror);
  const documents = new DocumentRefresher({ company, links: store.links, mirror: documentMirror, audit: store.audit, rollups, logger });
  const events = new PaymentEventProcessor({
    inbox: store.inbox,
    company,
    links: store.links,
    refresher,
    isConnected: async (realmId) => (await connectedRealms()).includes(realmId),
    logger,
    documents,
  });
  const intake = new WebhookIntake({
    inbox: store.inbox,
    connectedRealms,
    enqueue: async (stored) => {
      deps.stored(stored);
      // One transaction for the lot: one commit, not one per event, on the web role's database connections.
      await queue.enqueueMany<QboEventJobPayload>(
        stored.map((event) => ({ type: FOLLOWED_ENTITIES.has(event.entity) ? QBO_FOLLOW_JOB : QBO_EVENT_JOB, payload: { inboxId: event.id }, idempotencyKey: `qbo-event:${event.id}`, dedupe: 'forever' })),
      );
      deps.wake();
    },
    logger,
    now,
    entities: new Set([...PAYMENT_ENTITIES, ...FOLLOWED_ENTITIES]),
  });
  const cdc = new CdcSweeper({ connectedRealms, cursors: store.cursors, company, links: store.links, refresher, events, mirror, logger, now, items: deps.items, documents });
  const receivablesMonths = new ReceivablesMonths({ salesforce, writeBack, entities: () => deps.entities.all(), defaultCurrency: async () => (await currencies.rates()).corporate, cursors: store.cursors, today });
  const sweepNow = async (): Promise<void> => {
    await intake.drain(30_000);
    await refreshNewlyOverdue({ cursors: store.cursors, mirror, rollups, today }).catch((error: unknown) => logger.error({ err: error }, 'overdue receivables refresh failed'));
    await receivablesMonths.refreshDaily().catch((error: unknown) => logger.error({ err: error }, 'DSO by month refresh failed'));
    await cdc.sweepAll();
  };
  const handlers = {
    [QBO_EVENT_JOB]: (job: Job<QboEventJobPayload>) => events.process(job.payload.inboxId),
  } as unknown as Payments['handlers'];
  return { mirror, rollups, documentMirror, documents, intake, events, refresher, cdc, receivablesMonths, sweepNow, handlers };
}
