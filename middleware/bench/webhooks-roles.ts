/**
 * Webhook acknowledgement while the workers are saturated, deployed as the README's "Roles" describe: one
 * web-role process (LEDGERLINE_ROLE=web) and two worker-role processes (LEDGERLINE_ROLE=worker), each a real
 * `node src/main.ts`, on one fresh PostgreSQL database, against the QBO and Salesforce emulators (in this
 * process, Intuit's limits on; each worker keeps half of them, as the README says to).
 *
 * A backlog of won deals (`BENCH_BACKLOG`, default 4,000, on 20 Accounts so that customers are created once and
 * invoices go in batches) is sent to the web role as Salesforce's callouts; once both workers hold jobs,
 * Intuit-signed notifications (`BENCH_NOTIFICATIONS`, default 500, 5 events each, 4 at a time) are POSTed, from a
 * process of their own, to
 * the web role and each acknowledgement is timed. The same run first sends as many with the backlog stored and
 * no worker running (the baseline), so that what the saturated workers add shows apart from the machine's
 * other load. While they are sent, the queue and the processes' CPU are sampled: the figure counts only when
 * the backlog never ran out and both workers held jobs throughout.
 * The workers run at nice 10, as compose.yaml's cpu_shares give the web role the CPU first on a shared host.
 * Target: ack p99 < 50 ms. Exits 1 when the target is missed or the workers were not saturated.
 *
 * Needs LEDGERLINE_TEST_POSTGRES_URL (scripts/postgres-probe.sh); without it, it says so and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_REALM, startQboEmulator } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { connectThroughOAuth, emulatorSettings, waitFor } from '../src/demo/stack';
import { seedAccount, seedCatalog, seedOpportunity } from '../src/demo/deals';
import { intuitSignature } from '../src/quickbooks/webhook-signature';
import { openStore } from '../src/store';
import { createTestDatabase, POSTGRES_TEST_URL_VARIABLE } from '../src/store/test-databases';

/** CPU priority of the worker processes (nice), standing in for compose.yaml's cpu_shares on one host. */
const WORKER_NICE = 10;

const TARGET_P99_MS = 50;
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');
const SF_APP = { clientId: 'bench-roles-app', clientSecret: randomBytes(16).toString('hex') };
const VERIFIER = process.env.BENCH_VERIFIER ?? randomBytes(16).toString('hex');
const TICKS_PER_SECOND = 100;

interface Proc {
  name: string;
  role: 'web' | 'worker';
  port: number;
  child: ChildProcess;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process, in seconds (Linux /proc). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;
}

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

/** POSTs `count` Intuit-signed notifications of `perNotification` payment deletions, `concurrency` at a time; times each ack. */
async function sendHere(url: string, count: number, perNotification: number, concurrency: number, firstId: number): Promise<{ latencies: number[]; seconds: number }> {
  const bodies = Array.from({ length: count }, (_v, n) =>
    JSON.stringify({
      eventNotifications: [{
        realmId: DEFAULT_REALM,
        // Deletions of payments the middleware never saw: the ack does the same work as for any event
        // (signature, inbox, queue), and the workers settle these jobs without calling QuickBooks.
        dataChangeEvent: { entities: Array.from({ length: perNotification }, (_w, i) => ({ name: 'Payment', id: String(firstId + n * perNotification + i), operation: 'Delete', lastUpdated: new Date().toISOString() })) },
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
        const res = await fetch(`${url}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': intuitSignature(body, VERIFIER) }, body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`the webhook answered ${res.status}`);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/**
 * The same, from a process of its own: this one serves the emulators, which the workers keep busy, and its
 * event loop would add its own delays to the timings.
 */
async function send(url: string, count: number, perNotification: number, concurrency: number, firstId: number): Promise<{ latencies: number[]; seconds: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'send', url, String(count), String(perNotification), String(concurrency), String(firstId)], {
    cwd: path.join(__dirname, '..'),
    env: { ...process.env, BENCH_VERIFIER: VERIFIER },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the webhook sender ended with ${code}`);
  return JSON.parse(out) as { latencies: number[]; seconds: number };
}

export async function benchWebhooksWhileSaturated(options: { backlog?: number; notifications?: number; eventsPerNotification?: number; concurrency?: number } = {}) {
  const backlog = options.backlog ?? Number(process.env.BENCH_BACKLOG ?? 4000);
  const notifications = options.notifications ?? Number(process.env.BENCH_NOTIFICATIONS ?? 500);
  const perNotification = options.eventsPerNotification ?? 5;
  const concurrency = options.concurrency ?? 4;

  const db = await createTestDatabase('postgres');
  const qbo = await startQboEmulator({ port: 0 });
  const sf = await startSalesforceEmulator({ port: 0, auth: SF_APP });
  const procs: Proc[] = [];
  let sampler: Awaited<ReturnType<typeof openStore>> | undefined;
  try {
    const webPort = await freePort();
    const url = `http://127.0.0.1:${webPort}`;
    const apiKey = randomBytes(32).toString('base64url');
    const adminKey = randomBytes(32).toString('base64url');
    const settings: Record<string, string> = {
      DATABASE_URL: db.url,
      LEDGERLINE_API_KEYS: apiKey,
      LEDGERLINE_ADMIN_KEYS: adminKey,
      LEDGERLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      ...emulatorSettings({ qbo, publicUrl: url, sf: { emulator: sf, ...SF_APP } }),
      QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER,
      // Intuit's per-company limits (500/min, 10 concurrent) shared by the two workers.
      QBO_REQUESTS_PER_MINUTE: '250',
      QBO_MAX_CONCURRENT: '5',
      SWEEP_INTERVAL_SECONDS: '0',
      CDC_INTERVAL_SECONDS: '0',
      RATE_LIMIT_PER_MINUTE: '0',
      LOG_LEVEL: 'error',
    };
    const start = async (name: string, role: Proc['role'], port: number): Promise<void> => {
      const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
        cwd: path.join(__dirname, '..'),
        env: { ...process.env, ...settings, PORT: String(port), LEDGERLINE_ROLE: role },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      // One host runs all three here, as compose.yaml can: the workers yield the CPU to the web role
      // (compose gives them cpu_shares 512 against the web's 1024; nice 10 is the same here).
      if (role === 'worker' && child.pid !== undefined) os.setPriority(child.pid, WORKER_NICE);
      procs.push({ name, role, port, child });
      await waitFor(async () => child.exitCode === null && (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false)), 120_000, `${name} to start`);
    };
    // The web process first: it migrates the fresh database. The workers start after the baseline.
    await start('web', 'web', webPort);
    const store = await openStore(db.url, { migrate: false });
    sampler = store;
    const connected = await connectThroughOAuth({ url, adminKey, entity: 'Default', realmId: DEFAULT_REALM });
    if (connected.status !== 200) throw new Error(`the QuickBooks connect callback answered ${connected.status}`);

    // The backlog: won deals, announced to the web role as Salesforce's Queueable does (200 ids a call).
    const catalog = seedCatalog(sf);
    const accounts = Array.from({ length: 20 }, (_v, i) => seedAccount(sf, { Name: `Saturation Customer ${i + 1} Inc`, Billing_Email__c: `ap@saturation${i + 1}.example` }));
    const ids = Array.from({ length: backlog }, (_v, i) =>
      seedOpportunity(sf, catalog, accounts[i % accounts.length]!, [{ code: 'CONS-HR', quantity: 1 + (i % 3) }], { Name: `Saturation ${i + 1}`, StageName: 'Closed Won' }),
    );
    for (let i = 0; i < ids.length; i += 200) {
      const res = await fetch(`${url}/api/v1/sync/opportunities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ opportunityIds: ids.slice(i, i + 200), reason: 'closed_won' }),
      });
      if (res.status !== 202) throw new Error(`the sync callout answered ${res.status}: ${await res.text()}`);
    }
    const queueState = async () => {
      const { rows } = await store.db.query<{ state: string; locked_by: string | null; n: string | number }>(
        "select state, case when state = 'running' then split_part(locked_by, '#', 1) end as locked_by, count(*) as n from jobs group by 1, 2",
      );
      const count = (state: string) => rows.filter((r) => r.state === state).reduce((sum, r) => sum + Number(r.n), 0);
      return { queued: count('queued'), running: count('running'), completed: count('completed'), holders: new Set(rows.filter((r) => r.state === 'running').map((r) => r.locked_by)).size };
    };
    // Baseline: the same notifications with the backlog stored and no worker running.
    const idle = await send(url, notifications, perNotification, concurrency, 700_000);
    await Promise.all([start('worker-1', 'worker', await freePort()), start('worker-2', 'worker', await freePort())]);
    await waitFor(async () => (await queueState()).holders >= 2 || undefined, 120_000, 'both workers to hold jobs');

    // Sampling while the notifications are sent.
    const samples: Array<{ queued: number; running: number; holders: number }> = [];
    let sampling = true;
    const sampled = (async () => {
      while (sampling) {
        samples.push(await queueState());
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    const workers = procs.filter((p) => p.role === 'worker');
    const web = procs.find((p) => p.role === 'web')!;
    const cpuBefore = new Map(procs.map((p) => [p.name, cpuSeconds(p.child.pid!)]));
    const completedBefore = (await queueState()).completed;

    const measured = await send(url, notifications, perNotification, concurrency, 800_000);
    const seconds = measured.seconds;
    const latencies = measured.latencies;
    sampling = false;
    await sampled;
    const after = await queueState();
    const cpu = (p: Proc) => round((100 * (cpuSeconds(p.child.pid!) - cpuBefore.get(p.name)!)) / seconds, 0);

    const p99 = round(percentile(latencies, 99));
    const saturated = samples.length > 0 && samples.every((s) => s.queued > 0 && s.holders >= 2);
    return {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`,
      processes: `1 web + 2 workers (LEDGERLINE_ROLE; workers at nice ${WORKER_NICE}), PostgreSQL`,
      ackWithoutWorkers: { p50Ms: round(percentile(idle.latencies, 50)), p99Ms: round(percentile(idle.latencies, 99)), maxMs: round(Math.max(...idle.latencies)) },
      ack: {
        notifications,
        events: notifications * perNotification,
        concurrency,
        seconds: round(seconds, 2),
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: p99,
        maxMs: round(Math.max(...latencies)),
        targetP99Ms: TARGET_P99_MS,
        target: p99 < TARGET_P99_MS ? 'met' : 'MISSED',
      },
      workersWhileSending: {
        saturated,
        backlogDeals: backlog,
        queuedJobs: { min: Math.min(...samples.map((s) => s.queued)), atEnd: after.queued },
        runningJobs: { min: Math.min(...samples.map((s) => s.running)), mean: round(samples.reduce((sum, s) => sum + s.running, 0) / samples.length) },
        workersHoldingJobs: { min: Math.min(...samples.map((s) => s.holders)) },
        jobsCompleted: after.completed - completedBefore,
        cpuPercent: Object.fromEntries([...workers, web].map((p) => [p.name, cpu(p)])),
      },
    };
  } finally {
    await Promise.all(
      procs.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    await sampler?.close();
    await sf.close();
    await qbo.close();
    await db.drop();
  }
}

if (require.main === module && process.argv[2] === 'send') {
  const [url, count, perNotification, concurrency, firstId] = process.argv.slice(3);
  sendHere(url!, Number(count), Number(perNotification), Number(concurrency), Number(firstId)).then(
    (result) => process.stdout.write(JSON.stringify(result)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else if (require.main === module) {
  if (!process.env[POSTGRES_TEST_URL_VARIABLE]) {
    console.log(`skipped: needs PostgreSQL (${POSTGRES_TEST_URL_VARIABLE}; scripts/postgres-probe.sh sets it when a local server answers)`);
    process.exit(0);
  }
  benchWebhooksWhileSaturated().then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
      if (!result.workersWhileSending.saturated) console.error('the workers were not saturated for the whole run (backlog ran out or a worker held no job): raise BENCH_BACKLOG');
      process.exit(result.ack.target === 'met' && result.workersWhileSending.saturated ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
