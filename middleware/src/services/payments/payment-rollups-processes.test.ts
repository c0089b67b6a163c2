import { Client } from 'pg';
import { AppError } from '../../errors';
import { createLogger } from '../../logger';
import { lockHash } from '../../store/advisory-locks';
import { connect } from '../../store/connect';
import type { SqlPort } from '../../store/sql-port';
import { createTestDatabase, POSTGRES_TEST_URL_VARIABLE, type TestDatabase } from '../../store/test-databases';
import { singleCurrency, type CurrencyRates } from '../../sync/currency';
import type { CombinedWrite } from '../write-back';
import type { RollupInvoice } from './payment-mirror';
import { PaymentRollups, type RollupUpsert } from './payment-rollups';
import { postgresRollupLocks, ROLLUP_LOCK_NAMESPACE } from './rollup-locks';

/**
 * Several middleware processes on one PostgreSQL database roll up the same Account: each process is a
 * PaymentRollups of its own, with its own database pool, over one shared (in-memory) Salesforce mirror.
 */
const describePg = process.env[POSTGRES_TEST_URL_VARIABLE] ? describe : describe.skip;

const OPP_A = '006000000000001AAA';
const OPP_B = '006000000000002AAA';
const OPP_OLD = '006000000000009AAA';
const ACC = '001000000000001AAA';
const row = (over: Partial<RollupInvoice>): RollupInvoice => ({ key: 'r:0', realmId: 'r', invoiceId: '0', opportunityId: OPP_OLD, accountId: ACC, docNumber: '1000', total: 100, balance: 100, dueDate: '2026-12-01', lastPaymentDate: null, voided: false, currency: 'USD', txnDate: '2026-10-01', accountCurrency: null, ...over });
const usdOrg = { isMultiCurrency: async () => false, rates: async (): Promise<CurrencyRates> => singleCurrency('USD') };
const upsert = (r: RollupInvoice): RollupUpsert => ({ record: { QuickBooks_Key__c: r.key }, row: r });
const synced = (id: string) => ({ sobject: 'Opportunity' as const, record: { Id: id, Billing_Sync_Status__c: 'Synced' } });
const A = row({ key: 'r:1', invoiceId: '1', opportunityId: OPP_A, total: 250, balance: 250 });
const B = row({ key: 'r:2', invoiceId: '2', opportunityId: OPP_B, total: 40, balance: 40 });

describePg('PaymentRollups in several processes on one PostgreSQL database', () => {
  let db: TestDatabase;
  let admin: Client;
  const ports: SqlPort[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    admin = new Client({ connectionString: db.url });
    await admin.connect();
  });
  afterAll(async () => {
    await Promise.all(ports.map((p) => p.close()));
    await admin?.end();
    await db?.drop();
  });

  /** Another process's run waits for a roll-up lock (it shows in pg_locks, not granted). */
  const someoneWaits = async (): Promise<boolean> =>
    (await admin.query<{ n: number }>("select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted")).rows[0]!.n > 0;

  /**
   * One Salesforce org. Combined writes store the invoice records they carry (rows by key); `gate` may hold each read
   * until a condition holds.
   */
  function org(initial: RollupInvoice[], gate?: (reader: number) => Promise<void>) {
    const stored = [...initial];
    const rows = new Map([A, B].map((r) => [r.key, r]));
    const accountWrites: Array<Record<string, unknown>> = [];
    let processes = 0;
    const process = (lockTimeoutMs?: number) => {
      const port = connect(db.url, { maxConnections: 2 });
      ports.push(port);
      const me = processes++;
      return new PaymentRollups(
        {
          invoicesOf: async (opps, accounts) => {
            // The rows as they are when the read is made (a gated read answers them later).
            const rows = stored.filter((r) => opps.includes(r.opportunityId ?? '') || accounts.includes(r.accountId ?? '')).map((r) => ({ ...r }));
            await gate?.(me);
            return rows;
          },
        },
        {
          update: async () => {
            throw new Error('a run that combines writes makes no single updates');
          },
          together: async (writes: CombinedWrite[]) => {
            for (const w of writes) {
              if (w.sobject === 'Account') accountWrites.push(w.record);
              if (w.sobject !== 'QuickBooks_Invoice__c') continue;
              const r = rows.get(String(w.record.QuickBooks_Key__c))!;
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
        undefined,
        postgresRollupLocks(port, lockTimeoutMs),
      );
    };
    return { stored, accountWrites, process };
  }

  it('two deals of one Account invoiced by two processes at once: the Account total counts both invoices', async () => {
    const sf = org([row({})]);
    const [p1, p2] = [sf.process(), sf.process()];
    const [aheadA, aheadB] = await Promise.all([p1.prefetch([OPP_A], [ACC]), p2.prefetch([OPP_B], [ACC])]);
    await Promise.all([
      p1.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(A)], ...(aheadA ? { prefetched: aheadA } : {}) }),
      p2.request([OPP_B], [ACC], { with: [synced(OPP_B)], upserts: [upsert(B)], ...(aheadB ? { prefetched: aheadB } : {}) }),
    ]);
    expect(sf.accountWrites.at(-1)).toMatchObject({ Open_Balance__c: 390, Total_Invoiced__c: 390 });
  });

  it('a payment mirrored by one process while another invoices a deal of the Account: the Account shows the payment', async () => {
    const sf = org([row({})]);
    const [dealWorker, paymentWorker] = [sf.process(), sf.process()];
    const ahead = await dealWorker.prefetch([OPP_A], [ACC]);
    // The other process mirrors a full payment of the old invoice and rolls the Account up; the deal's run comes after.
    sf.stored[0] = row({ balance: 0, lastPaymentDate: '2026-11-25' });
    await paymentWorker.request([OPP_OLD], [ACC]);
    await dealWorker.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(A)], ...(ahead ? { prefetched: ahead } : {}) });
    expect(sf.accountWrites.at(-1)).toMatchObject({ Open_Balance__c: 250, Total_Paid__c: 100, Total_Invoiced__c: 350 });
  });

  it('runs that each read the mirror themselves: a second process reads only after the first has written', async () => {
    // Each read waits until the other process is reading too or waits for the lock, so that without the lock both
    // read before either writes.
    const reading = new Set<number>();
    const deadline = Date.now() + 60_000;
    const gate = async (me: number): Promise<void> => {
      reading.add(me);
      while (!(reading.has(1 - me) || (await someoneWaits()))) {
        if (Date.now() > deadline) throw new Error('the other process neither read nor waited for the lock');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };
    const sf = org([row({})], gate);
    const [p1, p2] = [sf.process(), sf.process()];
    await Promise.all([
      p1.request([OPP_A], [ACC], { with: [synced(OPP_A)], upserts: [upsert(A)] }),
      p2.request([OPP_B], [ACC], { with: [synced(OPP_B)], upserts: [upsert(B)] }),
    ]);
    expect(sf.accountWrites.at(-1)).toMatchObject({ Open_Balance__c: 390, Total_Invoiced__c: 390 });
  });

  it('a lock held too long elsewhere fails the run retryably instead of hanging; the next run goes through', async () => {
    const sf = org([row({})]);
    const p = sf.process(300);
    const holder = new Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock($1::int, $2::int)', [ROLLUP_LOCK_NAMESPACE, lockHash(`Account|${ACC.slice(0, 15)}`)]);
      const failed = await p.request([OPP_OLD], [ACC]).then(() => undefined, (error: unknown) => error);
      expect(failed).toBeInstanceOf(AppError);
      expect(failed).toMatchObject({ code: 'TIMEOUT', retryable: true });
      expect(sf.accountWrites).toHaveLength(0);
      await holder.query('rollback');
      await p.request([OPP_OLD], [ACC]);
      expect(sf.accountWrites.at(-1)).toMatchObject({ Open_Balance__c: 100 });
    } finally {
      await holder.end();
    }
  });
});
