/**
 * When history is imported and reconciled, as durable jobs: a company connected for the first time, an
 * admin's request (ops page, CLI), customers linked later (onboarding, the invoice sync finding an existing
 * customer), and a reconciliation per company every RECONCILE_INTERVAL_HOURS. Jobs survive restarts; a job
 * taken over after a crash resumes from the cursors of its run.
 */
import { randomUUID } from 'node:crypto';
import { AppError } from '../../errors';
import type { Job, JobQueue } from '../../jobs';
import type { Logger } from '../../logger';
import { IMPORT_JOB, RECONCILE_JOB, progressKey, type HistoryImport, type ImportJobPayload, type ImportProgress } from './history-import';

/** Above this many customers linked at once, one company-wide import runs instead of one per customer. */
const CUSTOMER_IMPORTS_MAX = 5;

export interface HistoryJobsDeps {
  queue: Pick<JobQueue, 'enqueue' | 'list'>;
  importer: HistoryImport;
  connectedRealms: () => Promise<string[]>;
  /** Months of history imported and reconciled (IMPORT_MONTHS). */
  months: number;
  /** Hours between two reconciliations of a company (RECONCILE_INTERVAL_HOURS; 0 = none). */
  reconcileHours: number;
  wake: () => void;
  logger: Logger;
  now?: () => number;
}

export interface ImportRequest {
  realmId: string;
  since?: string;
  customerId?: string;
  reason: string;
}

export class HistoryJobs {
  private readonly now: () => number;

  constructor(private readonly deps: HistoryJobsDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** The first day of the default period: IMPORT_MONTHS months back from today (UTC). */
  defaultSince(): string {
    const d = new Date(this.now());
    return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - this.deps.months, d.getUTCDate())).toISOString().slice(0, 10);
  }

  realms(): Promise<string[]> {
    return this.deps.connectedRealms();
  }

  /** The company meant when none is named: the only one connected. */
  async onlyRealm(): Promise<string> {
    const realms = await this.deps.connectedRealms();
    if (realms.length === 1) return realms[0]!;
    throw new AppError('BAD_REQUEST', realms.length === 0 ? 'No QuickBooks company is connected.' : `${realms.length} QuickBooks companies are connected; name one.`, {
      fix: realms.length === 0 ? 'Connect one at /oauth/quickbooks/connect first.' : `Give realmId (--realm on the command line): one of ${realms.join(', ')}.`,
    });
  }

  /** Queues an import (joins one already waiting for the same company or customer). */
  async requestImport(request: ImportRequest): Promise<{ jobId: string; state: string; runId: string; since: string; created: boolean }> {
    const since = request.since ?? this.defaultSince();
    // Date.parse takes 2024-02-31 (as 2 March): the day must read back the same, and not lie after today.
    const day = /^\d{4}-\d{2}-\d{2}$/.test(since) ? new Date(`${since}T00:00:00Z`) : new Date(NaN);
    if (Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== since) {
      throw new AppError('BAD_REQUEST', `"${since}" is not a date.`, { fix: 'Give the first day to import as YYYY-MM-DD, e.g. --since 2024-01-01.' });
    }
    // A day's grace: the company's today may be ahead of UTC's.
    if (since > new Date(this.now() + 86_400_000).toISOString().slice(0, 10)) {
      throw new AppError('BAD_REQUEST', `"${since}" is in the future: there is no history to import from it.`, { fix: 'Give a first day to import that is today or earlier, e.g. --since 2024-01-01.' });
    }
    if (!(await this.deps.connectedRealms()).includes(request.realmId)) {
      throw new AppError('NOT_FOUND', `QuickBooks company ${request.realmId} is not connected.`, { fix: 'Connect it at /oauth/quickbooks/connect, or name a connected company (npm run cli -- health lists them).' });
    }
    const payload: ImportJobPayload = { realmId: request.realmId, since, customerId: request.customerId ?? null, runId: randomUUID(), reason: request.reason };
    const key = request.customerId ? `history-import:${request.realmId}:${request.customerId}` : `history-import:${request.realmId}`;
    let result = await this.deps.queue.enqueue<ImportJobPayload>({ type: IMPORT_JOB, payload, idempotencyKey: key });
    // A run already under way read its list of linked customers when it started, and a waiting one may cover a
    // shorter period: one more run follows it.
    if (!result.created && (result.job.state === 'running' || result.job.payload.since > since)) result = await this.deps.queue.enqueue<ImportJobPayload>({ type: IMPORT_JOB, payload, idempotencyKey: `${key}:next` });
    if (result.job.payload.since > since) {
      throw new AppError('CONFLICT', `An import of company ${request.realmId}${request.customerId ? ` (customer ${request.customerId})` : ''} since ${result.job.payload.since} is already waiting to run (job ${result.job.id}); it does not reach back to ${since}.`, {
        fix: 'Ask again once it has started (the ops page and npm run cli -- health show it); the longer import then follows it.',
      });
    }
    this.deps.wake();
    return { jobId: result.job.id, state: result.job.state, runId: result.job.payload.runId, since: result.job.payload.since, created: result.created };
  }

  /** Customers just linked to Accounts bring their history with them. */
  async customersLinked(realmId: string, customerIds: string[], reason: string): Promise<void> {
    if (customerIds.length === 0) return;
    if (customerIds.length > CUSTOMER_IMPORTS_MAX) {
      await this.requestImport({ realmId, reason });
      return;
    }
    for (const customerId of customerIds) await this.requestImport({ realmId, customerId, reason });
  }

  /** Queues a reconciliation of the company now (or joins the one waiting). */
  async requestReconcile(realmId: string, runAt?: Date): Promise<{ jobId: string; state: string }> {
    if (!(await this.deps.connectedRealms()).includes(realmId)) {
      throw new AppError('NOT_FOUND', `QuickBooks company ${realmId} is not connected.`, { fix: 'Connect it at /oauth/quickbooks/connect, or name a connected company.' });
    }
    const payload: ImportJobPayload = { realmId, since: this.defaultSince(), runId: randomUUID(), reason: 'reconcile', reconcile: true };
    const { job } = await this.deps.queue.enqueue<ImportJobPayload>({ type: RECONCILE_JOB, payload, idempotencyKey: `reconcile:${realmId}`, ...(runAt ? { runAt } : {}) });
    if (!runAt || runAt.getTime() <= this.now()) this.deps.wake();
    return { jobId: job.id, state: job.state };
  }

  /**
   * Makes sure every connected company has its next reconciliation queued, due RECONCILE_INTERVAL_HOURS after
   * the last one finished (or after the company's import, for a company never reconciled).
   */
  async scheduleReconciliations(): Promise<number> {
    if (this.deps.reconcileHours <= 0) return 0;
    let queued = 0;
    for (const realmId of await this.deps.connectedRealms()) {
      const live = await this.deps.queue.list({ key: `reconcile:${realmId}`, state: ['queued', 'running'], limit: 1 });
      if (live.length > 0) continue;
      const last = (await this.deps.importer.progress(progressKey({ realmId, reconcile: true }))) ?? (await this.deps.importer.progress(progressKey({ realmId })));
      const from = last?.finishedAt ?? last?.startedAt ?? new Date(this.now()).toISOString();
      await this.requestReconcile(realmId, new Date(Date.parse(from) + this.deps.reconcileHours * 3600_000));
      queued += 1;
    }
    return queued;
  }

  /** The company's latest import and reconciliation, for the health panel. */
  async status(realmId: string): Promise<{ historyImport: ImportProgress | null; reconciliation: ImportProgress | null }> {
    const [historyImport, reconciliation] = await Promise.all([this.deps.importer.progress(progressKey({ realmId })), this.deps.importer.progress(progressKey({ realmId, reconcile: true }))]);
    return { historyImport: historyImport ?? null, reconciliation: reconciliation ?? null };
  }

  handlers(): Record<string, (job: Job<ImportJobPayload>, context?: { signal?: AbortSignal }) => Promise<unknown>> {
    const run = async (job: Job<ImportJobPayload>, context?: { signal?: AbortSignal }) => {
      const progress = await this.deps.importer.run(job.payload, { jobId: job.id, ...(context?.signal ? { signal: context.signal } : {}) });
      return { entities: progress.entities, deleted: progress.deleted, refused: progress.refusals.length };
    };
    return { [IMPORT_JOB]: run, [RECONCILE_JOB]: run };
  }
}
