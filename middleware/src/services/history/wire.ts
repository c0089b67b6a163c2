/**
 * Wiring of the history capability: the import (and weekly reconciliation) of every sales document into the
 * Salesforce mirror, as durable jobs. The mirror's Salesforce side and the roll-ups come from payments.
 */
import type { Config } from '../../config';
import type { Job, JobQueue } from '../../jobs';
import type { Logger } from '../../logger';
import type { QboApi } from '../../quickbooks/api';
import type { Store } from '../../store';
import type { PaymentRollups } from '../payments';
import type { DocumentMirror } from './document-mirror';
import { HistoryImport } from './history-import';
import { HistoryJobs } from './history-jobs';

export interface HistoryDeps {
  config: Pick<Config, 'IMPORT_MONTHS' | 'RECONCILE_INTERVAL_HOURS'>;
  store: Store;
  queue: JobQueue;
  qbo: QboApi;
  documentMirror: DocumentMirror;
  rollups: PaymentRollups;
  connectedRealms: () => Promise<string[]>;
  logger: Logger;
  now: () => number;
  wake: () => void;
}

export interface History {
  importer: HistoryImport;
  history: HistoryJobs;
  handlers: Record<string, (job: Job<never>) => Promise<unknown>>;
}

export function wireHistory(deps: HistoryDeps): History {
  const { store, logger, now } = deps;
  const company = (realmId: string) => deps.qbo.company(realmId);
  const importer = new HistoryImport({ company, links: store.links, mirror: deps.documentMirror, cursors: store.cursors, settings: store.settings, audit: store.audit, rollups: deps.rollups, logger, now });
  const history = new HistoryJobs({ queue: deps.queue, importer, connectedRealms: deps.connectedRealms, months: deps.config.IMPORT_MONTHS, reconcileHours: deps.config.RECONCILE_INTERVAL_HOURS, wake: deps.wake, logger, now });
  return { importer, history, handlers: history.handlers() as unknown as History['handlers'] };
}
