/**
 * The safety net under webhooks: per connected company, ask QBO's change data capture what changed
 * since a stored cursor, refresh the invoices whose applied state is older, and only then move the
 * cursor. CDC looks back at most 30 days; a longer gap (the middleware was down, a new install with an
 * old cursor) falls back to re-reading every invoice that QBO or Salesforce shows as open.
 */
import type { Logger } from '../../logger';
import type { QboCompany } from '../../quickbooks/api';
import type { RecordLinkRepository } from '../../store/record-links';
import type { SyncCursorRepository } from '../../store/sync-cursors';
import { compareVersions, type InvoiceSnapshot, type PaymentSnapshot } from '../../sync/payment-status';
import type { PaymentEventProcessor } from './payment-events';
import type { PaymentMirror } from './payment-mirror';
import type { InvoiceRefresher } from './payment-refresher';
import type { DocumentRefresher } from './document-refresher';
import type { SalesDocumentEntity } from '../../salesforce/fields';
import type { SalesDocument } from '../../sync/sales-documents';

export const CDC_CURSOR = 'qbo.cdc';
export const CDC_ENTITIES = ['Invoice', 'Payment', 'CreditMemo', 'SalesReceipt', 'RefundReceipt'];
const DAY_MS = 24 * 3600 * 1000;
/** QBO's look-back is 30 days; keep an hour of margin for clock differences. */
const MAX_LOOKBACK_MS = 30 * DAY_MS - 3600 * 1000;
const CDC_MAX_OBJECTS = 1000;

type CdcEntry = { Id: string; SyncToken?: string; status?: string; MetaData?: { LastUpdatedTime?: string } } & Record<string, unknown>;
interface CdcBody {
  CDCResponse?: Array<{ QueryResponse?: Array<Record<string, unknown>> }>;
}

export interface SweepReport {
  realmId: string;
  mode: 'cdc' | 'full';
  changes: number;
  refreshed: number;
  cursor: string;
}

export interface CdcSweeperDeps {
  connectedRealms: () => Promise<string[]>;
  cursors: Pick<SyncCursorRepository, 'get' | 'compareAndSet'>;
  company: (realmId: string) => Pick<QboCompany, 'cdc' | 'query'>;
  links: Pick<RecordLinkRepository, 'findByQboId'>;
  refresher: Pick<InvoiceRefresher, 'refresh' | 'appliedState'>;
  events: Pick<PaymentEventProcessor, 'invoicesAffected'>;
  mirror: Pick<PaymentMirror, 'openInvoiceKeys'>;
  logger: Logger;
  now?: () => number;
  /** How far back the first sweep of a company looks (default one day). */
  initialLookbackMs?: number;
  /** Each window starts this much before the previous sweep began, for clock differences (default 60 s). */
  overlapMs?: number;
  concurrency?: number;
  /** Follows a created or changed item onto the products with its SKU (customer-follow); items are swept only when set. */
  items?: (realmId: string, itemId: string, source: string) => Promise<unknown>;
  /** Credit memos, sales receipts and refund receipts onto their own mirror rows (from the CDC entry itself). */
  documents?: Pick<DocumentRefresher, 'refresh' | 'deleted'>;
}

export class CdcSweeper {
  private readonly now: () => number;

  constructor(private readonly deps: CdcSweeperDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** One pass over every connected company; a failing company does not hold back the others. */
  async sweepAll(): Promise<SweepReport[]> {
    const reports: SweepReport[] = [];
    let failure: unknown;
    for (const realmId of await this.deps.connectedRealms()) {
      try {
        reports.push(await this.sweep(realmId));
      } catch (error) {
        failure ??= error;
        this.deps.logger.error({ err: error, realmId }, 'CDC sweep failed; the cursor stays and the next interval retries');
      }
    }
    if (failure) throw failure;
    return reports;
  }

  async sweep(realmId: string): Promise<SweepReport> {
    const startedAt = this.now();
    const cursor = await this.deps.cursors.get(realmId, CDC_CURSOR);
    const since = cursor ? Date.parse(cursor.value) : startedAt - (this.deps.initialLookbackMs ?? DAY_MS);
    const overlap = this.deps.overlapMs ?? 60_000;
    let report: SweepReport;
    if (!Number.isFinite(since) || startedAt - since > MAX_LOOKBACK_MS) {
      this.deps.logger.warn({ realmId, cursor: cursor?.value }, 'CDC cursor is older than QuickBooks keeps changes (30 days): re-reading every open invoice');
      const refreshed = await this.fullReread(realmId);
      report = { realmId, mode: 'full', changes: refreshed, refreshed, cursor: new Date(startedAt - overlap).toISOString() };
    } else {
      report = await this.incremental(realmId, since, startedAt - overlap);
    }
    const moved = await this.deps.cursors.compareAndSet(realmId, CDC_CURSOR, cursor?.value, report.cursor);
    if (!moved) this.deps.logger.info({ realmId }, 'another sweeper moved the CDC cursor first');
    return report;
  }

  private async incremental(realmId: string, since: number, nextCursor: number): Promise<SweepReport> {
    const entities = this.deps.items ? [...CDC_ENTITIES, 'Item'] : CDC_ENTITIES;
    const body = await this.deps.company(realmId).cdc<CdcBody>(entities, new Date(since));
    const lists = entityLists(body, entities);
    const changes = [...lists.values()].reduce((n, list) => n + list.length, 0);
    const targets = new Set<string>();

    for (const entry of lists.get('Invoice') ?? []) {
      if (await this.invoiceNeedsRefresh(realmId, entry)) targets.add(entry.Id);
    }
    const paymentsSeen = new Set<string>();
    for (const entry of lists.get('Payment') ?? []) {
      paymentsSeen.add(entry.Id);
      if (!(await this.paymentIsNew(realmId, entry))) continue;
      const deleted = entry.status === 'Deleted';
      for (const id of await this.deps.events.invoicesAffected(realmId, 'Payment', entry.Id, deleted ? 'Delete' : 'Update', deleted ? null : (entry as unknown as PaymentSnapshot))) targets.add(id);
    }
    for (const entry of lists.get('CreditMemo') ?? []) {
      if (entry.status === 'Deleted') continue;
      const payments = ((entry as unknown as InvoiceSnapshot).LinkedTxn ?? []).filter((t) => t.TxnType === 'Payment' && !paymentsSeen.has(t.TxnId));
      for (const link of payments) for (const id of await this.deps.events.invoicesAffected(realmId, 'Payment', link.TxnId, 'Update')) targets.add(id);
    }

    const refreshed = await this.refreshAll(realmId, [...targets], `cdc:${new Date(since).toISOString()}`);
    await this.followDocuments(realmId, lists, `cdc:${new Date(since).toISOString()}`);
    await this.followItems(realmId, lists.get('Item') ?? [], `cdc:${new Date(since).toISOString()}`);
    // A full response may have been cut at 1,000 objects: continue from the oldest "newest change" seen.
    const cursor = changes >= CDC_MAX_OBJECTS ? truncatedCursor(lists) ?? nextCursor : nextCursor;
    return { realmId, mode: 'cdc', changes, refreshed, cursor: new Date(Math.max(cursor, since)).toISOString() };
  }

  private async invoiceNeedsRefresh(realmId: string, entry: CdcEntry): Promise<boolean> {
    const state = await this.deps.refresher.appliedState(realmId, entry.Id);
    if (entry.status === 'Deleted') return state !== null && state.deleted !== true;
    if (state === null) {
      const customerId = (entry as unknown as InvoiceSnapshot).CustomerRef?.value;
      return Boolean(customerId && (await this.deps.links.findByQboId('customer', realmId, customerId)).length > 0);
    }
    return state.deleted === true || compareVersions({ SyncToken: entry.SyncToken, lastUpdated: entry.MetaData?.LastUpdatedTime }, { SyncToken: state.syncToken, lastUpdated: state.lastUpdated }) > 0 || state.syncToken === undefined;
  }

  private async paymentIsNew(realmId: string, entry: CdcEntry): Promise<boolean> {
    const links = await this.deps.links.findByQboId<{ syncToken?: string | null }>('payment', realmId, entry.Id);
    if (entry.status === 'Deleted') return links.length > 0;
    if (links.length === 0) return true;
    return links.some((l) => compareVersions({ SyncToken: entry.SyncToken }, { SyncToken: l.extra?.syncToken ?? undefined }) > 0);
  }

  /** Every change of a credit memo or receipt is written from the entry (the cursor waits for a failure). */
  private async followDocuments(realmId: string, lists: Map<string, CdcEntry[]>, source: string): Promise<void> {
    if (!this.deps.documents) return;
    for (const entity of ['CreditMemo', 'SalesReceipt', 'RefundReceipt'] as const satisfies readonly SalesDocumentEntity[]) {
      for (const entry of lists.get(entity) ?? []) {
        if (entry.status === 'Deleted') await this.deps.documents.deleted(realmId, entity, entry.Id, source);
        else await this.deps.documents.refresh(realmId, entity, entry.Id, source, entry as unknown as SalesDocument);
      }
    }
  }

  /** A failing item is logged and left to the next change or the catalog command; it does not hold the cursor. */
  private async followItems(realmId: string, entries: CdcEntry[], source: string): Promise<void> {
    for (const entry of entries) {
      if (entry.status === 'Deleted') continue;
      await this.deps.items!(realmId, entry.Id, source).catch((error: unknown) => {
        this.deps.logger.warn({ err: error, realmId, itemId: entry.Id }, 'could not give the item id to its products; `npm run cli -- catalog` lists it');
      });
    }
  }

  private async fullReread(realmId: string): Promise<number> {
    const company = this.deps.company(realmId);
    const open = await company.query<InvoiceSnapshot>('Invoice', "where Balance > '0'");
    const ids = new Set<string>();
    for (const invoice of open) {
      const state = await this.deps.refresher.appliedState(realmId, invoice.Id);
      const customerId = invoice.CustomerRef?.value;
      if (state !== null || (customerId && (await this.deps.links.findByQboId('customer', realmId, customerId)).length > 0)) ids.add(invoice.Id);
    }
    for (const key of await this.deps.mirror.openInvoiceKeys(realmId)) ids.add(key.slice(realmId.length + 1));
    return this.refreshAll(realmId, [...ids], 'cdc:full-reread');
  }

  private async refreshAll(realmId: string, ids: string[], source: string): Promise<number> {
    let next = 0;
    let failure: unknown;
    const worker = async (): Promise<void> => {
      while (next < ids.length) {
        const id = ids[next++]!;
        await this.deps.refresher.refresh(realmId, id, source).catch((error: unknown) => {
          failure ??= error;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.deps.concurrency ?? 4, ids.length) }, worker));
    if (failure) throw failure;
    return ids.length;
  }
}

function entityLists(body: CdcBody, names: readonly string[]): Map<string, CdcEntry[]> {
  const lists = new Map<string, CdcEntry[]>();
  for (const response of body.CDCResponse ?? []) {
    for (const query of response.QueryResponse ?? []) {
      for (const name of names) {
        const list = query[name];
        if (Array.isArray(list)) lists.set(name, [...(lists.get(name) ?? []), ...(list as CdcEntry[])]);
      }
    }
  }
  return lists;
}

function truncatedCursor(lists: Map<string, CdcEntry[]>): number | undefined {
  const newest = [...lists.values()]
    .filter((list) => list.length > 0)
    .map((list) => Math.max(...list.map((e) => Date.parse(e.MetaData?.LastUpdatedTime ?? '')).filter(Number.isFinite)));
  const finite = newest.filter(Number.isFinite);
  return finite.length > 0 ? Math.min(...finite) : undefined;
}
