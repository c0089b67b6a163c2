/**
 * The integration's health at a glance, for the operations page, `GET /api/v1/health` and the CLI:
 * every QuickBooks company (connected, token expiry, refresh-token age with a warning 14 days before it
 * expires), Salesforce authentication, the queue (depth, oldest waiting job, dead jobs), webhook lag,
 * the CDC cursor and the API calls used today on both sides. Reads only; never shows a token.
 */
import type { JobQueue } from '../../jobs';
import type { QboConnectionSummary } from '../../store/qbo-connections';
import type { InboxEvent } from '../../store/webhook-inbox';
import type { ImportProgress } from '../history';

const DAY_MS = 24 * 3600 * 1000;
export const REFRESH_WARNING_DAYS = 14;

export type Level = 'ok' | 'warning' | 'error';

export interface CompanyHealth {
  realmId: string;
  billingEntity: string;
  companyName: string | null;
  status: Level;
  connected: boolean;
  connectionStatus: string;
  lastError: string | null;
  accessTokenExpiresAt: string;
  accessTokenExpired: boolean;
  refreshTokenIssuedAt: string;
  refreshTokenAgeDays: number;
  refreshTokenExpiresAt: string;
  refreshTokenExpiresInDays: number;
  warnings: string[];
  cdcCursor: string | null;
  apiCallsToday: number;
  /** The latest history import of the company (null before the first). */
  historyImport: RunSummary | null;
  /** The latest full reconciliation of the company (null before the first). */
  reconciliation: RunSummary | null;
}

/** What the health panel shows of an import or reconciliation run. */
export interface RunSummary {
  state: ImportProgress['state'];
  since: string;
  startedAt: string;
  finishedAt: string | null;
  /** The entity being read now ("deletions" for the reconciliation's last step). */
  current: string | null;
  /** Documents read / expected (QBO's counts at the start; null while unknown). */
  read: number;
  total: number | null;
  written: number;
  refused: number;
  deleted: number;
  error: string | null;
}

export function runSummary(progress: ImportProgress | null): RunSummary | null {
  if (!progress) return null;
  const figures = Object.values(progress.entities);
  const totals = figures.map((f) => f.total);
  return {
    state: progress.state,
    since: progress.since,
    startedAt: progress.startedAt,
    finishedAt: progress.finishedAt,
    current: progress.entity,
    read: figures.reduce((n, f) => n + f.read, 0),
    total: totals.every((t) => t !== null) ? totals.reduce<number>((n, t) => n + (t ?? 0), 0) : null,
    written: figures.reduce((n, f) => n + f.written, 0),
    refused: figures.reduce((n, f) => n + f.refused, 0),
    deleted: progress.deleted,
    error: progress.error,
  };
}

export interface HealthReport {
  status: Level;
  checkedAt: string;
  companies: CompanyHealth[];
  salesforce: { status: Level; authenticated: boolean; error: string | null; apiUsage: { used: number; limit: number } | null };
  queue: { status: Level; queued: number; running: number; failed: number; dead: number; completed: number; oldestQueuedAgeSeconds: number; warnings: string[] };
  webhooks: { status: Level; pending: number; lagSeconds: number; oldestPendingReceivedAt: string | null };
  problems: string[];
}

export interface HealthDeps {
  connections: () => Promise<QboConnectionSummary[]>;
  queue: Pick<JobQueue, 'counts' | 'oldestQueuedAge'>;
  pendingWebhooks: (limit: number) => Promise<InboxEvent[]>;
  cdcCursor: (realmId: string) => Promise<string | null>;
  qboCallsToday: (realmId: string) => number;
  /** Resolves with the org's API usage when Salesforce authentication works; rejects with why not. */
  salesforce: () => Promise<{ apiUsage: { used: number; limit: number } | null }>;
  now?: () => number;
  /** A backlog whose oldest due job waited longer than this is a warning (default 5 minutes). */
  backlogWarningMs?: number;
  salesforceTimeoutMs?: number;
  history?: (realmId: string) => Promise<{ historyImport: ImportProgress | null; reconciliation: ImportProgress | null }>;
}

export class HealthService {
  constructor(private readonly deps: HealthDeps) {}

  async report(): Promise<HealthReport> {
    const now = (this.deps.now ?? Date.now)();
    const [connections, counts, oldestMs, pending, salesforce] = await Promise.all([
      this.deps.connections(),
      this.deps.queue.counts(),
      this.deps.queue.oldestQueuedAge(),
      this.deps.pendingWebhooks(1000),
      this.salesforce(),
    ]);
    const companies = await Promise.all(connections.map((c) => this.company(c, now)));
    const queue = queueHealth(counts, oldestMs, this.deps.backlogWarningMs ?? 5 * 60_000);
    const oldestPending = pending[0]?.receivedAt ?? null;
    const lagSeconds = oldestPending ? Math.max(0, Math.round((now - oldestPending.getTime()) / 1000)) : 0;
    const webhooks = { status: (lagSeconds > 300 ? 'warning' : 'ok') as Level, pending: pending.length, lagSeconds, oldestPendingReceivedAt: oldestPending?.toISOString() ?? null };
    const problems = [
      ...(companies.length === 0 ? ['No QuickBooks company is connected. Fix: connect one at /oauth/quickbooks/connect.'] : []),
      ...companies.flatMap((c) => c.warnings.map((w) => `${c.billingEntity} (${c.realmId}): ${w}`)),
      ...(salesforce.error ? [`Salesforce: ${salesforce.error}`] : []),
      ...queue.warnings,
      ...(webhooks.status !== 'ok' ? [`Webhook events wait ${lagSeconds} s to be processed (${pending.length} pending).`] : []),
    ];
    const levels = [...companies.map((c) => c.status), salesforce.status, queue.status, webhooks.status, companies.length === 0 ? 'error' : 'ok'];
    return { status: worst(levels), checkedAt: new Date(now).toISOString(), companies, salesforce, queue, webhooks, problems };
  }

  private async company(c: QboConnectionSummary, now: number): Promise<CompanyHealth> {
    const refreshDays = (c.refreshTokenExpiresAt.getTime() - now) / DAY_MS;
    const warnings: string[] = [];
    if (c.status !== 'connected') warnings.push(`QuickBooks connection is ${c.status}${c.lastError ? `: ${c.lastError}` : ''}. Fix: reconnect at /oauth/quickbooks/connect?entity=${encodeURIComponent(c.billingEntity)}.`);
    if (refreshDays <= 0) warnings.push(`The refresh token expired on ${c.refreshTokenExpiresAt.toISOString().slice(0, 10)}. Fix: reconnect the company at /oauth/quickbooks/connect?entity=${encodeURIComponent(c.billingEntity)}.`);
    else if (refreshDays <= REFRESH_WARNING_DAYS) warnings.push(`The refresh token expires in ${Math.trunc(refreshDays)} days (${c.refreshTokenExpiresAt.toISOString().slice(0, 10)}). Fix: reconnect the company before then.`);
    const runs = (await this.deps.history?.(c.realmId).catch(() => null)) ?? { historyImport: null, reconciliation: null };
    const historyImport = runSummary(runs.historyImport);
    const reconciliation = runSummary(runs.reconciliation);
    for (const [label, run] of [['The history import', historyImport], ['The reconciliation', reconciliation]] as const) {
      if (run?.state === 'failed') warnings.push(`${label} stopped: ${run.error ?? 'unknown error'}. Fix: correct the cause; its job is retried and resumes where it stopped (ops page, Jobs).`);
      if (run && run.refused > 0) warnings.push(`${label} could not write ${run.refused} records to Salesforce. Fix: read why in the job's result or the import's refusals (GET /api/v1/history-import), correct them and run it again.`);
    }
    const expired = c.status !== 'connected' || refreshDays <= 0;
    return {
      realmId: c.realmId,
      billingEntity: c.billingEntity,
      companyName: c.companyName,
      status: expired ? 'error' : warnings.length > 0 ? 'warning' : 'ok',
      connected: !expired,
      connectionStatus: c.status,
      lastError: c.lastError,
      accessTokenExpiresAt: c.accessTokenExpiresAt.toISOString(),
      accessTokenExpired: c.accessTokenExpiresAt.getTime() <= now,
      refreshTokenIssuedAt: c.refreshTokenIssuedAt.toISOString(),
      refreshTokenAgeDays: Math.floor((now - c.refreshTokenIssuedAt.getTime()) / DAY_MS),
      refreshTokenExpiresAt: c.refreshTokenExpiresAt.toISOString(),
      refreshTokenExpiresInDays: Math.trunc(refreshDays),
      warnings,
      cdcCursor: await this.deps.cdcCursor(c.realmId),
      apiCallsToday: this.deps.qboCallsToday(c.realmId),
      historyImport,
      reconciliation,
    };
  }

  private async salesforce(): Promise<HealthReport['salesforce']> {
    const timeout = this.deps.salesforceTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        this.deps.salesforce(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeout} ms`)), timeout);
        }),
      ]);
      return { status: 'ok', authenticated: true, error: null, apiUsage: result.apiUsage };
    } catch (error) {
      return { status: 'error', authenticated: false, error: `authentication failed: ${(error as Error).message}`, apiUsage: null };
    } finally {
      clearTimeout(timer);
    }
  }
}

function queueHealth(counts: Record<string, number>, oldestMs: number, warnAfterMs: number): HealthReport['queue'] {
  const warnings: string[] = [];
  const dead = counts.dead ?? 0;
  const failed = counts.failed ?? 0;
  if (dead + failed > 0) warnings.push(`${dead} dead and ${failed} failed jobs need a person. Fix: read each job's error, correct the data, then retry them (ops page, POST /api/v1/jobs/retry-all, or: npm run cli -- retry --all [dead jobs]; npm run cli -- retry --all --state failed [failed jobs]).`);
  if (oldestMs > warnAfterMs) warnings.push(`The backlog is growing: the oldest due job has waited ${Math.round(oldestMs / 1000)} s (${counts.queued ?? 0} queued). Fix: check that workers run and that QuickBooks and Salesforce answer.`);
  return {
    status: warnings.length > 0 ? 'warning' : 'ok',
    queued: counts.queued ?? 0,
    running: counts.running ?? 0,
    failed,
    dead,
    completed: counts.completed ?? 0,
    oldestQueuedAgeSeconds: Math.round(oldestMs / 1000),
    warnings,
  };
}

function worst(levels: string[]): Level {
  if (levels.includes('error')) return 'error';
  if (levels.includes('warning')) return 'warning';
  return 'ok';
}
