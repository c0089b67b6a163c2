/**
 * Sends signed change notifications to the configured URL: events are batched over a short window,
 * delivered one notification at a time in order, retried with back-off on non-2xx (bounded), and can
 * be paused or dropped to simulate lost webhooks.
 */
import type { WebhookOptions } from './options';
import type { ChangeEvent } from './store';
import { buildNotification } from './webhook-payloads';
import { signWebhookPayload } from './webhook-signature';

export interface DeliveryAttempt {
  status?: number;
  error?: string;
}

export interface DeliveryRecord {
  id: number;
  body: string;
  signature: string;
  events: number;
  attempts: DeliveryAttempt[];
  outcome: 'pending' | 'delivered' | 'failed' | 'dropped';
}

export class WebhookNotifier {
  private buffer: ChangeEvent[] = [];
  private queue: DeliveryRecord[] = [];
  private readonly records: DeliveryRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private paused = false;
  private dropNextCount = 0;
  private dropAll = false;
  private closed = false;
  private nextId = 1;

  constructor(private options: WebhookOptions | undefined) {}

  configure(options: WebhookOptions | undefined): void {
    this.options = options;
  }

  record(event: ChangeEvent): void {
    if (!this.options || this.closed) return;
    this.buffer.push(event);
    if (!this.timer) this.timer = setTimeout(() => this.cut(), this.options.batchWindowMs);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.pump();
  }

  /** The next `count` notifications are lost (never sent). */
  dropNext(count: number): void {
    this.dropNextCount += count;
  }

  setDropAll(drop: boolean): void {
    this.dropAll = drop;
  }

  deliveries(): DeliveryRecord[] {
    return structuredClone(this.records);
  }

  clearLog(): void {
    this.records.length = 0;
  }

  /** Cuts the current batch and waits until everything queued has been delivered, failed or dropped. */
  async flush(): Promise<void> {
    this.cut();
    while (this.pumping || (this.queue.length && !this.paused)) {
      this.pump();
      await this.pumping;
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.buffer = [];
    this.queue = [];
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const options = this.options;
    if (!options || this.buffer.length === 0) return;
    const events = this.buffer;
    this.buffer = [];
    for (let i = 0; i < events.length; i += options.maxEventsPerNotification) {
      const chunk = events.slice(i, i + options.maxEventsPerNotification);
      const body = JSON.stringify(buildNotification(options.format, chunk));
      const record: DeliveryRecord = { id: this.nextId++, body, signature: signWebhookPayload(body, options.verifierToken), events: chunk.length, attempts: [], outcome: 'pending' };
      this.records.push(record);
      if (this.dropAll || this.dropNextCount > 0) {
        if (!this.dropAll) this.dropNextCount--;
        record.outcome = 'dropped';
        continue;
      }
      this.queue.push(record);
    }
    this.pump();
  }

  private pump(): void {
    if (this.pumping || this.paused || this.closed) return;
    this.pumping = (async () => {
      while (this.queue.length && !this.paused && !this.closed) {
        await this.deliver(this.queue[0]!);
        this.queue.shift();
      }
    })().finally(() => {
      this.pumping = undefined;
    });
  }

  private async deliver(record: DeliveryRecord): Promise<void> {
    const options = this.options;
    if (!options) return;
    const delays = [0, ...options.retryDelaysMs];
    for (const delay of delays) {
      if (this.closed) return;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      try {
        const res = await fetch(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'intuit-signature': record.signature },
          body: record.body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        await res.arrayBuffer().catch(() => undefined);
        record.attempts.push({ status: res.status });
        if (res.ok) {
          record.outcome = 'delivered';
          return;
        }
      } catch (error) {
        record.attempts.push({ error: error instanceof Error ? error.message : String(error) });
      }
    }
    record.outcome = 'failed';
  }
}
