import { createLogger } from '../../logger';
import { openStore, type Store } from '../../store';
import { CDC_CURSOR, CdcSweeper } from './cdc-sweeper';
import type { InvoiceLinkState } from './payment-refresher';

const REALM = '4620816365';
const NOW = Date.parse('2026-11-26T12:00:00Z');

describe('CdcSweeper', () => {
  let store: Store;
  let refreshed: string[];
  let cdcCalls: string[];
  let body: unknown;
  let failRefresh: boolean;

  const sweeper = (extra: Partial<ConstructorParameters<typeof CdcSweeper>[0]> = {}) =>
    new CdcSweeper({
      connectedRealms: async () => [REALM],
      cursors: store.cursors,
      company: () => ({
        cdc: async <T,>(entities: string[], since: Date) => {
          cdcCalls.push(`${entities.join(',')}@${since.toISOString()}`);
          return body as T;
        },
        query: async <T,>() => [] as T[],
      }),
      links: store.links,
      refresher: {
        refresh: async (_realm, id) => {
          if (failRefresh) throw new Error('QuickBooks unavailable');
          refreshed.push(id);
          return 'updated';
        },
        appliedState: async (_realm, id) => (await store.links.findByQboId<InvoiceLinkState>('invoice', REALM, id))[0]?.extra ?? null,
      },
      events: { invoicesAffected: async (_r, _e, id) => (await store.links.findByQboId<{ invoiceId: string }>('payment', REALM, id)).map((l) => l.extra!.invoiceId) },
      mirror: { openInvoiceKeys: async () => [] },
      logger: createLogger({ level: 'silent' }),
      now: () => NOW,
      ...extra,
    });

  const cdcBody = (invoices: unknown[], payments: unknown[] = []) => ({ CDCResponse: [{ QueryResponse: [invoices.length ? { Invoice: invoices } : {}, payments.length ? { Payment: payments } : {}, {}] }] });

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    refreshed = [];
    cdcCalls = [];
    failRefresh = false;
    await store.links.put({ kind: 'invoice', realmId: REALM, salesforceId: '006000000000001AAA', qboId: '10', extra: { syncToken: '2' } });
    await store.links.put({ kind: 'invoice', realmId: REALM, salesforceId: '006000000000002AAA', qboId: '11', extra: { syncToken: '5' } });
    await store.links.put({ kind: 'payment', realmId: REALM, salesforceId: '006000000000001AAA', qboId: '70', linkKey: '70:10', extra: { invoiceId: '10', syncToken: '0' } });
    await store.cursors.set(REALM, CDC_CURSOR, '2026-11-26T11:59:00.000Z');
  });
  afterEach(() => store.close());

  it('refreshes only invoices newer than the applied state or touched by a changed payment, then moves the cursor to the sweep start less the overlap', async () => {
    body = cdcBody(
      [
        { Id: '10', SyncToken: '2', CustomerRef: { value: '1' } },
        { Id: '11', SyncToken: '6', CustomerRef: { value: '1' } },
        { Id: '13', SyncToken: '1', CustomerRef: { value: '1' } },
        { Id: '12', SyncToken: '0', CustomerRef: { value: 'unknown' } },
      ],
      [{ domain: 'QBO', status: 'Deleted', Id: '70', MetaData: { LastUpdatedTime: '2026-11-26T11:59:30Z' } }],
    );
    const report = await sweeper().sweep(REALM);
    expect(cdcCalls).toEqual(['Invoice,Payment,CreditMemo,SalesReceipt,RefundReceipt@2026-11-26T11:59:00.000Z']);
    // 10 is unchanged but the payment applied to it was deleted; 11 is newer; 12 and 13 are not ours.
    expect(refreshed.sort()).toEqual(['10', '11']);
    expect(report).toMatchObject({ mode: 'cdc', changes: 5, refreshed: 2, cursor: '2026-11-26T11:59:00.000Z' });
    expect((await store.cursors.get(REALM, CDC_CURSOR))?.value).toBe('2026-11-26T11:59:00.000Z');
  });

  it('with an item follower, asks CDC for items too and follows each created or changed item (not deleted ones); a failing item does not hold the cursor', async () => {
    const followed: string[] = [];
    const withItems = sweeper({
      items: async (_realm, id, source) => {
        if (id === '33') throw new Error('Salesforce unavailable');
        followed.push(`${id}@${source}`);
      },
    });
    body = { CDCResponse: [{ QueryResponse: [{ Item: [{ Id: '31', SyncToken: '0' }, { Id: '32', status: 'Deleted' }, { Id: '33', SyncToken: '1' }] }] }] };
    const report = await withItems.sweep(REALM);
    expect(cdcCalls).toEqual(['Invoice,Payment,CreditMemo,SalesReceipt,RefundReceipt,Item@2026-11-26T11:59:00.000Z']);
    expect(followed).toEqual(['31@cdc:2026-11-26T11:59:00.000Z']);
    expect(report).toMatchObject({ changes: 3, cursor: '2026-11-26T11:59:00.000Z' });
  });

  it('keeps the cursor where it was when applying the batch fails', async () => {
    body = cdcBody([{ Id: '10', SyncToken: '9' }]);
    failRefresh = true;
    await expect(sweeper().sweepAll()).rejects.toThrow('QuickBooks unavailable');
    expect((await store.cursors.get(REALM, CDC_CURSOR))?.value).toBe('2026-11-26T11:59:00.000Z');
  });

  it('continues from the oldest "newest change" when QBO cut the answer at 1,000 objects', async () => {
    await store.cursors.set(REALM, CDC_CURSOR, '2026-11-26T10:00:00.000Z');
    const invoices = Array.from({ length: 990 }, (_, i) => ({ Id: String(1000 + i), SyncToken: '0', MetaData: { LastUpdatedTime: `2026-11-26T11:${String(10 + (i % 40)).padStart(2, '0')}:00Z` } }));
    const payments = Array.from({ length: 10 }, (_, i) => ({ Id: String(5000 + i), SyncToken: '0', Line: [], MetaData: { LastUpdatedTime: `2026-11-26T10:3${i}:00Z` } }));
    body = cdcBody(invoices, payments);
    const report = await sweeper().sweep(REALM);
    expect(report.changes).toBe(1000);
    expect(report.cursor).toBe('2026-11-26T10:39:00.000Z');
  });

  it('falls back to a full re-read when the cursor is older than 30 days, without calling CDC', async () => {
    await store.cursors.set(REALM, CDC_CURSOR, '2026-10-20T00:00:00.000Z');
    const report = await sweeper().sweep(REALM);
    expect(report.mode).toBe('full');
    expect(cdcCalls).toEqual([]);
    expect((await store.cursors.get(REALM, CDC_CURSOR))?.value).toBe('2026-11-26T11:59:00.000Z');
  });

  it('writes credit memos, sales receipts and refund receipts from their CDC entries and removes deleted ones; a failure holds the cursor', async () => {
    const calls: string[] = [];
    let fail = false;
    const documents = {
      refresh: async (_realm: string, entity: string, id: string, _source: string, known?: { TotalAmt?: number }) => {
        if (fail) throw new Error('Salesforce unavailable');
        calls.push(`${entity} ${id} ${known?.TotalAmt}`);
        return 'written' as const;
      },
      deleted: async (_realm: string, entity: string, id: string) => {
        calls.push(`${entity} ${id} deleted`);
        return 'deleted' as const;
      },
    };
    body = { CDCResponse: [{ QueryResponse: [{}, {}, { CreditMemo: [{ Id: '40', TotalAmt: 50 }] }, { SalesReceipt: [{ Id: '41', TotalAmt: 75 }, { Id: '42', status: 'Deleted' }] }, { RefundReceipt: [{ Id: '43', TotalAmt: 20 }] }] }] };
    await sweeper({ documents }).sweep(REALM);
    expect(calls).toEqual(['CreditMemo 40 50', 'SalesReceipt 41 75', 'SalesReceipt 42 deleted', 'RefundReceipt 43 20']);
    fail = true;
    await store.cursors.set(REALM, CDC_CURSOR, '2026-11-26T11:59:00.000Z');
    await expect(sweeper({ documents }).sweepAll()).rejects.toThrow('Salesforce unavailable');
    expect((await store.cursors.get(REALM, CDC_CURSOR))?.value).toBe('2026-11-26T11:59:00.000Z');
  });
});
