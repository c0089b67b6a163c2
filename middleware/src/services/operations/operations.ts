/**
 * What an admin does without reading logs: list jobs (by state, Opportunity, company), retry one or every
 * dead job after a fix, read a record's audit trail, and see the health report. Used by the ops routes,
 * the operations page and the CLI.
 */
import type { Job, JobQueue, JobState } from '../../jobs';
import type { AuditEntry, AuditLog } from '../../store/audit-log';
import type { RecordLinkRepository } from '../../store/record-links';
import type { WebhookInbox } from '../../store/webhook-inbox';
import type { HealthReport, HealthService } from './health';

export interface JobView {
  id: string;
  type: string;
  state: JobState;
  attempts: number;
  maxAttempts: number;
  opportunityId: string | null;
  accountId: string | null;
  realmId: string | null;
  lastError: string | null;
  lastErrorCode: string | null;
  runAt: string;
  createdAt: string;
  updatedAt: string;
  result: unknown;
}

export interface JobFilter {
  state?: JobState;
  type?: string;
  opportunityId?: string;
  realmId?: string;
  limit?: number;
  offset?: number;
}

export interface OperationsDeps {
  queue: Pick<JobQueue, 'list' | 'get' | 'retry' | 'retryAll'>;
  audit: Pick<AuditLog, 'append' | 'query'>;
  links: Pick<RecordLinkRepository, 'findBySalesforceId'>;
  inbox: Pick<WebhookInbox, 'get'>;
  health: Pick<HealthService, 'report'>;
  /** Wakes the workers so a retried job runs now. */
  wake: () => void;
}

type Payload = { opportunityId?: string; accountId?: string; accountIds?: string[]; realmId?: string; inboxId?: number };

export class OperationsService {
  constructor(private readonly deps: OperationsDeps) {}

  async jobs(filter: JobFilter): Promise<JobView[]> {
    const limit = Math.min(Math.max(filter.limit ?? 100, 1), 500);
    const key = filter.opportunityId ? `opportunity:${filter.opportunityId}` : undefined;
    // A company filter reads more and filters after resolving each job's company.
    const page = await this.deps.queue.list({ ...(filter.state ? { state: filter.state } : {}), ...(filter.type ? { type: filter.type } : {}), ...(key ? { key } : {}), limit: filter.realmId ? 500 : limit, offset: filter.offset ?? 0 });
    const views = await Promise.all(page.map((job) => this.view(job)));
    return (filter.realmId ? views.filter((v) => v.realmId === filter.realmId) : views).slice(0, limit);
  }

  async job(id: string): Promise<JobView | undefined> {
    const job = await this.deps.queue.get(id);
    return job ? this.view(job) : undefined;
  }

  async retry(id: string, actor: string): Promise<JobView> {
    const job = await this.deps.queue.retry(id);
    await this.deps.audit.append({ actor, action: 'job.retried', system: 'middleware', jobId: id, salesforceId: subjectOf(job.payload as Payload) });
    this.deps.wake();
    return this.view(job);
  }

  async retryAll(state: 'dead' | 'failed', actor: string, type?: string): Promise<{ retried: string[]; skipped: string[] }> {
    const result = await this.deps.queue.retryAll({ state, ...(type ? { type } : {}) });
    if (result.retried.length > 0) {
      const jobs = await Promise.all(result.retried.map((jobId) => this.deps.queue.get(jobId)));
      await this.deps.audit.append(result.retried.map((jobId, i) => ({ actor, action: 'job.retried', system: 'middleware' as const, jobId, salesforceId: jobs[i] ? subjectOf(jobs[i]!.payload as Payload) : null, sourceEvent: `retry-all:${state}` })));
    }
    this.deps.wake();
    return result;
  }

  /** A record's trail: entries naming it as the Salesforce or the QuickBooks id, newest first. */
  async audit(record: string, options: { limit?: number; beforeId?: number } = {}): Promise<AuditEntry[]> {
    const limit = Math.min(Math.max(options.limit ?? 100, 1), 1000);
    const ids = record.length === 18 ? [record, record.slice(0, 15)] : [record];
    const lists = await Promise.all(ids.flatMap((id) => [
      this.deps.audit.query({ salesforceId: id, limit, ...(options.beforeId ? { beforeId: options.beforeId } : {}) }),
      this.deps.audit.query({ qboId: id, limit, ...(options.beforeId ? { beforeId: options.beforeId } : {}) }),
    ]));
    const byId = new Map(lists.flat().map((e) => [e.id, e]));
    return [...byId.values()].sort((a, b) => b.id - a.id).slice(0, limit);
  }

  health(): Promise<HealthReport> {
    return this.deps.health.report();
  }

  private async view(job: Job): Promise<JobView> {
    const payload = (job.payload ?? {}) as Payload;
    return {
      id: job.id,
      type: job.type,
      state: job.state,
      attempts: job.attempts,
      maxAttempts: job.maxAttempts,
      opportunityId: payload.opportunityId ?? null,
      accountId: payload.accountId ?? null,
      realmId: await this.realmOf(job, payload),
      lastError: job.lastError,
      lastErrorCode: job.lastErrorCode,
      runAt: job.runAt.toISOString(),
      createdAt: job.createdAt.toISOString(),
      updatedAt: job.updatedAt.toISOString(),
      result: job.result,
    };
  }

  /** The company a job worked for: its result, its payload, its webhook event, or the deal's invoice link. */
  private async realmOf(job: Job, payload: Payload): Promise<string | null> {
    const result = job.result as { realmId?: unknown } | null;
    if (result && typeof result.realmId === 'string') return result.realmId;
    if (payload.realmId) return payload.realmId;
    if (typeof payload.inboxId === 'number') return (await this.deps.inbox.get(payload.inboxId))?.realmId ?? null;
    if (payload.opportunityId) return (await this.deps.links.findBySalesforceId('invoice', payload.opportunityId))[0]?.realmId ?? null;
    return null;
  }
}

function subjectOf(payload: Payload): string | null {
  return payload.opportunityId ?? payload.accountId ?? null;
}
