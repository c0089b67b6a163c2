import { createLogger } from '../logger';
import { openStore } from '../store';
import type { MirrorInvoice } from './payment-mirror';
import { PaymentRollups } from './payment-rollups';
import { OVERDUE_CURSOR, refreshNewlyOverdue } from './receivables-overdue';
import { NO_REALM } from '../store/sync-cursors';

const OPP = '006000000000001AAA';
const ACC = '001000000000001AAA';
const row = (over: Partial<MirrorInvoice>): MirrorInvoice => ({ key: 'r:1', realmId: 'r', invoiceId: '1', opportunityId: OPP, accountId: ACC, docNumber: '1001', total: 100, balance: 100, dueDate: '2026-12-01', lastPaymentDate: null, voided: false, ...over });

describe('PaymentRollups', () => {
  it('merges requests made during a run into one later run that reads the newer mirror', async () => {
    let mirror = [row({ balance: 100 })];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const reads: number[] = [];
    const writes: Array<Record<string, unknown>> = [];
    const rollups = new PaymentRollups(
      {
        invoicesOf: async () => {
          reads.push(mirror[0]!.balance);
          if (reads.length === 1) await gate;
          return mirror;
        },
      },
      {
        update: async (_sobject, record) => {
          writes.push(record);
          return true as const;
        },
      },
      createLogger({ level: 'silent' }),
      () => '2026-11-26',
    );
    const first = rollups.request([OPP], [ACC]);
    await new Promise((r) => setTimeout(r, 10));
    mirror = [row({ balance: 40 })];
    const second = rollups.request([OPP], []);
    const third = rollups.request([], [ACC]);
    release();
    await Promise.all([first, second, third]);
    expect(rollups.runs).toBe(2);
    expect(reads).toEqual([100, 40]);
    // The last writes for each record carry the newer balance.
    const last = (id: string) => writes.filter((w) => w.Id === id).at(-1);
    expect(last(OPP)).toMatchObject({ Invoice_Balance__c: 40, Invoice_Total__c: 100, QuickBooks_Invoice_Id__c: '1' });
    expect(last(ACC)).toMatchObject({ Open_Balance__c: 40, Overdue_Balance__c: 0 });
  });

  it('rejects the callers of a failed run and still serves later requests', async () => {
    let fail = true;
    const rollups = new PaymentRollups(
      {
        invoicesOf: async () => {
          if (fail) throw new Error('salesforce down');
          return [];
        },
      },
      { update: async () => true as const },
      createLogger({ level: 'silent' }),
      () => '2026-11-26',
    );
    await expect(rollups.request([OPP], [])).rejects.toThrow('salesforce down');
    fail = false;
    await expect(rollups.request([OPP], [])).resolves.toBeUndefined();
  });
});

describe('refreshNewlyOverdue', () => {
  it('rolls up, once a day, the Accounts whose unpaid invoices fell due since the last run', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      let today = '2026-11-26';
      const asked: Array<[string, string]> = [];
      const requested: string[][] = [];
      const deps = {
        cursors: store.cursors,
        mirror: { accountsFallingDue: async (from: string, to: string) => (asked.push([from, to]), [ACC]) },
        rollups: { request: async (_o: Iterable<string>, accounts: Iterable<string>) => void requested.push([...accounts]) },
        today: () => today,
      };
      expect(await refreshNewlyOverdue(deps)).toBe(1);
      expect(await refreshNewlyOverdue(deps)).toBe(0);
      today = '2026-11-29';
      await refreshNewlyOverdue(deps);
      expect(asked).toEqual([['2026-11-25', '2026-11-26'], ['2026-11-26', '2026-11-29']]);
      expect(requested).toEqual([[ACC], [ACC]]);
      expect((await store.cursors.get(NO_REALM, OVERDUE_CURSOR))?.value).toBe('2026-11-29');
    } finally {
      await store.close();
    }
  });
});
