import { createLogger } from '../../logger';
import { openStore, type Store } from '../../store';
import type { InvoiceSnapshot, PaymentSnapshot } from '../../sync/payment-status';
import { InvoiceRefresher } from './payment-refresher';

const REALM = '4620816365';
const OPP = '006000000000001AAA';
const ACCOUNT = '001000000000001AAA';

/** QBO as a map that the test edits between reads; reads can be held open to force overlap. */
function fakeQbo() {
  const records = new Map<string, unknown>();
  let gate: Promise<void> | null = null;
  return {
    records,
    hold() {
      let release!: () => void;
      gate = new Promise((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    company: () => ({
      read: async <T,>(entity: string, id: string): Promise<T> => {
        if (gate) await gate;
        const record = records.get(`${entity}:${id}`);
        if (!record) throw Object.assign(new Error('not found'), { details: { faults: [{ code: '610' }] } });
        return structuredClone(record) as T;
      },
    }),
  };
}

describe('InvoiceRefresher', () => {
  let store: Store;
  let qbo: ReturnType<typeof fakeQbo>;
  let writes: Array<{ kind: string; key: string; balance?: number; amount?: number }>;
  let refresher: InvoiceRefresher;
  let rollups: string[][];

  const invoice = (over: Partial<InvoiceSnapshot>): InvoiceSnapshot => ({ Id: '130', SyncToken: '0', TotalAmt: 1000, Balance: 1000, DueDate: '2026-12-20', CustomerRef: { value: '58' }, ...over });

  beforeEach(async () => {
    store = await openStore('sqlite::memory:');
    qbo = fakeQbo();
    writes = [];
    rollups = [];
    await store.links.put({ kind: 'invoice', realmId: REALM, salesforceId: OPP, qboId: '130', extra: { docNumber: '1001', accountId: ACCOUNT } });
    refresher = new InvoiceRefresher({
      company: qbo.company,
      links: store.links,
      mirror: {
        upsertInvoice: async (inv) => {
          writes.push({ kind: 'invoice', key: inv.key, balance: inv.balance });
          return true;
        },
        upsertPayment: async (row) => {
          writes.push({ kind: 'payment', key: row.key, amount: row.amount });
          return true;
        },
        deleteByKeys: async (sobject, keys) => {
          keys.forEach((key) => writes.push({ kind: `delete ${sobject}`, key }));
          return keys.length;
        },
      },
      rollups: { request: async (opps, accounts) => void rollups.push([...opps, ...accounts]) },
      audit: store.audit,
      logger: createLogger({ level: 'silent' }),
    });
  });
  afterEach(() => store.close());

  it('never applies a read older than the state already applied (lower SyncToken)', async () => {
    qbo.records.set('Invoice:130', invoice({ SyncToken: '3', Balance: 400, LinkedTxn: [{ TxnId: '9', TxnType: 'Payment' }] }));
    qbo.records.set('Payment:9', { Id: '9', SyncToken: '0', TxnDate: '2026-11-25', TotalAmt: 600, Line: [{ Amount: 600, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] }] } satisfies PaymentSnapshot);
    expect(await refresher.refresh(REALM, '130', 'test')).toBe('updated');
    expect(writes).toEqual([{ kind: 'invoice', key: `${REALM}:130`, balance: 400 }, { kind: 'payment', key: `${REALM}:9:130`, amount: 600 }]);
    expect(rollups).toEqual([[OPP, ACCOUNT]]);

    writes = [];
    qbo.records.set('Invoice:130', invoice({ SyncToken: '2', Balance: 1000 }));
    expect(await refresher.refresh(REALM, '130', 'test')).toBe('stale');
    expect(writes).toEqual([]);
    const link = (await store.links.findByQboId('invoice', REALM, '130'))[0]!;
    expect(link.extra).toMatchObject({ syncToken: '3', balance: 400, payments: ['9'], accountId: ACCOUNT, opportunityId: OPP });
  });

  it('deletes the row of a payment no longer applied, and the mirror of an invoice gone from QBO', async () => {
    qbo.records.set('Invoice:130', invoice({ SyncToken: '1', Balance: 400, LinkedTxn: [{ TxnId: '9', TxnType: 'Payment' }] }));
    qbo.records.set('Payment:9', { Id: '9', TxnDate: '2026-11-25', Line: [{ Amount: 600, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] }] });
    await refresher.refresh(REALM, '130', 'test');
    expect(await store.links.findByQboId('payment', REALM, '9')).toHaveLength(1);

    writes = [];
    qbo.records.delete('Payment:9');
    qbo.records.set('Invoice:130', invoice({ SyncToken: '2', Balance: 1000, LinkedTxn: [] }));
    await refresher.refresh(REALM, '130', 'test');
    expect(writes).toEqual([{ kind: 'invoice', key: `${REALM}:130`, balance: 1000 }, { kind: 'delete QuickBooks_Payment__c', key: `${REALM}:9:130` }]);
    expect(await store.links.findByQboId('payment', REALM, '9')).toHaveLength(0);

    writes = [];
    qbo.records.delete('Invoice:130');
    expect(await refresher.refresh(REALM, '130', 'test')).toBe('deleted');
    expect(writes).toEqual([{ kind: 'delete QuickBooks_Invoice__c', key: `${REALM}:130` }]);
    const audit = await store.audit.query({ qboId: '130' });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['invoice.deleted', 'invoice.balance']));
  });

  it('ignores invoices of customers it does not know, and attaches those of known customers', async () => {
    qbo.records.set('Invoice:500', invoice({ Id: '500', CustomerRef: { value: '999' } }));
    expect(await refresher.refresh(REALM, '500', 'test')).toBe('not-ours');
    await store.links.put({ kind: 'customer', realmId: REALM, salesforceId: ACCOUNT, qboId: '999' });
    expect(await refresher.refresh(REALM, '500', 'test')).toBe('updated');
    expect((await store.links.findByQboId('invoice', REALM, '500'))[0]).toMatchObject({ salesforceId: ACCOUNT, extra: expect.objectContaining({ accountId: ACCOUNT, opportunityId: null }) });
    expect(rollups.at(-1)).toEqual([ACCOUNT]);
  });

  it('runs one refresh per invoice at a time, and merges requests made during a run into one more run', async () => {
    qbo.records.set('Invoice:130', invoice({ SyncToken: '1' }));
    const release = qbo.hold();
    const first = refresher.refresh(REALM, '130', 'a');
    await new Promise((r) => setTimeout(r, 20));
    const second = refresher.refresh(REALM, '130', 'b');
    const third = refresher.refresh(REALM, '130', 'c');
    expect(third).toBe(second);
    qbo.records.set('Invoice:130', invoice({ SyncToken: '2', Balance: 10 }));
    release();
    expect(await Promise.all([first, second, third])).toEqual(['updated', 'unchanged', 'unchanged']);
    // The second run read the invoice, found the version the first had applied, and wrote nothing.
    expect(writes.map((w) => w.balance)).toEqual([10]);
    expect(refresher.reads).toBe(2);
  });

  it('redoes in full a run whose roll-ups failed, instead of taking the same version as unchanged', async () => {
    let failRollups = true;
    const flaky = new InvoiceRefresher({
      company: qbo.company,
      links: store.links,
      mirror: { upsertInvoice: async (inv) => (writes.push({ kind: 'invoice', key: inv.key, balance: inv.balance }), true), upsertPayment: async () => true, deleteByKeys: async (_s, keys) => keys.length },
      rollups: {
        request: async (opps) => {
          if (failRollups) throw new Error('UNABLE_TO_LOCK_ROW');
          rollups.push([...opps]);
        },
      },
      audit: store.audit,
      logger: createLogger({ level: 'silent' }),
    });
    qbo.records.set('Invoice:130', invoice({ SyncToken: '5', Balance: 250 }));
    await expect(flaky.refresh(REALM, '130', 'first')).rejects.toThrow('UNABLE_TO_LOCK_ROW');
    failRollups = false;
    expect(await flaky.refresh(REALM, '130', 'retry')).toBe('updated');
    expect(rollups).toEqual([[OPP]]);
    expect(await flaky.refresh(REALM, '130', 'again')).toBe('unchanged');
    expect(writes.map((w) => w.balance)).toEqual([250, 250]);
  });

  it('uses the payments its caller has just read instead of reading them again', async () => {
    const reads: string[] = [];
    const company = qbo.company();
    const read = company.read;
    const spying = new InvoiceRefresher({
      company: () => ({ read: async <T,>(entity: string, id: string) => (reads.push(`${entity}:${id}`), read<T>(entity, id)) }),
      links: store.links,
      mirror: { upsertInvoice: async () => true, upsertPayment: async () => true, deleteByKeys: async (_s, keys) => keys.length },
      rollups: { request: async () => undefined },
      audit: store.audit,
      logger: createLogger({ level: 'silent' }),
    });
    const payment9: PaymentSnapshot = { Id: '9', SyncToken: '0', TxnDate: '2026-11-25', TotalAmt: 600, Line: [{ Amount: 600, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] }] };
    const payment10: PaymentSnapshot = { Id: '10', SyncToken: '0', TxnDate: '2026-11-26', TotalAmt: 100, Line: [{ Amount: 100, LinkedTxn: [{ TxnId: '130', TxnType: 'Invoice' }] }] };
    qbo.records.set('Invoice:130', invoice({ SyncToken: '2', Balance: 300, LinkedTxn: [{ TxnId: '9', TxnType: 'Payment' }, { TxnId: '10', TxnType: 'Payment' }] }));
    qbo.records.set('Payment:9', payment9);
    qbo.records.set('Payment:10', payment10);
    expect(await spying.refresh(REALM, '130', 'test', [payment10])).toBe('updated');
    expect(reads.sort()).toEqual(['Invoice:130', 'Payment:9']);
    const link = (await store.links.findByQboId('invoice', REALM, '130'))[0]!;
    expect(link.extra).toMatchObject({ balance: 300, payments: ['9', '10'] });
  });

  it('acknowledges the Create event only of an invoice recorded with the SyncToken of its create', async () => {
    expect(await refresher.acknowledgeCreated(REALM, '130')).toBe(false);
    await store.links.put({ kind: 'invoice', realmId: REALM, salesforceId: OPP, qboId: '131', extra: { docNumber: '1002', accountId: ACCOUNT, opportunityId: OPP, syncToken: '0', balance: 50, payments: [] } });
    expect(await refresher.acknowledgeCreated(REALM, '131')).toBe(true);
    await store.links.put({ kind: 'invoice', realmId: REALM, salesforceId: OPP, qboId: '132', extra: { syncToken: '4', deleted: true } });
    expect(await refresher.acknowledgeCreated(REALM, '132')).toBe(false);
    expect(await refresher.acknowledgeCreated(REALM, '999')).toBe(false);
  });
});
