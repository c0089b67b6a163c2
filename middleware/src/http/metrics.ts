import { Router, type Request } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { AppError } from '../errors';
import { JOB_STATES, type Job, type JobState } from '../jobs';
import { keyMatcher, presentedSecret } from './admin-auth';

/** What the metrics read when Prometheus scrapes (each value is the database's or this process's own). */
export interface MetricSources {
  /** Jobs per state in the shared queue. */
  jobCounts(): Promise<Record<JobState, number>>;
  /** Milliseconds the longest-waiting due job has waited. */
  oldestQueuedAgeMs(): Promise<number>;
  /** The oldest QuickBooks webhook event not yet processed, if any. */
  oldestPendingWebhook(): Promise<{ receivedAt: Date } | undefined>;
  /** Salesforce calls this process made: SOQL batches and sObject-collection writes. */
  salesforceCalls(): { queries: number; writes: number };
  /** The org's 24-hour API usage as Salesforce last reported it (Sforce-Limit-Info), when known. */
  salesforceApiUsage(): Promise<{ used: number; limit: number } | null>;
  now?: () => number;
}

/** The middleware's Prometheus registry: process metrics plus the families below, all prefixed `ledgerline_`. */
export class LedgerlineMetrics {
  readonly registry = new Registry();
  private readonly jobDuration: Histogram<'type' | 'outcome'>;
  private readonly jobWait: Histogram<'type'>;
  private readonly qboRequests: Counter<'realm_id'>;
  private readonly qboThrottled: Counter<'realm_id'>;
  private readonly webhookLag: Histogram<never>;
  private readonly webhookEvents: Counter<never>;
  private readonly billingUpdates: Counter<'outcome'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    const now = sources.now ?? Date.now;
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'ledgerline_queue_jobs',
      help: 'Jobs in the queue by state (shared by every process on the database).',
      labelNames: ['state'],
      registers,
      async collect() {
        const counts = await sources.jobCounts();
        for (const state of JOB_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: 'ledgerline_queue_oldest_due_seconds',
      help: 'How long the longest-waiting due job has waited for a worker (0 when none).',
      registers,
      async collect() {
        this.set((await sources.oldestQueuedAgeMs()) / 1000);
      },
    });
    this.jobWait = new Histogram({
      name: 'ledgerline_job_wait_seconds',
      help: 'Time from a job being due to a worker starting it.',
      labelNames: ['type'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
      registers,
    });
    this.jobDuration = new Histogram({
      name: 'ledgerline_job_duration_seconds',
      help: 'Time a worker spent running a job, by type and outcome (succeeded or failed).',
      labelNames: ['type', 'outcome'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.qboRequests = new Counter({ name: 'ledgerline_qbo_requests_total', help: 'QuickBooks API requests this process sent, per company.', labelNames: ['realm_id'], registers });
    this.qboThrottled = new Counter({ name: 'ledgerline_qbo_throttled_total', help: 'QuickBooks answers HTTP 429 (or fault 3001) this process received, per company.', labelNames: ['realm_id'], registers });
    this.webhookLag = new Histogram({
      name: 'ledgerline_webhook_lag_seconds',
      help: "Time from a QuickBooks change (Intuit's lastUpdated) to its event being stored here.",
      buckets: [0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    });
    this.billingUpdates = new Counter({
      name: 'ledgerline_billing_update_events_total',
      help: 'Ledgerline_Billing_Update__e platform events: outcome=published, failed, or paused (left out while the org\u2019s hourly allocation is used up).',
      labelNames: ['outcome'],
      registers,
    });
    this.webhookEvents = new Counter({ name: 'ledgerline_webhook_events_total', help: 'QuickBooks webhook events stored (redeliveries not counted).', registers });
    new Gauge({
      name: 'ledgerline_webhook_oldest_pending_seconds',
      help: 'Age of the oldest stored QuickBooks webhook event not yet processed (0 when none).',
      registers,
      async collect() {
        const oldest = await sources.oldestPendingWebhook();
        this.set(oldest ? Math.max(now() - oldest.receivedAt.getTime(), 0) / 1000 : 0);
      },
    });
    const seen = { queries: 0, writes: 0 };
    new Counter({
      name: 'ledgerline_salesforce_requests_total',
      help: 'Salesforce API calls this process made: kind=query (SOQL batches) or write (sObject collections).',
      labelNames: ['kind'],
      registers,
      collect() {
        const calls = sources.salesforceCalls();
        for (const kind of ['queries', 'writes'] as const) {
          this.inc({ kind: kind === 'queries' ? 'query' : 'write' }, Math.max(calls[kind] - seen[kind], 0));
          seen[kind] = calls[kind];
        }
      },
    });
    new Gauge({
      name: 'ledgerline_salesforce_api_usage',
      help: "The org's API requests in the last 24 hours as Salesforce last reported them: kind=used or limit.",
      labelNames: ['kind'],
      registers,
      async collect() {
        const usage = await sources.salesforceApiUsage();
        if (!usage) return;
        this.set({ kind: 'used' }, usage.used);
        this.set({ kind: 'limit' }, usage.limit);
      },
    });
  }

  qboRequest(realmId: string): void {
    this.qboRequests.inc({ realm_id: realmId });
  }

  billingUpdateEvents(outcome: 'published' | 'failed' | 'paused', events: number): void {
    this.billingUpdates.inc({ outcome }, events);
  }

  qboThrottle(realmId: string): void {
    this.qboThrottled.inc({ realm_id: realmId });
  }

  /** Events just stored by the webhook intake. */
  webhookStored(events: Array<{ changeTime: string; receivedAt: Date }>): void {
    for (const event of events) {
      const changed = Date.parse(event.changeTime);
      this.webhookEvents.inc();
      if (Number.isFinite(changed)) this.webhookLag.observe(Math.max(event.receivedAt.getTime() - changed, 0) / 1000);
    }
  }

  /** Wraps job handlers so each run is timed (wait from due to start, and run time by outcome). */
  timeJobs<H extends Record<string, (job: Job<never>) => Promise<unknown>>>(handlers: H, now: () => number = Date.now): H {
    const timed: Record<string, (job: Job<never>) => Promise<unknown>> = {};
    for (const [type, handler] of Object.entries(handlers)) {
      timed[type] = async (job) => {
        const started = now();
        const due = Math.max(new Date(job.runAt).getTime(), new Date(job.createdAt).getTime());
        if (Number.isFinite(due)) this.jobWait.observe({ type }, Math.max(started - due, 0) / 1000);
        try {
          const result = await handler(job);
          this.jobDuration.observe({ type, outcome: 'succeeded' }, (now() - started) / 1000);
          return result;
        } catch (error) {
          this.jobDuration.observe({ type, outcome: 'failed' }, (now() - started) / 1000);
          throw error;
        }
      };
    }
    return timed as H;
  }
}

/**
 * GET /metrics in Prometheus text format. Scrapers present METRICS_TOKEN (a read-only secret, so that
 * Prometheus never holds an admin key) or an admin key, as a bearer token or a Basic password.
 */
export function metricsRoutes(metrics: LedgerlineMetrics, options: { metricsToken?: string | undefined; adminKeys: string[] }): Router {
  const accepted = keyMatcher([...(options.metricsToken ? [options.metricsToken] : []), ...options.adminKeys]);
  const allowed = (req: Request): boolean => {
    const secret = presentedSecret(req);
    return secret !== undefined && accepted(secret);
  };
  const router = Router();
  router.get('/metrics', async (req, res, next) => {
    if (!allowed(req)) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="ledgerline-metrics"');
      next(new AppError('UNAUTHORIZED', 'The metrics need a bearer token.', { status: 401, fix: 'Send Authorization: Bearer <METRICS_TOKEN> (or an admin key) from the scraper.' }));
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      res.setHeader('Content-Type', metrics.registry.contentType);
      res.send(body);
    } catch (error) {
      next(error);
    }
  });
  return router;
}
