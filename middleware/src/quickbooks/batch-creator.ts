/**
 * Gathers the creates that concurrent jobs make for one company into QBO batch requests: Intuit allows
 * 500 requests but also 40 batch requests of 30 items per minute, so a burst of Closed Won deals is
 * invoiced up to 30 at a time instead of one request each.
 *
 * Each caller still gets its own record or its own error (a batch answers every item on its own). A
 * create that is alone when the window closes goes out as a plain create with its own `requestid`. A
 * batch carries a `requestid` derived from its items' request ids and is sent once more if its answer
 * is lost (5xx, timeout, dropped connection), so QBO replays it rather than creating twice; beyond that
 * the caller's retry looks QBO up before creating again (see InvoiceSync).
 */
import { createHash } from 'node:crypto';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { BATCH_MAX_ITEMS, type QboCompany, type QboEntity } from './api';
import { classifyQboError } from './errors';

export interface Creator {
  create<T>(company: QboCompany, entity: QboEntity, body: object, requestId: string): Promise<T>;
  readonly stats?: { batches: number; batchedItems: number; single: number; resent: number };
}

/** Creates one by one (QBO_BATCH_WINDOW_MS=0). */
export const directCreator: Creator = {
  create: (company, entity, body, requestId) => company.create(entity, body, requestId),
};

export interface BatchCreatorOptions {
  /** How long the first create waits for others to join its batch (ms). */
  windowMs: number;
  maxItems?: number;
  /** Pause before the one resend of a batch whose answer was lost (ms). */
  resendDelayMs?: number;
  logger: Logger;
}

interface Waiting {
  entity: QboEntity;
  body: object;
  requestId: string;
  resolve: (record: unknown) => void;
  reject: (error: unknown) => void;
}

interface Gathering {
  company: QboCompany;
  items: Waiting[];
  timer: NodeJS.Timeout | null;
}

interface BatchAnswer {
  BatchItemResponse?: Array<Record<string, unknown> & { bId?: string; Fault?: unknown }>;
}

/** The batch's own requestid: the same items always give the same id (QBO allows 36 characters on a batch). */
export function batchRequestId(items: Array<{ requestId: string }>): string {
  const digest = createHash('sha256').update(items.map((i) => i.requestId).join('\n')).digest('hex');
  return `llb-${digest.slice(0, 32)}`;
}

export class BatchCreator implements Creator {
  private readonly gathering = new Map<string, Gathering>();
  private readonly maxItems: number;
  /** Batch requests sent and items they carried (metrics, benchmarks). */
  readonly stats = { batches: 0, batchedItems: 0, single: 0, resent: 0 };

  constructor(private readonly options: BatchCreatorOptions) {
    this.maxItems = Math.min(options.maxItems ?? BATCH_MAX_ITEMS, BATCH_MAX_ITEMS);
  }

  create<T>(company: QboCompany, entity: QboEntity, body: object, requestId: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let group = this.gathering.get(company.realmId);
      if (!group) {
        group = { company, items: [], timer: null };
        this.gathering.set(company.realmId, group);
      }
      group.items.push({ entity, body, requestId, resolve: resolve as (record: unknown) => void, reject });
      if (group.items.length >= this.maxItems) this.flush(company.realmId);
      else if (!group.timer) {
        group.timer = setTimeout(() => this.flush(company.realmId), this.options.windowMs);
        group.timer.unref();
      }
    });
  }

  /** Sends what is waiting for a company now. */
  private flush(realmId: string): void {
    const group = this.gathering.get(realmId);
    if (!group) return;
    this.gathering.delete(realmId);
    if (group.timer) clearTimeout(group.timer);
    const items = group.items;
    if (items.length === 1) {
      const only = items[0]!;
      this.stats.single += 1;
      group.company.create(only.entity, only.body, only.requestId).then(only.resolve, only.reject);
      return;
    }
    void this.send(group.company, items);
  }

  private async send(company: QboCompany, items: Waiting[]): Promise<void> {
    const requestId = batchRequestId(items);
    const request = items.map((item, index) => ({ bId: String(index), operation: 'create', [item.entity]: item.body }));
    let answer: BatchAnswer;
    try {
      answer = await this.sendOnce(company, request, requestId);
    } catch (error) {
      for (const item of items) item.reject(error);
      return;
    }
    this.stats.batches += 1;
    this.stats.batchedItems += items.length;
    const byId = new Map((answer.BatchItemResponse ?? []).map((r) => [String(r.bId), r]));
    items.forEach((item, index) => {
      const what = `create ${item.entity} (batch item ${index + 1} of ${items.length})`;
      const response = byId.get(String(index));
      if (!response) {
        item.reject(new AppError('QBO_ERROR', `QuickBooks answered the batch without ${what}; the retry looks the record up before creating it.`, { retryable: true, details: { requestId: item.requestId } }));
      } else if (response.Fault) {
        item.reject(classifyQboError(response, what));
      } else if (response[item.entity]) {
        item.resolve(response[item.entity]);
      } else {
        item.reject(new AppError('QBO_ERROR', `QuickBooks answered ${what} without a ${item.entity}.`, { retryable: true, details: { requestId: item.requestId } }));
      }
    });
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
