/**
 * Invoice benchmark on the whole product (emulators + real middleware + real clients), with Intuit's
 * limits on in the QBO emulator (500 requests/min, 10 concurrent per company) and the middleware's own
 * limiter at its defaults: N Closed Won deals are closed in Salesforce (each fires the Named Credential
 * callout), and each is timed until its Opportunity shows `Synced` with the invoice number.
 */
import type { Dialect } from '../src/store';
import { createTestDatabase } from '../src/store/test-databases';
import { startStack } from '../src/demo/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from '../src/demo/deals';
import { report } from './result';

export interface InvoiceBenchOptions {
  deals?: number;
  accounts?: number;
  /** Where the middleware keeps its jobs and links (PostgreSQL needs LEDGERLINE_TEST_POSTGRES_URL). */
  store?: Dialect;
  /** Emulated API latency per QBO and Salesforce call (ms). */
  latencyMs?: number;
  /**
   * Known customers: one deal per Account is invoiced first (not measured), so every Account of the
   * measured burst already has its QBO customer.
   */
  knownCustomers?: boolean;
}

export interface InvoiceBenchResult {
  store: Dialect;
  knownCustomers: boolean;
  latencyMs: number;
  deals: number;
  accounts: number;
  invoices: number;
  errors: number;
  seconds: number;
  invoicesPerMinute: number;
  qboCallsPerInvoice: number;
  /** Against Intuit's per-company ceilings: 500 requests/min one by one, or 40 batch requests × 30 items. */
  fractionOfRequestCeiling: number;
  fractionOfBatchCeiling: number;
  salesforceCallsPerInvoice: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  qboThrottled: number;
  /** Batch requests the middleware sent for invoice creates, and the invoices they carried on average. */
  batchRequests: number;
  invoicesPerBatch: number;
  /** Creates and look-ups sent as a plain request (alone when their batch slot came). */
  singleCreates: number;
  /** Customer look-up items (`… in (…)` queries) carried by batch requests. */
  lookupItems: number;
  qboCallsByOperation: Record<string, number>;
  /** Up to three distinct error texts, when any deal ended in Error. */
  sampleErrors: string[];
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchInvoices(options: InvoiceBenchOptions = {}): Promise<InvoiceBenchResult> {
  const deals = options.deals ?? 1000;
  const accountCount = options.accounts ?? Math.max(1, Math.round(deals / 5));
  const storeKind = options.store ?? 'sqlite';
  const database = await createTestDatabase(storeKind);
  const stack = await startStack({
    env: { DATABASE_URL: database.url, WORKER_POLL_MS: '200', CDC_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' },
    qbo: { latencyMs: options.latencyMs ?? 0 },
    sf: { latencyMs: options.latencyMs ?? 0 },
  });
  try {
    await stack.connectQbo();
    const catalog = seedCatalog(stack.sf);
    const accounts = Array.from({ length: accountCount }, (_v, i) => seedAccount(stack.sf, { Name: `Bench Customer ${String(i + 1).padStart(4, '0')} Inc`, Billing_Email__c: `ap${i + 1}@bench${i + 1}.example` }));
    const ids = Array.from({ length: deals }, (_v, i) =>
      seedOpportunity(stack.sf, catalog, accounts[i % accountCount]!, [
        { code: 'CONS-HR', quantity: 1 + (i % 7), discount: i % 3 === 0 ? 10 : 0 },
        { code: 'HW-KIT', quantity: 1 + (i % 2) },
      ], { Name: `Bench deal ${i + 1}` }),
    );
    if (options.knownCustomers) {
      const warmUp = accounts.map((account, i) => seedOpportunity(stack.sf, catalog, account, [{ code: 'CONS-HR', quantity: 1 }], { Name: `Bench warm-up deal ${i + 1}` }));
      for (const id of warmUp) closeWon(stack.sf, id);
      const warmDeadline = Date.now() + 10 * 60_000;
      const done = (id: string) => ['Synced', 'Error'].includes(String((stack.sf.control.record('Opportunity', id) as Record<string, unknown>).Billing_Sync_Status__c));
      while (!warmUp.every(done) && Date.now() < warmDeadline) await new Promise((r) => setTimeout(r, 100));
      // Let the batch budget the warm-up used come back, so the measured burst starts as a fresh one would.
      await new Promise((r) => setTimeout(r, 61_000));
    }
    const statsBefore = { ...(stack.ledgerline.creator.stats ?? { batches: 0, batchedItems: 0, single: 0, resent: 0, lookupItems: 0 }) };
    const qboBefore = stack.qbo.control.counters();
    const sfBefore = stack.sf.control.counters().apiUsage.used;
    const closedAt = new Map<string, number>();
    const doneAt = new Map<string, number>();
    const started = Date.now();
    for (const id of ids) {
      closedAt.set(id, Date.now());
      closeWon(stack.sf, id);
    }
    const pending = new Set(ids);
    let errors = 0;
    const sampleErrors = new Set<string>();
    const deadline = Date.now() + 30 * 60_000;
    while (pending.size > 0 && Date.now() < deadline) {
      for (const id of pending) {
        const status = (stack.sf.control.record('Opportunity', id) as Record<string, unknown>).Billing_Sync_Status__c;
        if (status === 'Synced' || status === 'Error') {
          doneAt.set(id, Date.now());
          if (status === 'Error') {
            errors += 1;
            if (sampleErrors.size < 3) sampleErrors.add(String((stack.sf.control.record('Opportunity', id) as Record<string, unknown>).Billing_Sync_Error__c).slice(0, 400));
          }
          pending.delete(id);
        }
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    const seconds = (Date.now() - started) / 1000;
    const qboAfter = stack.qbo.control.counters();
    // The bench's own reads of Opportunity records go through the control API, not the REST API.
    const sfCalls = stack.sf.control.counters().apiUsage.used - sfBefore;
    const invoices = deals - errors - pending.size;
    const latencies = ids.filter((id) => doneAt.has(id)).map((id) => doneAt.get(id)! - closedAt.get(id)!);
    const invoicesPerMinute = round((invoices / seconds) * 60);
    const callsPerInvoice = (qboAfter.total - qboBefore.total) / Math.max(1, invoices);
    const stats = stack.ledgerline.creator.stats ?? { batches: 0, batchedItems: 0, single: 0, resent: 0, lookupItems: 0 };
    const batches = stats.batches - statsBefore.batches;
    return {
      store: storeKind,
      knownCustomers: Boolean(options.knownCustomers),
      latencyMs: options.latencyMs ?? 0,
      deals,
      accounts: accountCount,
      invoices,
      errors: errors + pending.size,
      seconds: round(seconds),
      invoicesPerMinute,
      qboCallsPerInvoice: round(callsPerInvoice),
      fractionOfRequestCeiling: round(invoicesPerMinute / (500 / Math.max(1, callsPerInvoice))),
      fractionOfBatchCeiling: round(invoicesPerMinute / (40 * 30)),
      salesforceCallsPerInvoice: round(sfCalls / Math.max(1, invoices)),
      p50Ms: percentile(latencies, 50),
      p95Ms: percentile(latencies, 95),
      maxMs: Math.max(0, ...latencies),
      qboThrottled: qboAfter.throttled - qboBefore.throttled,
      batchRequests: batches,
      invoicesPerBatch: round((stats.batchedItems - statsBefore.batchedItems) / Math.max(1, batches)),
      singleCreates: stats.single - statsBefore.single,
      lookupItems: (stats.lookupItems ?? 0) - (statsBefore.lookupItems ?? 0),
      qboCallsByOperation: diff(qboAfter.byOperation, qboBefore.byOperation),
      sampleErrors: [...sampleErrors],
    };
  } finally {
    await stack.close();
    await database.drop();
  }
}

function diff(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(after)) if (value - (before[key] ?? 0) > 0) out[key] = value - (before[key] ?? 0);
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (require.main === module) {
  const deals = Number(process.argv[2] ?? 1000);
  const store = (process.argv[3] ?? 'sqlite') as Dialect;
  const latencyMs = Number(process.argv[4] ?? 0);
  const knownCustomers = process.argv[5] === 'known';
  benchInvoices({ deals, store, latencyMs, knownCustomers })
    .then((r) => report(r))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
