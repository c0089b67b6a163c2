/**
 * History import throughput: a company with `documents` QuickBooks documents (invoices, payments, credit memos,
 * sales and refund receipts) over 24 months, 200 of its 300 customers linked, imported into the Salesforce
 * emulator's mirror through the real clients; then imported again (nothing to write: reads and comparisons
 * only). Prints documents per minute next to Intuit's ceiling for one company: 500 requests per minute ×
 * 1,000 rows per query page = 500,000 documents read per minute, which the import cannot exceed (its reads
 * go through the company's rate limiter) and does not come near (the Salesforce writes bound it).
 */
import { IMPORT_JOB } from '../src/services/history';
import { FULL_SIZE, seedHistoryScenario } from '../src/demo/history-scenario';
import { startStack, waitFor, type Stack } from '../src/demo/stack';

const CEILING_PER_MINUTE = 500 * 1000;

async function run(stack: Stack, start: () => Promise<unknown>, runs: number) {
  stack.qbo.control.resetCounters();
  const writes = stack.ledgerline.writeBack.calls;
  const started = Date.now();
  await start();
  await waitFor(async () => {
    const jobs = await stack.ledgerline.queue.list({ type: IMPORT_JOB });
    return jobs.length >= runs && jobs.every((j) => j.state !== 'queued' && j.state !== 'running') || undefined;
  }, 1_800_000, 'the import');
  const seconds = (Date.now() - started) / 1000;
  const progress = (await stack.ledgerline.history.status(stack.realmId)).historyImport!;
  const read = Object.values(progress.entities).reduce((n, e) => n + e.read, 0);
  const written = Object.values(progress.entities).reduce((n, e) => n + e.written, 0);
  const counters = stack.qbo.control.counters();
  return {
    state: progress.state,
    documentsRead: read,
    recordsWritten: written,
    seconds: Math.round(seconds * 10) / 10,
    documentsPerMinute: Math.round((read / seconds) * 60),
    shareOfIntuitCeiling: `${((read / seconds) * 60 / CEILING_PER_MINUTE * 100).toFixed(2)}%`,
    quickbooksRequests: counters.total,
    quickbooksRequestsPerMinute: Math.round((counters.total / seconds) * 60),
    throttled: counters.throttled,
    salesforceCollectionCalls: stack.ledgerline.writeBack.calls - writes,
  };
}

export async function benchHistory(documents = FULL_SIZE.documents) {
  const size = { ...FULL_SIZE, documents };
  const stack = await startStack({ env: { CDC_INTERVAL_SECONDS: '0', RECONCILE_INTERVAL_HOURS: '0', RATE_LIMIT_PER_MINUTE: '0', QBO_TIMEOUT_MS: '60000' } });
  try {
    const seeding = Date.now();
    const scenario = seedHistoryScenario(stack.qbo, stack.sf, stack.realmId, size);
    for (const [customerId, accountId] of scenario.linked) await stack.ledgerline.store.links.put({ kind: 'customer', realmId: stack.realmId, salesforceId: accountId, qboId: customerId });
    const seedSeconds = Math.round((Date.now() - seeding) / 100) / 10;
    const first = await run(stack, () => stack.connectQbo(), 1);
    const again = await run(stack, () => stack.ledgerline.history.requestImport({ realmId: stack.realmId, reason: 'bench' }), 2);
    return {
      company: { customers: size.customers, linked: size.linked, documents: scenario.counts, seedSeconds },
      intuitCeilingDocumentsPerMinute: CEILING_PER_MINUTE,
      firstImport: first,
      secondImportNothingToWrite: again,
    };
  } finally {
    await stack.close();
  }
}

if (require.main === module) {
  benchHistory(Number(process.argv[2] ?? FULL_SIZE.documents))
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
