import type { EmulatorState } from './state';
import { formatDateTime } from './values';

/**
 * The Apex side of the contract, played by the emulator: when a deal becomes Closed Won the
 * "Queueable" POSTs the ids to the middleware through the named credential, after the response.
 */

export interface CalloutConfig {
  /** Middleware base URL (the Named Credential's URL). */
  url?: string;
  /** Bearer key the Named Credential sends. */
  apiKey?: string;
  enabled?: boolean;
  /** Ids per callout (the contract allows 200). */
  batchSize?: number;
  timeoutMs?: number;
}

export interface CalloutRecord {
  at: string;
  url: string;
  opportunityIds: string[];
  status: number | null;
  responseBody: unknown;
  error: string | null;
}

const PATH = '/api/v1/sync/opportunities';

export class CalloutService {
  private config: Required<Omit<CalloutConfig, 'url' | 'apiKey'>> & Pick<CalloutConfig, 'url' | 'apiKey'>;
  readonly log: CalloutRecord[] = [];
  private readonly pending = new Set<Promise<void>>();
  /** Salesforce runs queued Apex with bounded parallelism: at most this many callouts in flight. */
  private readonly maxConcurrent = 25;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly state: EmulatorState,
    config: CalloutConfig = {},
  ) {
    this.config = { enabled: true, batchSize: 200, timeoutMs: 10_000, ...config };
  }

  configure(patch: CalloutConfig): void {
    this.config = { ...this.config, ...patch };
  }

  settings(): CalloutConfig {
    return { ...this.config, ...(this.config.apiKey ? { apiKey: '***' } : {}) };
  }

  /** On when a middleware URL is configured and not switched off. */
  active(): boolean {
    return this.config.enabled && Boolean(this.config.url);
  }

  enqueue(ids: string[]): void {
    if (!this.active() || !ids.length) return;
    for (let i = 0; i < ids.length; i += this.config.batchSize) {
      const batch = ids.slice(i, i + this.config.batchSize);
      const p = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.throttled(() => this.send(batch)));
      this.pending.add(p);
      void p.finally(() => this.pending.delete(p));
    }
  }

  /** Resolves when every queued callout has finished (tests, demo). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private async throttled(task: () => Promise<void>): Promise<void> {
    if (this.inFlight >= this.maxConcurrent) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.inFlight += 1;
    try {
      await task();
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }

  private async send(ids: string[]): Promise<void> {
    const url = `${String(this.config.url).replace(/\/$/, '')}${PATH}`;
    const entry: CalloutRecord = { at: new Date().toISOString(), url, opportunityIds: ids, status: null, responseBody: null, error: null };
    this.log.push(entry);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${this.config.apiKey ?? ''}` },
        body: JSON.stringify({ opportunityIds: ids, reason: 'closed_won' }),
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      entry.status = res.status;
      const text = await res.text();
      entry.responseBody = parse(text);
      if (res.status < 200 || res.status >= 300) {
        // As MiddlewareSyncQueueable: a refusal (4xx) needs a person; a brief outage (408/429/5xx) leaves
        // the deal Queued for the middleware's sweeper.
        const transient = res.status === 408 || res.status === 429 || res.status >= 500;
        this.mark(ids, transient ? 'Queued' : 'Error', `Billing sync callout failed: HTTP ${res.status} from the middleware. ${text.slice(0, 500)}`.trim());
        entry.error = `HTTP ${res.status}`;
        return;
      }
      for (const r of rejected(entry.responseBody)) this.mark([r.opportunityId], 'Error', `The middleware rejected this deal: ${r.error}`);
    } catch (e) {
      entry.error = e instanceof Error ? e.message : String(e);
      this.mark(ids, 'Queued', `Salesforce could not reach the Ledgerline middleware (${entry.error}). The deal stays Queued: the middleware picks it up again within minutes, or press Retry on the billing card.`);
    }
  }

  /** What the Queueable does on failure: the status (Error, or Queued for a transient failure) plus the reason. */
  private mark(ids: string[], status: 'Error' | 'Queued', message: string): void {
    const obj = this.state.schema.object('Opportunity');
    if (!obj || !this.state.schema.field(obj, 'Billing_Sync_Status__c')) return;
    const errorField = this.state.schema.field(obj, 'Billing_Sync_Error__c');
    const now = formatDateTime(this.state.now());
    for (const id of ids) {
      const rec = this.state.store.get('Opportunity', id);
      if (!rec) continue;
      const limit = errorField?.length ?? 32768;
      this.state.store.put('Opportunity', {
        ...rec,
        Billing_Sync_Status__c: status,
        ...(errorField ? { [errorField.name]: message.slice(0, limit) } : {}),
        LastModifiedDate: now,
        SystemModstamp: now,
      });
    }
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function rejected(body: unknown): { opportunityId: string; error: string }[] {
  const list = body && typeof body === 'object' ? (body as { rejected?: unknown }).rejected : undefined;
  if (!Array.isArray(list)) return [];
  return list
    .filter((r): r is { opportunityId: string; error: unknown } => Boolean(r) && typeof (r as { opportunityId?: unknown }).opportunityId === 'string')
    .map((r) => ({ opportunityId: r.opportunityId, error: typeof r.error === 'string' ? r.error : JSON.stringify(r.error) }));
}
