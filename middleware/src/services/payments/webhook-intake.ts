/**
 * The fast half of the webhook path: store every event in the inbox (deduplicated), queue one job per
 * new event that can change payment status, and let the HTTP route answer Intuit at once. Events for
 * companies that are not connected are logged and acknowledged: Intuit would otherwise retry them for days.
 */
import type { Logger } from '../../logger';
import type { InboxEvent, InboxEventInput, WebhookInbox } from '../../store/webhook-inbox';
import { parseNotification, type WebhookFormat } from './webhook-events';

/** Entities whose changes move an invoice's balance or its payments, or are sales documents mirrored themselves. */
export const PAYMENT_ENTITIES: ReadonlySet<string> = new Set(['Invoice', 'Payment', 'CreditMemo', 'SalesReceipt', 'RefundReceipt']);

export interface IntakeResult {
  format: WebhookFormat;
  received: number;
  stored: number;
  duplicates: number;
  unknownRealm: number;
  skipped: number;
}

export interface WebhookIntakeDeps {
  inbox: Pick<WebhookInbox, 'record' | 'markProcessed' | 'pending'>;
  /** Realm ids of connected companies. */
  connectedRealms: () => Promise<string[]>;
  /** Queues processing of these inbox events (idempotent per event). */
  enqueue: (events: InboxEvent[]) => Promise<void>;
  logger: Logger;
  now?: () => number;
  realmCacheMs?: number;
  /** Entities whose events are queued (default PAYMENT_ENTITIES); others are marked processed at once. */
  entities?: ReadonlySet<string>;
}

export class WebhookIntake {
  private realms: { at: number; ids: Set<string> } | null = null;
  private dispatching: Promise<void> = Promise.resolve();
  /** Stored events whose dispatch is scheduled but has not started. */
  private readonly waiting: InboxEvent[] = [];
  private readonly now: () => number;

  constructor(private readonly deps: WebhookIntakeDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Parses and stores a notification whose signature was already verified. Throws BAD_REQUEST on an unknown shape. */
  async accept(body: unknown): Promise<IntakeResult> {
    const parsed = parseNotification(body);
    const known: InboxEventInput[] = [];
    let unknownRealm = 0;
    for (const event of parsed.events) {
      if (await this.isConnected(event.realmId)) known.push(event);
      else unknownRealm += 1;
    }
    if (unknownRealm > 0) {
      const realms = [...new Set(parsed.events.map((e) => e.realmId))].filter((r) => !known.some((k) => k.realmId === r));
      this.deps.logger.warn({ realms, events: unknownRealm }, 'webhook events for companies that are not connected were acknowledged and ignored');
    }
    if (parsed.skipped > 0) this.deps.logger.warn({ skipped: parsed.skipped }, 'webhook entries without realm, entity or id were ignored');
    const { stored, duplicates } = known.length > 0 ? await this.deps.inbox.record(known) : { stored: [], duplicates: 0 };
    // Stored is enough to answer Intuit; queueing happens right after, in order. A crash in between
    // leaves the events unprocessed in the inbox, where drain() finds them.
    this.queueAfterAnswer(stored);
    return { format: parsed.format, received: parsed.events.length, stored: stored.length, duplicates, unknownRealm, skipped: parsed.skipped };
  }

  /**
   * Events stored while a dispatch is running wait for it and then go together, in the order they were
   * stored: one enqueue (one transaction) for all the notifications that came in meanwhile, instead of
   * one per notification, so that a burst of webhooks does not queue behind its own job inserts.
   */
  private queueAfterAnswer(stored: InboxEvent[]): void {
    if (stored.length === 0) return;
    this.waiting.push(...stored);
    if (this.waiting.length > stored.length) return; // a dispatch is already scheduled and takes these too
    this.dispatching = this.dispatching.then(async () => {
      const events = this.waiting.splice(0);
      await this.dispatch(events).catch((error: unknown) =>
        this.deps.logger.error({ err: error, events: events.length }, 'could not queue stored webhook events; the sweeper will'),
      );
    });
  }

  /** Resolves when every stored event so far has been queued (tests, shutdown). */
  idle(): Promise<void> {
    return this.dispatching;
  }

  /**
   * Safety net for a crash between storing and queueing: events still unprocessed after `olderThanMs`
   * are queued again (the per-event job key makes this a no-op for events that already have a job).
   */
  async drain(olderThanMs: number, limit = 500): Promise<number> {
    const cutoff = this.now() - olderThanMs;
    const stale = (await this.deps.inbox.pending(limit)).filter((e) => e.receivedAt.getTime() <= cutoff);
    await this.dispatch(stale);
    return stale.length;
  }

  private async dispatch(events: InboxEvent[]): Promise<void> {
    if (events.length === 0) return;
    const wanted = this.deps.entities ?? PAYMENT_ENTITIES;
    const relevant = events.filter((e) => wanted.has(e.entity));
    const ignored = events.filter((e) => !wanted.has(e.entity)).map((e) => e.id);
    if (ignored.length > 0) await this.deps.inbox.markProcessed(ignored);
    if (relevant.length > 0) await this.deps.enqueue(relevant);
  }

  private async isConnected(realmId: string): Promise<boolean> {
    const ttl = this.deps.realmCacheMs ?? 5_000;
    const fresh = this.realms && this.now() - this.realms.at < ttl;
    if (fresh && this.realms!.ids.has(realmId)) return true;
    // A miss always reloads (one small query; the signature was already verified, so only Intuit gets
    // here): an event of a company connected a moment ago must never be dropped.
    this.realms = { at: this.now(), ids: new Set(await this.deps.connectedRealms()) };
    return this.realms.ids.has(realmId);
  }
}
