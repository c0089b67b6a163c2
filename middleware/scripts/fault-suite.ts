/**
 * `npm run faults [-- --short] [-- --deals N] [-- --only name,name]`: the fault-injection suite. Each scenario
 * starts the QBO and Salesforce emulators, a fresh PostgreSQL database (LEDGERLINE_TEST_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) and 3 real middleware processes behind a round-robin proxy,
 * closes N deals while the fault runs, pays every invoice and prints: deals, invoices created, duplicates
 * (must be 0), lost (must be 0) and job retries. Exit status 1 when any scenario loses or doubles anything.
 */
import { DEFAULT_REALM, startQboEmulator, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { createTestDatabase, POSTGRES_TEST_URL_VARIABLE } from '../src/store/test-databases';
import { CLUSTER_SF_APP, connectRealm, runDeals, startCluster, type Cluster, type RunCounts } from '../test/support/cluster';
import { Client } from 'pg';

export interface Scenario {
  name: string;
  what: string;
  /** Runs while the deals are processed; returns extra figures to print. */
  during(parts: { cluster: Cluster; qbo: QboEmulator; sf: SalesforceEmulator; databaseUrl: string; short: boolean; done: () => boolean }): Promise<Record<string, number>>;
  env?: Record<string, string>;
  limits?: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

export const SCENARIOS: Scenario[] = [
  {
    name: 'sigkill',
    what: 'SIGKILL a random worker process at random points (20 times; 3 in --short), restart it',
    async during({ cluster, short, done }) {
      let kills = 0;
      for (; kills < (short ? 3 : 20) && !done(); kills++) {
        await sleep(random(200, 1500));
        const index = random(0, cluster.ports.length);
        await cluster.kill(index, 'SIGKILL');
        await cluster.start(index);
      }
      return { kills };
    },
  },
  {
    name: '429-storm',
    what: 'QBO answers 429 to bursts of requests (Intuit limits on as well)',
    limits: true,
    async during({ qbo, short, done }) {
      let storms = 0;
      for (; storms < (short ? 2 : 6) && !done(); storms++) {
        qbo.control.injectFault({ kind: 'throttle', times: short ? 20 : 100 });
        await sleep(1000);
      }
      return { storms };
    },
  },
  {
    name: 'qbo-500-after-commit',
    what: 'QBO commits the invoice (or a batch of them), then answers 500 (a resend with the same requestid replays it)',
    async during({ qbo, short }) {
      const times = short ? 10 : 100;
      // Invoices go one by one or, in bursts, in batch requests: both lose their answers.
      qbo.control.injectFault({ kind: 'lost-response', mode: '500', entity: 'Invoice', operation: 'create', times });
      qbo.control.injectFault({ kind: 'lost-response', mode: '500', operation: 'batch', times: Math.ceil(times / 10) });
      return { injected: times + Math.ceil(times / 10) };
    },
  },
  {
    name: 'sf-unable-to-lock-row',
    what: 'Salesforce answers UNABLE_TO_LOCK_ROW to writes (whole request and per record)',
    async during({ sf, short }) {
      const times = short ? 5 : 40;
      sf.control.addFault({ kind: 'UNABLE_TO_LOCK_ROW', times, method: 'PATCH', scope: 'request' });
      sf.control.addFault({ kind: 'UNABLE_TO_LOCK_ROW', times, method: 'PATCH', path: 'composite/sobjects', scope: 'record' });
      return { injected: 2 * times };
    },
  },
  {
    name: 'db-connection-drops',
    what: 'every PostgreSQL connection of the middleware is terminated, repeatedly',
    async during({ databaseUrl, short, done }) {
      let drops = 0;
      const admin = new Client({ connectionString: databaseUrl });
      await admin.connect();
      try {
        for (let i = 0; i < (short ? 3 : 10) && !done(); i++) {
          await sleep(random(300, 1200));
          const { rowCount } = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
          drops += rowCount ?? 0;
        }
      } finally {
        await admin.end();
      }
      return { connectionsDropped: drops };
    },
  },
  {
    name: 'token-expiry',
    what: 'the access token expires mid-run with 3×4 concurrent workers; Intuit must see exactly one refresh',
    env: { WORKER_CONCURRENCY: '4' },
    async during({ qbo }) {
      await sleep(700);
      qbo.control.injectFault({ kind: 'slow', target: 'oauth', operation: 'token', delayMs: 300, times: 1000 });
      const before = qbo.control.counters().injected;
      qbo.control.expireAccessTokens();
      await sleep(5000);
      return { refreshCalls: qbo.control.counters().injected - before };
    },
  },
  {
    name: 'clock-skew',
    what: "QBO's clock runs 2 h ahead of the middleware's (tokens expire early, dates shift)",
    async during({ qbo }) {
      await sleep(500);
      qbo.control.clock.advance(2 * 3600_000);
      return { skewMinutes: 120 };
    },
  },
];

export interface ScenarioResult extends RunCounts {
  name: string;
  extra: Record<string, number>;
  ok: boolean;
}

export async function runScenario(scenario: Scenario, options: { deals: number; short: boolean }): Promise<ScenarioResult> {
  process.env[POSTGRES_TEST_URL_VARIABLE] ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const db = await createTestDatabase('postgres');
  const qbo = await startQboEmulator({ port: 0 });
  if (!scenario.limits) qbo.control.setLimits({ enabled: false });
  const sf = await startSalesforceEmulator({ port: 0, auth: CLUSTER_SF_APP });
  let cluster: Cluster | undefined;
  try {
    await connectRealm(db.url, qbo);
    cluster = await startCluster({ instances: 3, databaseUrl: db.url, qbo, sf, ...(scenario.env ? { env: scenario.env } : {}) });
    let finished = false;
    let extra: Record<string, number> = {};
    const counts = await runDeals(cluster, qbo, sf, db.url, {
      deals: options.deals,
      // With Intuit's limits on, 3 instances share 500 requests a minute: 1,000 deals and 1,500 payments
      // need about 20 minutes of QBO calls, so that scenario may take longer.
      timeoutMs: options.short ? 120_000 : (scenario.limits ? 45 : 15) * 60_000,
      during: async () => {
        extra = await scenario.during({ cluster: cluster!, qbo, sf, databaseUrl: db.url, short: options.short, done: () => finished });
      },
    }).finally(() => {
      finished = true;
    });
    qbo.control.clearFaults();
    sf.control.clearFaults();
    // What QuickBooks saw from the 3 instances together: 429s answered, and the company's load peaks.
    const peaks = qbo.control.loadPeaks(DEFAULT_REALM);
    const qboCounters = qbo.control.counters();
    extra.qboRequests = qboCounters.byRealm[DEFAULT_REALM] ?? 0;
    extra.throttled = qboCounters.throttled;
    extra.peakPerMinute = peaks.requestsPerMinute;
    extra.peakBatchesPerMinute = peaks.batchesPerMinute;
    extra.peakConcurrent = peaks.concurrent;
    extra.refusedByLimits = peaks.refused.rate + peaks.refused.concurrency + peaks.refused.batch;
    const ok = counts.duplicates === 0 && counts.lost === 0 && counts.invoicesCreated === counts.deals && (scenario.name !== 'token-expiry' || extra.refreshCalls === 1);
    return { name: scenario.name, ...counts, extra, ok };
  } finally {
    await cluster?.stop();
    await sf.close();
    await qbo.close();
    await db.drop();
  }
}

export async function runFaultSuite(options: { short: boolean; deals?: number; only?: string[]; print?: (line: string) => void }): Promise<ScenarioResult[]> {
  const print = options.print ?? console.log;
  const deals = options.deals ?? (options.short ? 30 : 1000);
  const chosen = SCENARIOS.filter((s) => !options.only || options.only.includes(s.name));
  const results: ScenarioResult[] = [];
  print(`fault suite: ${chosen.length} scenarios × ${deals} deals, 3 middleware processes on PostgreSQL${options.short ? ' (short)' : ''}`);
  print('scenario                 deals  invoices  duplicates  lost  retries  payments  seconds  fault');
  for (const scenario of chosen) {
    const r = await runScenario(scenario, { deals, short: options.short });
    results.push(r);
    const extra = Object.entries(r.extra).map(([k, v]) => `${k}=${v}`).join(' ');
    print(`${r.name.padEnd(24)} ${String(r.deals).padStart(5)}  ${String(r.invoicesCreated).padStart(8)}  ${String(r.duplicates).padStart(10)}  ${String(r.lost).padStart(4)}  ${String(r.retries).padStart(7)}  ${`${r.paymentRows}/${r.paymentsApplied}`.padStart(8)}  ${String(r.seconds).padStart(7)}  ${extra}${r.ok ? '' : '  FAILED'}`);
    if (r.retries > 0) print(`    retries by last error: ${Object.entries(r.retriesByCode).map(([k, v]) => `${k}=${v}`).join(' ')}`);
    for (const sample of r.lostSamples) print(`    lost: ${sample}`);
  }
  const total = results.reduce((t, r) => ({ duplicates: t.duplicates + r.duplicates, lost: t.lost + r.lost }), { duplicates: 0, lost: 0 });
  print(`total: duplicates ${total.duplicates}, lost ${total.lost}; ${results.every((r) => r.ok) ? 'PASS' : 'FAIL'}`);
  return results;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  runFaultSuite({
    short: args.includes('--short'),
    ...(value('--deals') ? { deals: Number(value('--deals')) } : {}),
    ...(value('--only') ? { only: value('--only')!.split(',') } : {}),
  })
    .then((results) => process.exit(results.every((r) => r.ok) ? 0 : 1))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
