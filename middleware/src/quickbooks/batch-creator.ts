/**
 * Gathers the invoice creates and customer look-ups that concurrent jobs make for one company into QBO
 * batch requests: Intuit allows 500 requests but only 40 batch requests of 30 items per minute, so a burst
 * of Closed Won deals is invoiced up to 30 at a time, and the look-ups of its new customers ride along as
 * `Query` items (`… where DisplayName in (…)`), many Accounts per item.
 *
 * When a batch goes: at once when it is full (30 items); otherwise when the company's next batch slot is
 * free, i.e. one batch interval (a minute / QBO_BATCHES_PER_MINUTE) after the previous batch and when the
 * gate would admit a batch now. Until then it keeps gathering. A create or look-up that is alone when its
 * slot comes goes out as a plain request (a create with its own `requestid`), so a lone deal with nothing
 * to wait for is not held back; look-ups with no create to ride along with go as plain `in (…)` queries.
 *
 * In a burst, a wave of jobs (the workers' concurrency) leaves full batches and a remainder. While the workers
 * have more jobs due (`moreComing`), the remainder waits for the next wave's creates (up to BURST_WAVE_INTERVALS
 * batch intervals) rather than spending a batch slot of its own, and meanwhile its jobs count as waiting in the
 * Salesforce gathering, so the rest of the wave writes to Salesforce, ends, and makes room for the next wave; the
 * held jobs' own writes then go with that wave's. A lone deal never waits for this (no batch went just before, and
 * the workers' last claim was not full).
 *
 * A customer create never waits for a batch slot: it is on the critical path of every invoice of its
 * Account, and in a burst the batch budget is the scarce one while the request budget has room. So a
 * Customer create joins a batch only when a batch of invoice creates (and look-ups) with room to spare
 * after them is leaving in the same turn; otherwise it goes at once as a plain create with its own
 * `requestid`. Customer creates never make a batch go, nor fill one: they only take the room left over.
 *
 * Each caller still gets its own record, rows or error (a batch answers every item on its own). A batch
 * carries a `requestid` derived from its items' request ids and is sent once more if its answer is lost
 * (5xx, timeout, dropped connection), so QBO replays it rather than creating twice; beyond that the
 * caller's retry looks QBO up before creating again (see InvoiceSync, CustomerResolver). A batch with
 * look-ups gets a requestid of its own send only: a later look-up must see QuickBooks as it is then, never
 * a replayed answer.
 *
 * On shutdown (`hurry`, then `drain`) what is gathered goes at once, ignoring the spacing but still through
 * the gate, later arrivals too, and `drain` waits for every answer before the worker releases its jobs:
 * a job must not go back to the queue while its create is in flight.
 */
import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { BATCH_MAX_ITEMS, BATCH_REQUESTS_PER_MINUTE, type QboCompany, type QboEntity } from './api';
import { FindAnswers, planBatch, type CreateWaiting, type FindField, type Planned, type Waiting } from './batch-plan';
import { classifyQboError } from './errors';

export { FIND_VALUES_PER_QUERY, planBatch, type FindField } from './batch-plan';

/** Creates of these entities never wait for a batch slot (see above). */
const NEVER_WAITS: ReadonlySet<QboEntity> = new Set<QboEntity>(['Customer']);

export interface Creator {
  create<T>(company: QboCompany, entity: QboEntity, body: object, requestId: string): Promise<T>;
  /** Rows of `entity` whose `field` equals one of `values` (case-insensitive), gathered with other look-ups. */
  find?<T>(company: QboCompany, entity: QboEntity, field: FindField, values: string[]): Promise<T[]>;
  readonly stats?: { batches: number; batchedItems: number; single: number; resent: number; lookupItems?: number };
  /** Shutdown, first step: send what is held now, and every later arrival at once (still through the gate). */
  hurry?(): void;
  /**
   * Shutdown, last step: sends what is held and resolves once every request sent is answered (true) or after
   * `withinMs` (false); from then on creates and look-ups are refused with a retryable error.
   */
  drain?(withinMs: number): Promise<boolean>;
}

/** Creates one by one (QBO_BATCH_WINDOW_MS=0). */
export const directCreator: Creator = {
  create: (company, entity, body, requestId) => company.create(entity, body, requestId),
};

export interface BatchCreatorOptions {
  /** The company's batch budget this creator spaces its partial batches by (default BATCH_REQUESTS_PER_MINUTE). */
  batchesPerMinute?: number;
  maxItems?: number;
  /** Pause before the one resend of a batch whose answer was lost (ms). */
  resendDelayMs?: number;
  logger: Logger;
  now?: () => number;
  /**
   * The Salesforce gathering (util/gathering.ts). While a burst's partial batch is held back for the next wave
   * of jobs (see `moreComing`), its callers' jobs count there as waiting on a held request, so the other jobs'
   * Salesforce writes go and those jobs end, making room for the next wave. A caller waiting for anything
   * else (the gate's batch slot, the spacing) still counts as busy, as a job at QuickBooks does.
   */
  gathering?: { holder(): () => () => void };
  /**
   * More jobs that may add creates are due now (the workers' last claim took as many as they had room for).
   * During a burst a partial batch then waits for the next wave, up to BURST_WAVE_INTERVALS batch intervals,
   * instead of spending a batch slot of its own; without it (the queue is drained, a lone deal) nothing waits for it.
   */
  moreComing?: () => boolean;
}

interface Gathering {
  company: QboCompany;
  /** Invoice (and other) creates and look-ups, waiting for a batch. */
  items: Waiting[];
  /** Customer creates waiting for this turn's decision only: they ride a batch that leaves now, or go alone. */
  urgent: CreateWaiting[];
  timer: NodeJS.Timeout | null;
  /** The decision of this turn, for a customer create that arrived while the group waits for its slot. */
  soon: NodeJS.Timeout | null;
  /** The previous batch of this company left at (ms), for spacing the next partial one. */
  lastBatchAt: number;
  /** When the latest caller joined (ms): during a burst a partial batch waits while callers keep joining. */
  lastArrivalAt: number;
  /** When the oldest caller still waiting joined (ms). */
  firstArrivalAt: number;
}

/**
 * During a burst (a batch went within the last two batch intervals), a partial batch whose slot is free
 * still waits while callers keep joining, until none joined for this long (ms), or its oldest caller has
 * waited two batch intervals: the budget a skipped slot leaves is not lost (a full batch goes at once).
 */
const BURST_QUIET_MS = 200;
/**
 * While more jobs are due (BatchCreatorOptions.moreComing), a burst's partial batch waits for the next wave up
 * to this many batch intervals (about 6.7 s at 36 a minute) from its oldest caller: a wave of 200 jobs makes 6 full
 * batches and a remainder, and the remainder joins the next wave's creates instead of taking a slot of its own.
 */
const BURST_WAVE_INTERVALS = 4;

interface BatchAnswer {
  BatchItemResponse?: Array<Record<string, unknown> & { bId?: string; Fault?: unknown }>;
}

/** The batch's own requestid: the same items always give the same id (QBO allows 36 characters on a batch). */
export function batchRequestId(items: Array<{ requestId: string }>): string {
  const digest = createHash('sha256').update(items.map((i) => i.requestId).join('\n')).digest('hex');
  return `llb-${digest.slice(0, 32)}`;
}

function releaseHold(w: Waiting): void {
  w.release?.();
  w.release = undefined;
}

export class BatchCreator implements Creator {
  private readonly gathering = new Map<string, Gathering>();
  private readonly maxItems: number;
  private readonly intervalMs: number;
  private readonly now: () => number;
  /** Requests sent and not yet answered (batches and plain ones), for drain(). */
  private readonly inFlight = new Set<Promise<void>>();
  /** Shutting down: nothing is held back any more (hurry), or nothing is taken any more (drain done). */
  private hurrying = false;
  private closed = false;
  /** Batch requests sent and items they carried, plain requests for lone items, look-up items (metrics, benchmarks). */
  readonly stats = { batches: 0, batchedItems: 0, single: 0, resent: 0, lookupItems: 0 };

  constructor(private readonly options: BatchCreatorOptions) {
    this.maxItems = Math.min(options.maxItems ?? BATCH_MAX_ITEMS, BATCH_MAX_ITEMS);
    this.intervalMs = 60_000 / (options.batchesPerMinute ?? BATCH_REQUESTS_PER_MINUTE);
    this.now = options.now ?? Date.now;
  }

  create<T>(company: QboCompany, entity: QboEntity, body: object, requestId: string): Promise<T> {
    return new Promise<T>((resolve, reject) => this.add(company, { kind: 'create', entity, body, requestId, resolve: resolve as (record: unknown) => void, reject }));
  }

  find<T>(company: QboCompany, entity: QboEntity, field: FindField, values: string[]): Promise<T[]> {
    const wanted = values.filter((v) => v.length > 0);
    if (wanted.length === 0) return Promise.resolve([]);
    return new Promise<T[]>((resolve, reject) => this.add(company, { kind: 'find', entity, field, values: wanted, resolve: resolve as (rows: unknown[]) => void, reject }));
  }

  hurry(): void {
    this.hurrying = true;
    for (const group of this.gathering.values()) this.decide(group);
  }

  async drain(withinMs: number): Promise<boolean> {
    this.hurry();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), withinMs)));
    // An answer can start another request (a look-up's next page): wait until nothing is in flight.
    const settled = (async () => {
      while (this.inFlight.size > 0 || [...this.gathering.values()].some((g) => g.items.length + g.urgent.length > 0)) {
        for (const group of this.gathering.values()) this.decide(group);
        await Promise.all([...this.inFlight]);
      }
      return true as const;
    })();
    const done = await Promise.race([settled, late]);
    clearTimeout(timer);
    this.closed = true;
    return done;
  }

  private group(company: QboCompany): Gathering {
    let group = this.gathering.get(company.realmId);
    if (!group) {
      group = { company, items: [], urgent: [], timer: null, soon: null, lastBatchAt: -Infinity, lastArrivalAt: 0, firstArrivalAt: 0 };
      this.gathering.set(company.realmId, group);
    }
    group.company = company;
    return group;
  }

  private add(company: QboCompany, waiting: Waiting): void {
    if (this.closed) {
      waiting.reject(new AppError('QBO_ERROR', 'Ledgerline is shutting down: nothing more is sent to QuickBooks; the job is retried.', { retryable: true }));
      return;
    }
    const group = this.group(company);
    if (waiting.kind === 'create' && NEVER_WAITS.has(waiting.entity)) {
      // Decided in this turn, once its other callers have joined: a batch leaving now, or alone.
      group.urgent.push(waiting);
      if (!group.soon) {
        group.soon = setTimeout(() => {
          group.soon = null;
          this.decide(group);
        }, 0);
        group.soon.unref?.();
      }
      return;
    }
    const now = this.now();
    if (this.options.gathering) waiting.hold = this.options.gathering.holder();
    if (group.items.length === 0) group.firstArrivalAt = now;
    group.lastArrivalAt = now;
    group.items.push(waiting);
    if (planBatch(group.items, this.maxItems).taken.length < group.items.length) this.flush(group);
    else this.schedule(group, 0);
  }

  /** Looks again after `ms` (0: once the callers of this turn of the event loop have joined). */
  private schedule(group: Gathering, ms: number): void {
    if (group.timer || group.items.length === 0) return;
    const fire = () => {
      group.timer = null;
      this.decide(group);
    };
    group.timer = ms > 0 ? setTimeout(fire, ms) : (setTimeout(fire, 0) as NodeJS.Timeout);
    group.timer.unref?.();
  }

  /**
   * Sends what is gathered when the company's next batch slot is free; otherwise waits for it, and sends
   * the customer creates that came meanwhile alone at once.
   */
  private decide(group: Gathering): void {
    if (group.items.length === 0) {
      this.sendUrgentAlone(group);
      return;
    }
    const now = this.now();
    // Look-ups alone or a lone create go as plain requests: they need no slot of the company's batch budget.
    const { planned } = planBatch(group.items, this.maxItems);
    const asBatch = planned.length > 1 && planned.some((p) => p.creates);
    let wait = Math.max(group.lastBatchAt + this.intervalMs - now, asBatch ? group.company.batchSlotInMs() : 0);
    let forNextWave = false;
    if (wait <= 0 && asBatch && planned.length < this.maxItems && !this.hurrying && now - group.lastBatchAt < BURST_WAVE_INTERVALS * this.intervalMs && this.options.moreComing?.() === true) {
      const oldest = group.firstArrivalAt + BURST_WAVE_INTERVALS * this.intervalMs - now;
      if (oldest > 0) {
        forNextWave = true;
        // Looks again soon: the wave may stop coming (the queue drained), then the old rule below decides.
        wait = Math.min(oldest, BURST_QUIET_MS);
      }
    }
    if (!forNextWave && wait <= 0 && now - group.lastBatchAt < 2 * this.intervalMs) {
      const quiet = group.lastArrivalAt + BURST_QUIET_MS - now;
      const oldest = group.firstArrivalAt + 2 * this.intervalMs - now;
      if (quiet > 0 && oldest > 0) wait = Math.min(quiet, oldest);
    }
    if (this.hurrying) wait = 0;
    // Held back for the next wave: these callers' jobs wait on the others, not the other way round.
    for (const w of group.items) {
      if (forNextWave && wait > 0) w.release ??= w.hold?.();
      else releaseHold(w);
    }
    // A look-up does not wait for the next wave: the next wave's jobs look their customers up before they create
    // their invoices, so it goes now as a plain `in (…)` query, and only creates are held.
    if (forNextWave && wait > 0) this.sendFindsAlone(group);
    if (wait > 0) {
      this.sendUrgentAlone(group);
      this.schedule(group, Math.ceil(wait));
    } else {
      this.flush(group);
    }
  }

  /** Sends the next batch's worth of what is waiting now (and looks again for the rest). */
  private flush(group: Gathering): void {
    if (group.timer) {
      clearTimeout(group.timer);
      group.timer = null;
    }
    const first = planBatch(group.items, this.maxItems).planned;
    const batching = first.length > 1 && first.some((p) => p.creates);
    // Customer creates ride only in a batch of invoice creates that the gate lets leave now, in the room left over.
    const ride = batching && group.urgent.length > 0 && group.company.batchSlotInMs() <= 0;
    const { planned, taken, riding } = planBatch(group.items, this.maxItems, ride ? group.urgent : []);
    group.items.splice(0, taken.length);
    for (const w of taken) releaseHold(w);
    group.urgent.splice(0, riding.length);
    group.firstArrivalAt = this.now();
    const answers = new FindAnswers(planned);
    if (!batching) {
      // Look-ups with no create to ride along with go as plain `in (…)` queries: the batch budget is
      // scarcer than the request budget.
      for (const p of planned) {
        this.stats.single += 1;
        this.track(this.sendAlone(group.company, p, answers));
      }
    } else {
      group.lastBatchAt = this.now();
      this.track(this.send(group.company, planned, answers));
    }
    this.sendUrgentAlone(group);
    if (group.items.length > 0) {
      if (this.hurrying || planBatch(group.items, this.maxItems).taken.length < group.items.length) this.flush(group);
      else this.schedule(group, Math.ceil(this.intervalMs));
    }
  }

  /** The look-ups waiting in the group go now as plain queries (several callers' values in each). */
  private sendFindsAlone(group: Gathering): void {
    let finds = group.items.filter((w) => w.kind === 'find');
    if (finds.length === 0) return;
    group.items = group.items.filter((w) => w.kind !== 'find');
    while (finds.length > 0) {
      const { planned, taken } = planBatch(finds, this.maxItems);
      finds = finds.slice(taken.length);
      const answers = new FindAnswers(planned);
      for (const p of planned) {
        for (const w of p.finds?.waiting ?? []) releaseHold(w);
        this.stats.single += 1;
        this.track(this.sendAlone(group.company, p, answers));
      }
    }
  }

  /** Customer creates that no leaving batch took: each goes now as a plain create with its own requestid. */
  private sendUrgentAlone(group: Gathering): void {
    for (const w of group.urgent.splice(0)) {
      this.stats.single += 1;
      this.track(this.sendAlone(group.company, { item: {}, key: w.requestId, creates: w }, new FindAnswers([])));
    }
  }

  private track(sending: Promise<void>): void {
    const settled = sending.catch(() => undefined);
    this.inFlight.add(settled);
    void settled.finally(() => this.inFlight.delete(settled));
  }

  private async sendAlone(company: QboCompany, only: Planned, answers: FindAnswers): Promise<void> {
    if (only.creates) {
      const w = only.creates;
      await company.create(w.entity, w.body, w.requestId).then(w.resolve, w.reject);
      return;
    }
    const finds = only.finds!;
    try {
      answers.give(finds, await company.query<Record<string, unknown>>(finds.entity, finds.where));
    } catch (error) {
      for (const w of finds.waiting) w.reject(error);
    }
  }

  private async send(company: QboCompany, planned: Planned[], answers: FindAnswers): Promise<void> {
    const hasLookups = planned.some((p) => p.finds);
    const requestId = batchRequestId(planned.map((p) => ({ requestId: p.key })).concat(hasLookups ? [{ requestId: randomUUID() }] : []));
    const request = planned.map((p, index) => ({ bId: String(index), ...p.item }));
    const everyone = (error: unknown) => {
      for (const p of planned) {
        if (p.creates) p.creates.reject(error);
        for (const w of p.finds?.waiting ?? []) w.reject(error);
      }
    };
    let answer: BatchAnswer;
    try {
      answer = await this.sendOnce(company, request, requestId);
    } catch (error) {
      everyone(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.batchedItems += planned.filter((p) => p.creates).length;
    this.stats.lookupItems += planned.filter((p) => p.finds).length;
    const byId = new Map((answer.BatchItemResponse ?? []).map((r) => [String(r.bId), r]));
    await Promise.all(planned.map(async (p, index) => {
      const response = byId.get(String(index));
      if (p.creates) {
        const item = p.creates;
        const what = `create ${item.entity} (batch item ${index + 1} of ${planned.length})`;
        if (!response) {
          item.reject(new AppError('QBO_ERROR', `QuickBooks answered the batch without ${what}; the retry looks the record up before creating it.`, { retryable: true, details: { requestId: item.requestId } }));
        } else if (response.Fault) {
          item.reject(classifyQboError(response, what));
        } else if (response[item.entity]) {
          item.resolve(response[item.entity]);
        } else {
          item.reject(new AppError('QBO_ERROR', `QuickBooks answered ${what} without a ${item.entity}.`, { retryable: true, details: { requestId: item.requestId } }));
        }
        return;
      }
      const finds = p.finds!;
      const what = `look up ${finds.entity} by ${finds.field} (batch item ${index + 1} of ${planned.length})`;
      const rows = (response?.QueryResponse as Record<string, unknown> | undefined)?.[finds.entity];
      if (!response || response.Fault || (rows !== undefined && !Array.isArray(rows))) {
        const error = response?.Fault ? classifyQboError(response, what) : new AppError('QBO_ERROR', `QuickBooks answered the batch without ${what}; the job is retried.`, { retryable: true });
        for (const w of finds.waiting) w.reject(error);
        return;
      }
      const list = (rows as Array<Record<string, unknown>> | undefined) ?? [];
      // A full page may not be all of them: ask again with paging (rare: a look-up names at most 30 values).
      if (list.length >= 1000) return this.sendAlone(company, p, answers);
      answers.give(finds, list);
    }));
  }

  /** One send, and one resend with the same requestid when the answer was lost (not when refused). */
  private async sendOnce(company: QboCompany, request: object[], requestId: string): Promise<BatchAnswer> {
    try {
      return await company.batch<BatchAnswer>(request, requestId);
    } catch (error) {
      const lost = error instanceof AppError && error.retryable && error.code !== 'QBO_THROTTLED' && error.code !== 'QBO_AUTH';
      if (!lost) throw error;
      this.stats.resent += 1;
      this.options.logger.warn({ realmId: company.realmId, requestId, items: request.length, code: error.code }, 'quickbooks batch answer lost; sending it again with the same requestid');
      await new Promise((r) => setTimeout(r, this.options.resendDelayMs ?? 500));
      return company.batch<BatchAnswer>(request, requestId);
    }
  }
}
