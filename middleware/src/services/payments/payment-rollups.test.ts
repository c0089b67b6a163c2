import { createLogger } from '../../logger';
import { openStore } from '../../store';
import { singleCurrency, type CurrencyRates } from '../../sync/currency';
import type { RollupInvoice } from './payment-mirror';
import { PaymentRollups } from './payment-rollups';
import { Gathering } from '../../util/gathering';
import { OVERDUE_CURSOR, refreshNewlyOverdue } from './receivables-overdue';
import { NO_REALM } from '../../store/sync-cursors';

const OPP = '006000000000001AAA';
const ACC = '001000000000001AAA';
const row = (over: Partial<RollupInvoice>): RollupInvoice => ({ key: 'r:1', realmId: 'r', invoiceId: '1', opportunityId: OPP, accountId: ACC, docNumber: '1001', total: 100, balance: 100, dueDate: '2026-12-01', lastPaymentDate: null, voided: false, currency: 'USD', accountCurrency: null, ...over });
/** A single-currency USD org. */
const usdOrg = { isMultiCurrency: async () => false, rates: async (): Promise<CurrencyRates> => singleCurrency('USD') };

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
      usdOrg,
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
      usdOrg,
    );
    await expect(rollups.request([OPP], [])).rejects.toThrow('salesforce down');
    fail = false;
    await expect(rollups.request([OPP], [])).resolves.toBeUndefined();
  });
});

describe('PaymentRollups across currencies', () => {
  const ACC2 = '001000000000002AAA';
  /** Roll-ups over fixed mirror rows; returns the Account writes and the warnings logged. */
  async function rollUp(rows: RollupInvoice[], currencies: ConstructorParameters<typeof PaymentRollups>[4], request: { opps?: string[]; accounts?: string[] } = {}) {
    const writes: Array<Record<string, unknown>> = [];
    const lines: string[] = [];
    const rollups = new PaymentRollups(
      { invoicesOf: async () => rows },
      { update: async (_sobject, record) => (writes.push(record), true as const) },
      createLogger({ level: 'warn' }, { write: (line: string) => void lines.push(line) }),
      () => '2026-11-26',
      currencies,
    );
    await rollups.request(request.opps ?? [], request.accounts ?? [ACC, ACC2]);
    return { writes: writes.filter((w) => String(w.Id).startsWith('001')), warnings: lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
  }

  it('writes each Account’s totals in its own currency and warns about an invoice in an inactive currency', async () => {
    let reads = 0;
    const org = { isMultiCurrency: async () => true, rates: async (): Promise<CurrencyRates> => (reads++, { corporate: 'USD', rates: new Map([['USD', 1], ['EUR', 0.92], ['GBP', 0.79]]) }) };
    const { writes, warnings } = await rollUp(
      [
        row({ key: 'us:1', currency: 'USD', balance: 1500, dueDate: '2026-11-01', accountCurrency: 'EUR' }),
        row({ key: 'uk:1', currency: 'GBP', balance: 5000, accountCurrency: 'EUR' }),
        row({ key: 'jp:1', currency: 'JPY', balance: 90000, accountCurrency: 'EUR' }),
        row({ key: 'uk:2', accountId: ACC2, currency: 'GBP', balance: 79, accountCurrency: 'USD' }),
      ],
      org,
    );
    // ACC (EUR): 1500 × 0.92 = 1380 (overdue) + 5000 × 0.92 / 0.79 = 5822.7848… → 7202.78. ACC2 (USD): 79 / 0.79 = 100.
    expect(writes).toMatchObject([
      { Id: ACC, Open_Balance__c: 7202.78, Overdue_Balance__c: 1380 },
      { Id: ACC2, Open_Balance__c: 100, Overdue_Balance__c: 0 },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, accountId: ACC, invoiceKey: 'jp:1', currency: 'JPY', accountCurrency: 'EUR' });
    expect(warnings[0]!.msg).toContain(`Invoice jp:1 in JPY is left out of the Open and Overdue Balance and the totals of Account ${ACC} (EUR): JPY is not an active currency in Salesforce`);
    expect(warnings[0]!.fix).toContain('Activate JPY with its conversion rate in Setup > Manage Currencies');
    expect(reads).toBe(1);
  });

  it('in a single-currency org, leaves foreign invoices out and says to enable multi-currency', async () => {
    const { writes, warnings } = await rollUp([row({ key: 'us:1', currency: 'USD', balance: 1500 }), row({ key: 'uk:1', currency: 'GBP', balance: 5000, accountCurrency: 'GBP' })], usdOrg, { accounts: [ACC] });
    expect(writes).toMatchObject([{ Id: ACC, Open_Balance__c: 1500, Overdue_Balance__c: 0 }]);
    expect(warnings).toEqual([expect.objectContaining({ accountId: ACC, invoiceKey: 'uk:1', currency: 'GBP', accountCurrency: 'USD' })]);
    expect(warnings[0]!.msg).toContain('the Salesforce org has the single currency USD');
    expect(warnings[0]!.fix).toBe('Enable multiple currencies in Salesforce and activate GBP in Setup > Manage Currencies (the middleware notices the change by itself).');
  });

  it('does not read the rates for deals alone', async () => {
    const rates = jest.fn(async (): Promise<CurrencyRates> => singleCurrency('USD'));
    await rollUp([row({})], { isMultiCurrency: async () => true, rates }, { opps: [OPP], accounts: [] });
    expect(rates).not.toHaveBeenCalled();
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

  it('with a gathering, runs once for the deals of one Account and writes the Account (with the fields asked) before its deals', async () => {
    const OPP2 = '006000000000002AAA';
    const mirror = [row({ balance: 100 }), row({ key: 'r:2', invoiceId: '2', opportunityId: OPP2, docNumber: '1002', total: 250, balance: 250 })];
    const writes: Array<[string, Record<string, unknown>]> = [];
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const rollups = new PaymentRollups(
      { invoicesOf: async () => mirror },
      {
        update: async (sobject, record) => {
          writes.push([sobject, record]);
          return true as const;
        },
      },
      createLogger({ level: 'silent' }),
      () => '2026-11-26',
      usdOrg,
      gathering,
    );
    const synced = (id: string) => ({ sobject: 'Opportunity' as const, record: { Id: id, Billing_Sync_Status__c: 'Synced' } });
    await Promise.all([
      gathering.job('j1', () => rollups.request([OPP], [ACC], { with: [{ sobject: 'Account', record: { Id: ACC, QuickBooks_Customer_Id__c: '58' } }, synced(OPP)] })),
      gathering.job('j2', () => rollups.request([OPP2], [ACC], { with: [synced(OPP2)] })),
    ]);
    expect(rollups.runs).toBe(1);
    expect(writes.map(([sobject, record]) => [sobject, record.Id])).toEqual([['Account', ACC], ['Opportunity', OPP], ['Opportunity', OPP2]]);
    expect(writes[0]![1]).toMatchObject({ Open_Balance__c: 350, Total_Invoiced__c: 350, QuickBooks_Customer_Id__c: '58' });
    expect(writes[1]![1]).toMatchObject({ Invoice_Balance__c: 100, Billing_Sync_Status__c: 'Synced' });
    expect(writes[2]![1]).toMatchObject({ Invoice_Balance__c: 250, Billing_Sync_Status__c: 'Synced' });
  });
});
