/**
 * Memory with a 10,000-job backlog: 10,000 won deals (seeded as already won, so no callout) are queued at
 * once, then the workers run for `seconds` while resident memory is sampled every 200 ms. The figure is for
 * the whole bench process, which also holds both emulators and their data: the middleware alone uses less.
 */
import type { Dialect } from '../src/store';
import { createTestDatabase } from '../src/store/test-databases';
import { INVOICE_JOB } from '../src/container';
import { startStack } from '../src/demo/stack';
import { seedAccount, seedCatalog, seedOpportunity } from '../src/demo/deals';

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

export async function benchBacklog(options: { jobs?: number; seconds?: number; store?: Dialect } = {}) {
  const jobs = options.jobs ?? 10_000;
  const database = await createTestDatabase(options.store ?? 'sqlite');
  const stack = await startStack({ startWorkers: false, env: { DATABASE_URL: database.url, WORKER_CONCURRENCY: '16', CDC_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '0' } });
  try {
    await stack.connectQbo();
    const catalog = seedCatalog(stack.sf);
    const accounts = Array.from({ length: 500 }, (_v, i) => seedAccount(stack.sf, { Name: `Backlog Customer ${i + 1} Inc`, Billing_Email__c: `ap@backlog${i + 1}.example` }));
    const ids = Array.from({ length: jobs }, (_v, i) => seedOpportunity(stack.sf, catalog, accounts[i % accounts.length]!, [{ code: 'CONS-HR', quantity: 1 }], { Name: `Backlog ${i + 1}`, StageName: 'Closed Won' }));
    global.gc?.();
    const beforeQueue = process.memoryUsage().rss;
    const started = Date.now();
    for (const opportunityId of ids) {
      await stack.ledgerline.queue.enqueue({ type: INVOICE_JOB, payload: { opportunityId, reason: 'closed_won' }, idempotencyKey: `opportunity:${opportunityId}` });
    }
    const enqueueSeconds = (Date.now() - started) / 1000;
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 200);
    stack.ledgerline.start();
    await new Promise((r) => setTimeout(r, (options.seconds ?? 45) * 1000));
    clearInterval(sampler);
    const counts = await stack.ledgerline.queue.counts();
    return {
      store: options.store ?? 'sqlite',
      jobs,
      enqueueSeconds: Math.round(enqueueSeconds * 10) / 10,
      rssBeforeBacklogMb: mb(beforeQueue),
      peakRssWhileWorkingMb: mb(peak),
      afterSeconds: options.seconds ?? 45,
      completed: counts.completed,
      stillQueued: counts.queued + counts.running,
    };
  } finally {
    await stack.close();
    await database.drop();
  }
}

if (require.main === module) {
  benchBacklog({ store: (process.argv[2] ?? 'sqlite') as Dialect })
    .then((r) => console.log(JSON.stringify(r, null, 2)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
