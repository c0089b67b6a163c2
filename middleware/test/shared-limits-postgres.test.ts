import { DEFAULT_REALM, startQboEmulator, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { createTestDatabase, POSTGRES_TEST_URL_VARIABLE, type TestDatabase } from '../src/store/test-databases';
import { CLUSTER_SF_APP, connectRealm, runDeals, startCluster, type Cluster } from './support/cluster';

/**
 * Three middleware processes on one PostgreSQL database share one QuickBooks budget per company. The QBO
 * emulator enforces the limits and measures, on every request that reaches it, the most requests and batch
 * requests within any 60 s and the most at once. The limits are lowered, and each request takes 0.1–3 s, so
 * that a short run presses against them: each process counting alone would allow three times as much.
 */
const describePg = process.env[POSTGRES_TEST_URL_VARIABLE] ? describe : describe.skip;
// A deal costs 6 to 11 QuickBooks requests here, fewer when deals happen to share batches (its new customer looked
// up by name and e-mail and created, its invoice): 8 deals need about 50 to 90 requests, more than a minute and a half
// of the 30 allowed per minute, whatever the batching, so the limits are pressed from the start.
const LIMITS = { requestsPerMinute: 30, concurrentPerRealm: 2, batchPerMinute: 2 };
const DEALS = 8;

describePg('three instances share one QuickBooks budget per company', () => {
  let db: TestDatabase;
  let qbo: QboEmulator;
  let sf: SalesforceEmulator;
  let cluster: Cluster | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    qbo = await startQboEmulator({ port: 0, latencyMs: [100, 3_000] });
    qbo.control.setLimits({ enabled: true, ...LIMITS });
    sf = await startSalesforceEmulator({ port: 0, auth: CLUSTER_SF_APP });
  });
  afterAll(async () => {
    await cluster?.stop();
    await sf?.close();
    await qbo?.close();
    await db?.drop();
  });

  it(`keeps ${LIMITS.requestsPerMinute} requests/min, ${LIMITS.concurrentPerRealm} at once and ${LIMITS.batchPerMinute} batches/min across 3 processes, as QuickBooks counts them`, async () => {
    await connectRealm(db.url, qbo);
    cluster = await startCluster({
      instances: 3,
      databaseUrl: db.url,
      qbo,
      sf,
      env: { QBO_REQUESTS_PER_MINUTE: String(LIMITS.requestsPerMinute), QBO_MAX_CONCURRENT: String(LIMITS.concurrentPerRealm), QBO_BATCHES_PER_MINUTE: String(LIMITS.batchPerMinute) },
    });
    const counts = await runDeals(cluster, qbo, sf, db.url, { deals: DEALS, timeoutMs: 10 * 60_000 });
    const peaks = qbo.control.loadPeaks(DEFAULT_REALM);
    const counters = qbo.control.counters();
    console.log(`shared limits: ${JSON.stringify({ peaks, requests: counters.byRealm[DEFAULT_REALM], throttled: counters.throttled, seconds: counts.seconds, retries: counts.retries })}`);
    expect(counts.workers).toBe(3);
    expect(counts.duplicates).toBe(0);
    expect(counts.lost).toBe(0);
    // The run needed more than a minute's budget and came close to the limits, so they were in play.
    expect(counters.byRealm[DEFAULT_REALM]).toBeGreaterThan(LIMITS.requestsPerMinute);
    expect(peaks.requestsPerMinute).toBeGreaterThanOrEqual(0.75 * LIMITS.requestsPerMinute);
    expect(peaks.concurrent).toBe(LIMITS.concurrentPerRealm);
    expect(peaks.refused).toEqual({ rate: 0, concurrency: 0, batch: 0 });
    expect(counters.throttled).toBe(0);
    expect(peaks.requestsPerMinute).toBeLessThanOrEqual(LIMITS.requestsPerMinute);
    expect(peaks.batchesPerMinute).toBeLessThanOrEqual(LIMITS.batchPerMinute);
  }, 15 * 60_000);
});
