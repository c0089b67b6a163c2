/**
 * History import and weekly reconciliation: every invoice, credit memo, sales receipt, refund receipt and
 * payment of the customers linked to Accounts, dated on or after `since`, into the Salesforce mirror.
 *
 * - Paged: one QBO query per 1,000 documents (STARTPOSITION/MAXRESULTS, ordered by Id), through the company's
 *   own rate limiter (QboCompany), like every other call.
 * - Resumable: a cursor per company and entity (`qbo.import.<Entity>`), moved only after the page's rows are
 *   in Salesforce; a job that dies is taken over by the next worker and goes on from the cursor.
 * - Idempotent: each page's mirror rows are read first (one SOQL per 200 keys) and only rows that differ are
 *   upserted on QuickBooks_Key__c; a second run writes nothing.
 * - Reconciliation is the same pass over the whole period, every difference audited as a repair, plus a
 *   last step that removes rows of documents and payments deleted in QBO without an event.
 */
import type { Logger } from '../../logger';
import type { QboCompany } from '../../quickbooks/api';
import type { SalesDocumentEntity } from '../../salesforce/fields';
import type { AuditEntryInput, AuditLog } from '../../store/audit-log';
import type { RecordLinkRepository } from '../../store/record-links';
import type { SettingsRepository } from '../../store/settings';
import type { SyncCursorRepository } from '../../store/sync-cursors';
import type { DocumentMirror, Refusal } from './document-mirror';
import { applyDocumentPage, applyPaymentPage, type PageDeps, type PageOutcome } from './import-pages';
import { removeDeleted, type SeenSet } from './import-deletions';
import type { PaymentRollups } from '../payments';

export const IMPORT_JOB = 'qbo.import';
export const RECONCILE_JOB = 'qbo.reconcile';
export const IMPORT_ORDER = ['Invoice', 'CreditMemo', 'SalesReceipt', 'RefundReceipt', 'Payment'] as const;
export type ImportEntity = (typeof IMPORT_ORDER)[number];
export const PAGE_SIZE = 1000;
const MAX_REFUSALS_SHOWN = 20;

export interface ImportJobPayload {
  realmId: string;
  /** First transaction date imported (YYYY-MM-DD). */
  since: string;
  /** Only this customer's documents (a customer linked after the company's import). */
  customerId?: string | null;
  /** One run = one id; a retried or taken-over job keeps it and so resumes from the cursors. */
  runId: string;
  reason: string;
  /** The weekly reconciliation: every difference is audited as a repair, deletions are looked for. */
  reconcile?: boolean;
}

export interface EntityProgress {
  total: number | null;
  read: number;
  written: number;
  unchanged: number;
  skipped: number;
  refused: number;
  done: boolean;
}

export interface ImportProgress {
  runId: string;
  realmId: string;
  customerId: string | null;
  since: string;
  reason: string;
  reconcile: boolean;
  state: 'running' | 'completed' | 'failed';
  entity: ImportEntity | 'deletions' | null;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
  entities: Record<ImportEntity, EntityProgress>;
  /** Rows removed because their document or payment is gone from QBO (reconciliation). */
  deleted: number;
  /** Permanent refusals by Salesforce, naming the record and the fix (the first 20). */
  refusals: Refusal[];
  error: string | null;
}

export interface HistoryImportDeps {
  company: (realmId: string) => Pick<QboCompany, 'queryPage' | 'count' | 'read'>;
  links: Pick<RecordLinkRepository, 'listKind' | 'findByQboId'>;
  mirror: DocumentMirror;
  cursors: Pick<SyncCursorRepository, 'get' | 'set'>;
  settings: Pick<SettingsRepository, 'get' | 'set' | 'remove'>;
  audit: Pick<AuditLog, 'append'>;
  rollups: Pick<PaymentRollups, 'request'>;
  logger: Logger;
  now?: () => number;
  pageSize?: number;
}

export interface RunOptions {
  jobId?: string;
  signal?: AbortSignal;
}

/** Settings key of a run's progress: the company's import, its reconciliation, or one customer's import. */
export function progressKey(payload: Pick<ImportJobPayload, 'realmId' | 'customerId' | 'reconcile'>): string {
  if (payload.reconcile) return `reconcile:${payload.realmId}`;
  return payload.customerId ? `history-import:${payload.realmId}:customer:${payload.customerId}` : `history-import:${payload.realmId}`;
}

function cursorName(payload: ImportJobPayload, entity: ImportEntity): string {
  const scope = payload.reconcile ? 'qbo.reconcile' : payload.customerId ? `qbo.import.customer-${payload.customerId}` : 'qbo.import';
  return `${scope}.${entity}`;
}

interface Cursor {
  runId: string;
  position: number;
  done: boolean;
}

export class HistoryImport {
  private readonly now: () => number;

  constructor(private readonly deps: HistoryImportDeps) {
    this.now = deps.now ?? Date.now;
  }

  progress(key: string): Promise<ImportProgress | undefined> {
    return this.deps.settings.get<ImportProgress>(key);
  }

  async run(payload: ImportJobPayload, options: RunOptions = {}): Promise<ImportProgress> {
    const key = progressKey(payload);
    const before = await this.deps.settings.get<ImportProgress>(key);
    const progress = before?.runId === payload.runId && before.state !== 'completed' ? { ...before, state: 'running' as const, error: null } : fresh(payload, this.iso());
    if (before?.runId === payload.runId && before.state === 'completed') return before;
    await this.save(key, progress);
    try {
      const customers = await this.linkedCustomers(payload);
      const seen: SeenSet | undefined = payload.reconcile ? await this.seen(payload) : undefined;
      const pageDeps: PageDeps = { ...this.deps, realmId: payload.realmId, customers, reconcile: payload.reconcile === true, ...(options.jobId ? { jobId: options.jobId } : {}), source: `${payload.reconcile ? 'reconcile' : 'import'}:${payload.runId}` };
      // No customer linked to an Account (a company just connected, before onboarding): nothing to import, and
      // not one request spent on it. A reconciliation still looks for rows of documents deleted since.
      if (customers.size === 0 && !payload.reconcile) for (const figures of Object.values(progress.entities)) Object.assign(figures, { total: 0, done: true });
      else for (const entity of IMPORT_ORDER) await this.importEntity(payload, entity, progress, key, pageDeps, seen, options.signal);
      if (payload.reconcile && seen) {
        progress.entity = 'deletions';
        await this.save(key, progress);
        progress.deleted += await removeDeleted({ ...this.deps, realmId: payload.realmId, since: payload.since, seen, source: pageDeps.source, ...(options.jobId ? { jobId: options.jobId } : {}) });
        await this.deps.settings.remove(seenKey(payload));
      }
      progress.state = 'completed';
      progress.entity = null;
      progress.finishedAt = this.iso();
      await this.save(key, progress);
      await this.deps.audit.append(summaryEntry(payload, progress, options.jobId));
      this.deps.logger.info({ realmId: payload.realmId, runId: payload.runId, customerId: payload.customerId ?? null, reconcile: payload.reconcile === true, entities: progress.entities, deleted: progress.deleted }, payload.reconcile ? 'reconciliation finished' : 'history import finished');
      return progress;
    } catch (error) {
      progress.state = 'failed';
      progress.error = (error as Error).message;
      await this.save(key, progress).catch(() => undefined);
      throw error;
    }
  }

  private async importEntity(payload: ImportJobPayload, entity: ImportEntity, progress: ImportProgress, key: string, pageDeps: PageDeps, seen: SeenSet | undefined, signal?: AbortSignal): Promise<void> {
    const name = cursorName(payload, entity);
    const stored = await this.deps.cursors.get(payload.realmId, name);
    const parsed = stored ? (JSON.parse(stored.value) as Cursor) : undefined;
    let cursor: Cursor = parsed?.runId === payload.runId ? parsed : { runId: payload.runId, position: 1, done: false };
    const figures = progress.entities[entity];
    if (cursor.done) {
      figures.done = true;
      return;
    }
    progress.entity = entity;
    const company = this.deps.company(payload.realmId);
    // The count only feeds the progress bar: an answer QBO refuses leaves the total unknown, not the import stopped.
    if (figures.total === null) figures.total = await company.count(entity, conditions(payload)).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, realmId: payload.realmId, entity }, 'could not count the documents to import; progress shows no total');
      return null;
    });
    await this.save(key, progress);
    const size = this.deps.pageSize ?? PAGE_SIZE;
    for (;;) {
      if (signal?.aborted) throw new Error('The import was stopped (the worker is shutting down); it resumes from its cursor.');
      const page = await company.queryPage<{ Id: string } & Record<string, unknown>>(entity, whereClause(payload), cursor.position, size);
      const outcome: PageOutcome = entity === 'Payment' ? await applyPaymentPage(pageDeps, page as never) : await applyDocumentPage(pageDeps, entity as SalesDocumentEntity, page as never);
      if (seen) await this.remember(payload, seen, entity, page, outcome);
      cursor = { runId: payload.runId, position: cursor.position + page.length, done: page.length < size };
      // The cursor moves only now, after the page's rows are in Salesforce: a crash before this line redoes the page.
      await this.deps.cursors.set(payload.realmId, name, JSON.stringify(cursor));
      figures.read += page.length;
      figures.written += outcome.written;
      figures.unchanged += outcome.unchanged;
      figures.skipped += outcome.skipped;
      figures.refused += outcome.refusals.length;
      progress.refusals = [...progress.refusals, ...outcome.refusals].slice(0, MAX_REFUSALS_SHOWN);
      figures.done = cursor.done;
      await this.save(key, progress);
      if (cursor.done) return;
    }
  }

  private async linkedCustomers(payload: ImportJobPayload): Promise<Map<string, string>> {
    const links = await this.deps.links.listKind('customer', payload.realmId);
    const map = new Map<string, string>();
    for (const link of links) {
      if (payload.customerId && link.qboId !== payload.customerId) continue;
      // A customer linked to two Accounts: the first link wins (the reconciliation report lists such pairs).
      if (!map.has(link.qboId)) map.set(link.qboId, link.salesforceId);
    }
    return map;
  }

  private async seen(payload: ImportJobPayload): Promise<SeenSet> {
    const stored = await this.deps.settings.get<{ runId: string; ids: Record<string, string[]>; paymentRows: string[] }>(seenKey(payload));
    const set: SeenSet = { ids: new Map(IMPORT_ORDER.map((e) => [e, new Set<string>()])), paymentRows: new Set() };
    if (stored?.runId !== payload.runId) return set;
    for (const [entity, ids] of Object.entries(stored.ids)) set.ids.set(entity as ImportEntity, new Set(ids));
    set.paymentRows = new Set(stored.paymentRows);
    return set;
  }

  private async remember(payload: ImportJobPayload, seen: SeenSet, entity: ImportEntity, page: Array<{ Id: string }>, outcome: PageOutcome): Promise<void> {
    for (const doc of page) seen.ids.get(entity)!.add(doc.Id);
    for (const rowKey of outcome.paymentRowKeys ?? []) seen.paymentRows.add(rowKey);
    await this.deps.settings.set(seenKey(payload), { runId: payload.runId, ids: Object.fromEntries([...seen.ids].map(([e, ids]) => [e, [...ids]])), paymentRows: [...seen.paymentRows] });
  }

  private async save(key: string, progress: ImportProgress): Promise<void> {
    progress.updatedAt = this.iso();
    await this.deps.settings.set(key, progress);
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }
}

function seenKey(payload: ImportJobPayload): string {
  return `reconcile-seen:${payload.realmId}`;
}

function conditions(payload: ImportJobPayload): Array<{ field: string; operator: '>=' | '='; value: string }> {
  return [{ field: 'TxnDate', operator: '>=', value: payload.since }, ...(payload.customerId ? [{ field: 'CustomerRef', operator: '=' as const, value: payload.customerId }] : [])];
}

/** Values are checked (a date, a numeric id) before they reach the query text. */
export function whereClause(payload: Pick<ImportJobPayload, 'since' | 'customerId'>): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(payload.since)) throw new Error(`"${payload.since}" is not a date (YYYY-MM-DD).`);
  if (payload.customerId && !/^\d{1,30}$/.test(payload.customerId)) throw new Error(`"${payload.customerId}" is not a QuickBooks customer id.`);
  return `where TxnDate >= '${payload.since}'${payload.customerId ? ` and CustomerRef = '${payload.customerId}'` : ''} orderby Id`;
}

function fresh(payload: ImportJobPayload, at: string): ImportProgress {
  const zero = (): EntityProgress => ({ total: null, read: 0, written: 0, unchanged: 0, skipped: 0, refused: 0, done: false });
  return {
    runId: payload.runId,
    realmId: payload.realmId,
    customerId: payload.customerId ?? null,
    since: payload.since,
    reason: payload.reason,
    reconcile: payload.reconcile === true,
    state: 'running',
    entity: null,
    startedAt: at,
    updatedAt: at,
    finishedAt: null,
    entities: Object.fromEntries(IMPORT_ORDER.map((e) => [e, zero()])) as Record<ImportEntity, EntityProgress>,
    deleted: 0,
    refusals: [],
    error: null,
  };
}

function summaryEntry(payload: ImportJobPayload, progress: ImportProgress, jobId?: string): AuditEntryInput {
  const figures = IMPORT_ORDER.map((e) => `${e} ${progress.entities[e].read} read, ${progress.entities[e].written} written`).join('; ');
  return {
    actor: 'ledgerline',
    action: payload.reconcile ? 'reconcile.completed' : 'history.imported',
    system: 'salesforce',
    realmId: payload.realmId,
    qboId: payload.customerId ?? null,
    field: `since ${payload.since}`,
    newValue: `${figures}${payload.reconcile ? `; ${progress.deleted} deleted` : ''}; ${progress.refusals.length} refused`,
    jobId: jobId ?? null,
    sourceEvent: `${payload.reason}:${payload.runId}`,
  };
}
