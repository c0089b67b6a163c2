/**
 * Live updates for the open record pages. After the write-back stores a deal's or an Account's billing state
 * (invoice created, sync error, payment, overdue), the ids are collected for a short window and published as
 * ONE platform event `Ledgerline_Billing_Update__e` per batch; the Lightning components subscribed to it refresh.
 *
 * The org's hourly event allocation is shared with everything else in it, so: one event per batch (split only
 * when the ids do not fit the field), and when Salesforce answers LIMIT_EXCEEDED, publishing pauses (logged once)
 * and resumes later. A failed publish never fails the write-back job: the panel still works without events.
 */
import type { Connection } from 'jsforce';
import type { Logger } from '../logger';
import { ACCOUNT_FIELDS, BILLING_UPDATE_EVENT, INVOICE_FIELDS, OPPORTUNITY_FIELDS, SOBJECTS } from './fields';
import { idChecksum } from './ids';

export type BillingChangeKind = 'invoice' | 'error' | 'queued' | 'payment' | 'receivables';

export interface BillingChange {
  opportunityIds: string[];
  accountIds: string[];
  kinds: BillingChangeKind[];
}

export type PublishOutcome = 'published' | 'failed' | 'paused';

export interface BillingUpdateOptions {
  /** How long ids are collected before one event goes out (ms). */
  windowMs?: number;
  /**
   * The least time between two events (ms): during a burst, the ids of many write-back batches go in one event
   * (one API call) instead of one each. After a quiet spell the first event still goes after `windowMs`.
   */
  minIntervalMs?: number;
  /** How long publishing pauses after the org's allocation is used up (ms). */
  pauseMs?: number;
  now?: () => number;
  /** Counts events by outcome (/metrics). */
  onOutcome?: (outcome: PublishOutcome, events: number) => void;
}

type SaveResult = { success?: boolean; errors?: Array<{ statusCode?: string; message?: string }> };

const DEFAULT_WINDOW_MS = 250;
const DEFAULT_PAUSE_MS = 15 * 60_000;
const DEFAULT_MIN_INTERVAL_MS = 10_000;
/** sObject collections take at most 200 records a call. */
const MAX_EVENTS_PER_CALL = 200;

/** 15-character ids become 18-character ones, so subscribers compare like with like. */
function id18(id: string): string {
  return id.length === 15 ? id + idChecksum(id) : id;
}

/** What a successful write-back record says about billing state; null when it is not billing state. */
export function billingChangeOf(sobject: string, record: Record<string, unknown>): BillingChange | null {
  const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
  if (sobject === SOBJECTS.opportunity) {
    const id = text(record.Id);
    if (!id) return null;
    const status = record[OPPORTUNITY_FIELDS.billingSyncStatus];
    const kinds: BillingChangeKind[] = [];
    if (status === 'Error') kinds.push('error');
    else if (status === 'Queued') kinds.push('queued');
    else if (status === 'Synced' || OPPORTUNITY_FIELDS.quickBooksInvoiceId in record) kinds.push('invoice');
    if (OPPORTUNITY_FIELDS.invoiceBalance in record || OPPORTUNITY_FIELDS.lastPaymentDate in record) kinds.push('payment');
    return { opportunityIds: [id], accountIds: [], kinds: kinds.length ? kinds : ['invoice'] };
  }
  if (sobject === SOBJECTS.account) {
    const id = text(record.Id);
    if (!id) return null;
    const balances = ACCOUNT_FIELDS.openBalance in record || ACCOUNT_FIELDS.overdueBalance in record;
    const customer = ACCOUNT_FIELDS.quickBooksCustomerId in record;
    if (!balances && !customer) return null;
    return { opportunityIds: [], accountIds: [id], kinds: balances ? ['receivables'] : ['invoice'] };
  }
  if (sobject === SOBJECTS.invoice) {
    const opportunity = text(record[INVOICE_FIELDS.opportunity]);
    const account = text(record[INVOICE_FIELDS.account]);
    if (!opportunity && !account) return null;
    return { opportunityIds: opportunity ? [opportunity] : [], accountIds: account ? [account] : [], kinds: ['invoice'] };
  }
  return null;
}

/** Splits ids into comma-separated values of at most `maxLength` characters. */
export function packIds(ids: string[], maxLength: number = BILLING_UPDATE_EVENT.idsFieldLength): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const id of ids) {
    const next = current ? `${current},${id}` : id;
    if (next.length > maxLength && current) {
      chunks.push(current);
      current = id;
    } else {
      current = next;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

/** The event records for one batch: one, unless the ids need more than one field's length. */
export function eventRecords(change: BillingChange, maxLength: number = BILLING_UPDATE_EVENT.idsFieldLength): Array<Record<string, string | null>> {
  const { fields } = BILLING_UPDATE_EVENT;
  const opportunities = packIds(change.opportunityIds, maxLength);
  const accounts = packIds(change.accountIds, maxLength);
  const kinds = [...new Set(change.kinds)].sort().join(',').slice(0, BILLING_UPDATE_EVENT.kindsFieldLength);
  const count = Math.max(opportunities.length, accounts.length, 1);
  return Array.from({ length: count }, (_unused, i) => ({
    [fields.opportunityIds]: opportunities[i] ?? null,
    [fields.accountIds]: accounts[i] ?? null,
    [fields.changeKinds]: kinds,
  }));
}

export class BillingUpdatePublisher {
  private opportunityIds = new Set<string>();
  private accountIds = new Set<string>();
  private kinds = new Set<BillingChangeKind>();
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();
  private pausedUntil = 0;
  private lastFailureLog = Number.NEGATIVE_INFINITY;
  private readonly windowMs: number;
  private readonly minIntervalMs: number;
  private lastPublishAt = Number.NEGATIVE_INFINITY;
  private timerDueAt = 0;
  private readonly pauseMs: number;
  private readonly now: () => number;
  /** Events published, failed, and left out while paused (also in /metrics). */
  readonly counts = { published: 0, failed: 0, paused: 0, calls: 0 };

  constructor(
    private readonly conn: () => Promise<Connection>,
    private readonly logger: Logger,
    private readonly options: BillingUpdateOptions = {},
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_WINDOW_MS;
    this.minIntervalMs = options.minIntervalMs ?? DEFAULT_MIN_INTERVAL_MS;
    this.pauseMs = options.pauseMs ?? DEFAULT_PAUSE_MS;
    this.now = options.now ?? Date.now;
  }

  /** Records a change; the batch goes out when the window closes. Never throws. */
  note(change: BillingChange | null): void {
    if (!change || (change.opportunityIds.length === 0 && change.accountIds.length === 0)) return;
    for (const id of change.opportunityIds) this.opportunityIds.add(id18(id));
    for (const id of change.accountIds) this.accountIds.add(id18(id));
    for (const kind of change.kinds) this.kinds.add(kind);
    // A payment is what a person watches the open page for: it goes out after the window, whatever the least
    // interval between events (which spaces out a burst of invoices, the Salesforce calls a burst would cost).
    const delay = change.kinds.includes('payment') ? this.windowMs : Math.max(this.windowMs, this.lastPublishAt + this.minIntervalMs - Date.now());
    if (this.timer && this.timerDueAt <= Date.now() + delay) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = Date.now() + delay;
    this.timer = setTimeout(() => void this.flush(), delay);
    this.timer.unref?.();
  }

  /** Publishes what has been collected now (the window's end, and shutdown). */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const change: BillingChange = { opportunityIds: [...this.opportunityIds], accountIds: [...this.accountIds], kinds: [...this.kinds] };
    this.opportunityIds = new Set();
    this.accountIds = new Set();
    this.kinds = new Set();
    if (change.opportunityIds.length === 0 && change.accountIds.length === 0) return this.inFlight;
    this.lastPublishAt = Date.now();
    // Batches go out one after the other, so events keep the order of the writes.
    this.inFlight = this.inFlight.then(() => this.publish(change));
    return this.inFlight;
  }

  private async publish(change: BillingChange): Promise<void> {
    const records = eventRecords(change);
    if (this.now() < this.pausedUntil) {
      this.outcome('paused', records.length);
      return;
    }
    for (let start = 0; start < records.length; start += MAX_EVENTS_PER_CALL) {
      const chunk = records.slice(start, start + MAX_EVENTS_PER_CALL);
      try {
        const api = (await this.conn()).sobject(BILLING_UPDATE_EVENT.name);
        this.counts.calls += 1;
        // One event: the single-record resource; several: one sObject-collection call.
        const results = (chunk.length === 1 ? [await api.create(chunk[0]!)] : await api.create(chunk, { allOrNone: false })) as unknown as SaveResult[];
        const failed = results.filter((r) => !r.success);
        this.outcome('published', results.length - failed.length);
        if (failed.length) this.failed(failed.length, failed[0]?.errors?.[0]?.statusCode, failed[0]?.errors?.[0]?.message);
      } catch (error) {
        const e = error as { errorCode?: string; name?: string; message?: string };
        this.failed(chunk.length, e.errorCode ?? e.name, e.message);
      }
      if (this.now() < this.pausedUntil) {
        this.outcome('paused', records.length - start - chunk.length);
        return;
      }
    }
  }

  private failed(events: number, statusCode: string | undefined, message: string | undefined): void {
    if (statusCode === 'LIMIT_EXCEEDED') {
      this.pausedUntil = this.now() + this.pauseMs;
      this.outcome('paused', events);
      this.logger.warn(
        { event: BILLING_UPDATE_EVENT.name, resumeAt: new Date(this.pausedUntil).toISOString() },
        'Salesforce refused the billing update event: the org has used up its hourly platform event allocation. Live updates pause (pages still refresh on demand) and resume later.',
      );
      return;
    }
    this.outcome('failed', events);
    // At most one line a minute: a broken publish must not flood the log of every write-back.
    if (this.now() - this.lastFailureLog < 60_000) return;
    this.lastFailureLog = this.now();
    this.logger.warn({ event: BILLING_UPDATE_EVENT.name, statusCode, message }, 'could not publish the billing update event; open pages refresh on demand instead');
  }

  private outcome(outcome: PublishOutcome, events: number): void {
    if (events <= 0) return;
    this.counts[outcome] += events;
    this.options.onOutcome?.(outcome, events);
  }
}
