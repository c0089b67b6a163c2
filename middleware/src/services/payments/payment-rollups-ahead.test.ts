import { createLogger } from '../../logger';
import { singleCurrency, type CurrencyRates } from '../../sync/currency';
import type { CombinedWrite } from '../write-back';
import type { RollupInvoice } from './payment-mirror';
import { PaymentRollups, type RollupUpsert } from './payment-rollups';

const OPP_A = '006000000000001AAA';
const OPP_B = '006000000000002AAA';
const OPP_OLD = '006000000000009AAA';
const ACC = '001000000000001AAA';
const row = (over: Partial<RollupInvoice>): RollupInvoice => ({ key: 'r:0', realmId: 'r', invoiceId: '0', opportunityId: OPP_OLD, accountId: ACC, docNumber: '1000', total: 100, balance: 100, dueDate: '2026-12-01', lastPaymentDate: null, voided: false, currency: 'USD', accountCurrency: null, ...over });
const usdOrg = { isMultiCurrency: async () => false, rates: async (): Promise<CurrencyRates> => singleCurrency('USD') };
const upsert = (r: RollupInvoice): RollupUpsert => ({ record: { QuickBooks_Key__c: r.key, Opportunity__c: r.opportunityId, Account__c: r.accountId, Total__c: r.total, Balance__c: r.balance }, row: r });
const synced = (id: string) => ({ sobject: 'Opportunity' as const, record: { Id: id, Billing_Sync_Status__c: 'Synced' } });

/** Roll-ups over an in-memory mirror whose combined writes store the invoice records they carry. */
function setUp(initial: RollupInvoice[], rowsByKey: Map<string, RollupInvoice>) {
  const stored = [...initial];
  const reads: string[][] = [];
  const calls: CombinedWrite[][] = [];
  const rollups = new PaymentRollups(
    {
      invoicesOf: async (opps, accounts) => {
        reads.push([...opps, ...accounts]);
        return stored.filter((r) => opps.includes(r.opportunityId ?? '') || accounts.includes(r.accountId ?? '')).map((r) => ({ ...r }));
      },
    },
    {
      update: async () => {
        throw new Error('a run that combines writes makes no single updates');
      },
      together: async (writes) => {
        calls.push(writes);
        for (const w of writes) {
          if (w.sobject !== 'QuickBooks_Invoice__c') continue;
          const r = rowsByKey.get(String(w.record.QuickBooks_Key__c))!;
          const at = stored.findIndex((s) => s.key === r.key);
          if (at >= 0) stored[at] = r;
          else stored.push(r);
        }
        return writes.map(() => true as const);
      },
    },
    createLogger({ level: 'silent' }),
    () => '2026-11-26',
    usdOrg,
  );
  const accountWrites = () => calls.flat().filter((w) => w.sobject === 'Account').map((w) => w.record);
  return { rollups, reads, calls, accountWrites, stored };
}

describe('PaymentRollups with the rows read ahead', () => {
  const old = row({});
  const a = row({ key: 'r:1', invoiceId: '1', opportunityId: OPP_A, docNumber: '1001', total: 250, balance: 250 });
  const b = row({ key: 'r:2', invoiceId: '2', opportunityId: OPP_B, docNumber: '1002', total: 40, balance: 40 });
  const byKey = new Map([a, b].map((r) => [r.key, r]));

  it('writes a lone deal’s invoice record, Account and Opportunity in one call, from the read made ahead', async () => {
    const { rollups, reads, calls } = setUp([old], byKey);
    const ahead = await rollups.prefetch([OPP_A], [ACC]);
    expect(ahead).toBeDefined();
    await rollups.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(a)], prefetched: ahead! });
    expect(reads).toHaveLength(1);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.map((w) => [w.sobject, w.record.Id ?? w.record.QuickBooks_Key__c])).toEqual([['QuickBooks_Invoice__c', 'r:1'], ['Account', ACC], ['Opportunity', OPP_A]]);
    expect(calls[0]![1]!.record).toMatchObject({ Open_Balance__c: 350, Total_Invoiced__c: 350 });
    expect(calls[0]![2]!.record).toMatchObject({ Invoice_Total__c: 250, QuickBooks_Invoice_Id__c: '1', Billing_Sync_Status__c: 'Synced' });
  });

  it('reads again when another deal of the Account was written after its read ahead began (two deals at once)', async () => {
    const { rollups, reads, accountWrites } = setUp([old], byKey);
    // Both deals read ahead while QuickBooks creates their invoices: neither read holds the other's invoice.
    const [aheadA, aheadB] = await Promise.all([rollups.prefetch([OPP_A], [ACC]), rollups.prefetch([OPP_B], [ACC])]);
    await rollups.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(a)], prefetched: aheadA! });
    await rollups.request([OPP_B], [ACC], { with: [synced(OPP_B)], upserts: [upsert(b)], prefetched: aheadB! });
    // The second run's read ahead was stale (the first run wrote a row of the Account): it read again.
    expect(reads).toHaveLength(3);
    expect(accountWrites().at(-1)).toMatchObject({ Open_Balance__c: 390, Total_Invoiced__c: 390 });
  });

  it('sums both deals when they finish in the same run', async () => {
    const { rollups, reads, calls, accountWrites } = setUp([old], byKey);
    const [aheadA, aheadB] = await Promise.all([rollups.prefetch([OPP_A], [ACC]), rollups.prefetch([OPP_B], [ACC])]);
    const blocker = rollups.request([OPP_OLD], []);
    // Both requests join the run after the one in progress.
    await Promise.all([
      blocker,
      rollups.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(a)], prefetched: aheadA! }),
      rollups.request([OPP_B], [ACC], { with: [synced(OPP_B)], upserts: [upsert(b)], prefetched: aheadB! }),
    ]);
    expect(rollups.runs).toBe(2);
    expect(calls.at(-1)!.filter((w) => w.sobject === 'QuickBooks_Invoice__c')).toHaveLength(2);
    expect(accountWrites().at(-1)).toMatchObject({ Open_Balance__c: 390 });
    expect(reads.length).toBeGreaterThanOrEqual(3);
  });

  it('reads again when a payment changed the Account’s mirror after the read ahead began', async () => {
    const { rollups, reads, accountWrites, stored } = setUp([old], byKey);
    const ahead = await rollups.prefetch([OPP_A], [ACC]);
    // Meanwhile a payment event writes the old invoice's mirror row (paid) and asks for the roll-ups of its records.
    stored[0] = row({ balance: 0, lastPaymentDate: '2026-11-25' });
    await rollups.request([OPP_OLD], [ACC]);
    await rollups.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(a)], prefetched: ahead! });
    // The read ahead, the payment's run and the deal's run reading again.
    expect(reads).toHaveLength(3);
    expect(accountWrites().at(-1)).toMatchObject({ Open_Balance__c: 250, Total_Invoiced__c: 350, Total_Paid__c: 100 });
  });
});
