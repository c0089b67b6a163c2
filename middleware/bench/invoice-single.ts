/**
 * A deal on its own: 20 Closed Won deals, one at a time (the next is closed once the last shows `Synced`),
 * with `latencyMs` (default 250) of emulated latency on every QBO and Salesforce call. Half the deals are for
 * Accounts already linked to a QBO customer (known), half for new Accounts. Each deal is timed from the
 * close (the Named Credential callout) to the Opportunity showing `Synced`, and the QBO and Salesforce calls
 * it cost are counted: with nothing else running, calls × latency is the serial chain's floor.
 * SQLite by default; `npx tsx bench/invoice-single.ts 20 250 postgres` runs it on a fresh PostgreSQL database
 * (LEDGERLINE_TEST_POSTGRES_URL, see scripts/postgres-probe.sh), where roll-ups take cross-process locks and read
 * no rows ahead.
 */
import type { Dialect } from '../src/store';
import { createTestDatabase } from '../src/store/test-databases';
import { startStack } from '../src/demo/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, billingSettled } from '../src/demo/deals';
import { percentile } from './invoices';
import { report } from './result';

export async function benchInvoiceSingle(options: { deals?: number; latencyMs?: number; dialect?: Dialect } = {}) {
  const deals = options.deals ?? 20;
  const latencyMs = options.latencyMs ?? 250;
  const database = await createTestDatabase(options.dialect ?? 'sqlite');
  const stack = await startStack({
    env: { DATABASE_URL: database.url, CDC_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' },
    qbo: { latencyMs },
    sf: { latencyMs },
  });
  try {
    await stack.connectQbo();
    const catalog = seedCatalog(stack.sf);
    const lines = [{ code: 'CONS-HR', quantity: 2 }, { code: 'HW-KIT', quantity: 1 }];
    const known = Array.from({ length: Math.ceil(deals / 2) }, (_v, i) => seedAccount(stack.sf, { Name: `Single Known ${i + 1} Inc`, Billing_Email__c: `ap@single-known${i + 1}.example` }));
    // Link the known Accounts first: one deal each, not timed.
    for (const accountId of known) {
      const id = seedOpportunity(stack.sf, catalog, accountId, lines, { Name: 'Warm-up deal' });
      closeWon(stack.sf, id);
      await billingSettled(stack.sf, id, 60_000);
    }
    const rows: Array<{ customer: 'known' | 'new'; ms: number; qboCalls: number; sfCalls: number; status: string }> = [];
    for (let i = 0; i < deals; i++) {
      const customer = i % 2 === 0 ? 'known' : 'new';
      const accountId = customer === 'known' ? known[i / 2]! : seedAccount(stack.sf, { Name: `Single New ${i + 1} Inc`, Billing_Email__c: `ap@single-new${i + 1}.example` });
      const id = seedOpportunity(stack.sf, catalog, accountId, lines, { Name: `Single deal ${i + 1}` });
      const qboBefore = stack.qbo.control.counters().total;
      const sfBefore = stack.sf.control.counters().apiUsage.used;
      const started = Date.now();
      closeWon(stack.sf, id);
      const record = await billingSettled(stack.sf, id, 60_000);
      const ms = Date.now() - started;
      // Jobs that follow the write-back (roll-ups) may still be running: let them settle before the next deal.
      await new Promise((r) => setTimeout(r, 4 * latencyMs + 200));
      rows.push({ customer, ms, qboCalls: stack.qbo.control.counters().total - qboBefore, sfCalls: stack.sf.control.counters().apiUsage.used - sfBefore, status: String(record.Billing_Sync_Status__c) });
    }
    const all = rows.map((r) => r.ms);
    const of = (kind: 'known' | 'new') => rows.filter((r) => r.customer === kind);
    const mean = (values: number[]) => Math.round((values.reduce((t, v) => t + v, 0) / Math.max(1, values.length)) * 10) / 10;
    return {
      dialect: database.dialect,
      latencyMs,
      deals,
      synced: rows.filter((r) => r.status === 'Synced').length,
      p50Ms: percentile(all, 50),
      p95Ms: percentile(all, 95),
      maxMs: Math.max(...all),
      known: { p50Ms: percentile(of('known').map((r) => r.ms), 50), p95Ms: percentile(of('known').map((r) => r.ms), 95), qboCalls: mean(of('known').map((r) => r.qboCalls)), sfCalls: mean(of('known').map((r) => r.sfCalls)) },
      new: { p50Ms: percentile(of('new').map((r) => r.ms), 50), p95Ms: percentile(of('new').map((r) => r.ms), 95), qboCalls: mean(of('new').map((r) => r.qboCalls)), sfCalls: mean(of('new').map((r) => r.sfCalls)) },
    };
  } finally {
    await stack.close();
    await database.drop();
  }
}

if (require.main === module) {
  benchInvoiceSingle({ deals: Number(process.argv[2] ?? 20), latencyMs: Number(process.argv[3] ?? 250), dialect: process.argv[4] === 'postgres' ? 'postgres' : 'sqlite' })
    .then((r) => report(r))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
