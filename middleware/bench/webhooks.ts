/**
 * Webhook benchmark, on the whole product (emulators + real middleware + real clients):
 * 1. acknowledgement: signed notifications POSTed concurrently to /webhooks/quickbooks, each answered
 *    after signature check, inbox insert and job enqueue → events/s and ack latency percentiles;
 * 2. payment → Salesforce: a payment recorded in the QBO emulator until the Opportunity's balance in
 *    the Salesforce emulator shows it (webhook delivery, worker, QBO re-reads, write-back, roll-ups).
 * `benchWebhooks()` returns the numbers; `npm run bench` prints them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intuitSignature } from '../src/quickbooks/webhook-signature';
import { QBO_EVENT_JOB } from '../src/services/payments';
import { startStack, waitFor } from '../src/demo/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from '../src/demo/deals';

export interface WebhookBenchOptions {
  /** Notifications to acknowledge (default 1000). */
  notifications?: number;
  /** Events per notification (default 5; Intuit sends up to 100). */
  eventsPerNotification?: number;
  /** Concurrent deliveries (default 4; Intuit itself sends one notification at a time per app). */
  concurrency?: number;
  /** Payments to time end to end (default 20). */
  payments?: number;
}

export interface WebhookBenchResult {
  ack: { notifications: number; events: number; seconds: number; eventsPerSecond: number; notificationsPerSecond: number; p50Ms: number; p99Ms: number; maxMs: number };
  paymentToSalesforce: { payments: number; p50Ms: number; p95Ms: number; p99Ms: number; maxMs: number };
  database: string;
}

const VERIFIER = 'bench-webhook-verifier-token';

export async function benchWebhooks(options: WebhookBenchOptions = {}): Promise<WebhookBenchResult> {
  const notifications = options.notifications ?? 1000;
  const perNotification = options.eventsPerNotification ?? 5;
  const concurrency = options.concurrency ?? 4;
  const paymentCount = options.payments ?? 20;
  const dir = mkdtempSync(join(tmpdir(), 'ledgerline-bench-webhooks-'));
  const stack = await startStack({
    startWorkers: false,
    env: { DATABASE_URL: `sqlite:${join(dir, 'bench.db')}`, QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER, CDC_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' },
  });
  try {
    await stack.connectQbo();
    const ack = await benchAck(stack.url, stack.realmId, notifications, perNotification, concurrency);
    // The acknowledged events point at invoices that do not exist: withdraw their jobs before workers start.
    for (;;) {
      const queued = await stack.ledgerline.queue.list({ type: QBO_EVENT_JOB, state: 'queued', limit: 500 });
      if (queued.length === 0) break;
      for (const job of queued) await stack.ledgerline.queue.cancel(job.id);
    }
    stack.ledgerline.start();
    const paymentToSalesforce = await benchPaymentLatency(stack, paymentCount);
    return { ack, paymentToSalesforce, database: 'SQLite file (WAL)' };
  } finally {
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function benchAck(baseUrl: string, realmId: string, count: number, perNotification: number, concurrency: number): Promise<WebhookBenchResult['ack']> {
  const url = `${baseUrl}/webhooks/quickbooks`;
  const bodies = Array.from({ length: count }, (_, n) =>
    JSON.stringify({
      eventNotifications: [{
        realmId,
        dataChangeEvent: {
          entities: Array.from({ length: perNotification }, (_, i) => ({ name: i % 2 ? 'Payment' : 'Invoice', id: String(900_000 + n * perNotification + i), operation: 'Update', lastUpdated: new Date(Date.UTC(2026, 0, 1) + n * 1000 + i).toISOString() })),
        },
      }],
    }),
  );
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': intuitSignature(body, VERIFIER) }, body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    notifications: count,
    events: count * perNotification,
    seconds: round(seconds, 3),
    eventsPerSecond: Math.round((count * perNotification) / seconds),
    notificationsPerSecond: Math.round(count / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
    maxMs: round(Math.max(...latencies)),
  };
}

async function benchPaymentLatency(stack: Awaited<ReturnType<typeof startStack>>, count: number): Promise<WebhookBenchResult['paymentToSalesforce']> {
  stack.qbo.control.webhooks.configure({ url: `${stack.url}/webhooks/quickbooks`, verifierToken: VERIFIER, batchWindowMs: 20 });
  const catalog = seedCatalog(stack.sf);
  const accountId = seedAccount(stack.sf, { Name: 'Bench Payments Inc' });
  const opportunity = (id: string) => stack.sf.control.record('Opportunity', id) as { QuickBooks_Invoice_Id__c: string | null; Invoice_Balance__c: number | null };
  const deals: Array<{ id: string; invoiceId: string }> = [];
  for (let i = 0; i < count; i++) {
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 10 }], { Name: `Bench deal ${i}` });
    closeWon(stack.sf, id);
    deals.push({ id, invoiceId: '' });
  }
  for (const deal of deals) deal.invoiceId = await waitFor(() => opportunity(deal.id).QuickBooks_Invoice_Id__c ?? undefined, 60_000, `invoice of ${deal.id}`);
  await stack.qbo.control.webhooks.flush();
  await waitFor(async () => (await stack.ledgerline.queue.counts()).queued === 0 || undefined, 30_000, 'a quiet queue');

  const latencies: number[] = [];
  for (const deal of deals) {
    const before = opportunity(deal.id).Invoice_Balance__c ?? 0;
    const t0 = performance.now();
    stack.qbo.control.applyPayment(stack.realmId, { invoices: [{ id: deal.invoiceId, amount: 100 }] });
    await waitFor(() => (opportunity(deal.id).Invoice_Balance__c === Math.round((before - 100) * 100) / 100 ? true : undefined), 30_000, `payment on ${deal.id}`);
    latencies.push(performance.now() - t0);
  }
  return { payments: count, p50Ms: round(percentile(latencies, 50)), p95Ms: round(percentile(latencies, 95)), p99Ms: round(percentile(latencies, 99)), maxMs: round(Math.max(...latencies)) };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

if (require.main === module) {
  benchWebhooks().then(
    (result) => console.log(JSON.stringify(result, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
