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
 * The workers lower their own CPU priority as the product does on a shared host (WORKER_NICE, default 10; set
 * WORKER_NICE=0 in the environment to compare), and the bench reads each process's nice value back.
 * Target: ack p99 < 50 ms. Exits 1 when the target is missed or the workers were not saturated.
 *
 * Needs LEDGERLINE_TEST_POSTGRES_URL (scripts/postgres-probe.sh); without it, it says so and exits 0.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
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
import { loadAverage, readWebLoop, round, spread, startCommitProbe } from './roles-probes';

const TARGET_P99_MS = 50;
const ROOT = path.join(__dirname, '..');
/** The built entry point, as `npm start` and the image run it (the bench builds it first). */
const MAIN = path.join(ROOT, 'dist', 'main.js');
const SF_APP = { clientId: 'bench-roles-app', clientSecret: randomBytes(16).toString('hex') };
const VERIFIER = process.env.BENCH_VERIFIER ?? randomBytes(16).toString('hex');
const TICKS_PER_SECOND = 100;

/** Each ack's time and when it was sent (ms after the first), in the order they were answered. */
interface Sent {
  latencies: number[];
  starts: number[];
  seconds: number;
}

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

/** A process's nice value as the kernel reports it (Linux /proc, field 19). */
function niceOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
}


/** POSTs `count` Intuit-signed notifications of `perNotification` payment deletions, `concurrency` at a time; times each ack. */
async function sendHere(url: string, count: number, perNotification: number, concurrency: number, firstId: number): Promise<Sent> {
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
  const starts: number[] = [];
  let next = 0;
  // This sender is a new process each time: its HTTP client loads on first use and its connections are
  // opened here, so that neither is timed as part of the first acks (Intuit's sender is long-lived). The
  // warm-up POSTs carry a wrong signature: answered 401, nothing stored.
  for (let i = 0; i < 3; i += 1) {
    await Promise.all(
      Array.from({ length: concurrency }, () =>
        fetch(`${url}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': intuitSignature(bodies[0]!, 'warm-up') }, body: bodies[0]! }).then((r) => r.arrayBuffer()),
      ),
    );
  }
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t0 = performance.now();
        const res = await fetch(`${url}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': intuitSignature(body, VERIFIER) }, body });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        starts.push(t0 - started);
        if (res.status !== 200) throw new Error(`the webhook answered ${res.status}`);
      }
    }),
  );
  return { latencies, starts, seconds: (performance.now() - started) / 1000 };
}

/**
 * The same, from a process of its own: this one serves the emulators, which the workers keep busy, and its
 * event loop would add its own delays to the timings.
 */
async function send(url: string, count: number, perNotification: number, concurrency: number, firstId: number): Promise<Sent> {
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'send', url, String(count), String(perNotification), String(concurrency), String(firstId)], {
    cwd: ROOT,
    env: { ...process.env, BENCH_VERIFIER: VERIFIER },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the webhook sender ended with ${code}`);
  return JSON.parse(out) as Sent;
}

export async function benchWebhooksWhileSaturated(options: { backlog?: number; notifications?: number; eventsPerNotification?: number; concurrency?: number; rounds?: number } = {}) {
  const backlog = options.backlog ?? Number(process.env.BENCH_BACKLOG ?? 4000);
  const notifications = options.notifications ?? Number(process.env.BENCH_NOTIFICATIONS ?? 500);
  const perNotification = options.eventsPerNotification ?? 5;
  const concurrency = options.concurrency ?? 4;
  const roundCount = options.rounds ?? Number(process.env.BENCH_ROUNDS ?? 3);
  const metricsToken = randomBytes(24).toString('hex');

  const db = await createTestDatabase('postgres');
  const qbo = await startQboEmulator({ port: 0 });
  const sf = await startSalesforceEmulator({ port: 0, auth: SF_APP });
  const procs: Proc[] = [];
  let sampler: Awaited<ReturnType<typeof openStore>> | undefined;
  let probe: Awaited<ReturnType<typeof startCommitProbe>> | undefined;
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
      METRICS_TOKEN: metricsToken,
      LOG_LEVEL: 'error',
    };
    const start = async (name: string, role: Proc['role'], port: number): Promise<void> => {
      const child = spawn(process.execPath, [MAIN], {
        cwd: ROOT,
        env: { ...process.env, ...settings, PORT: String(port), LEDGERLINE_ROLE: role },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
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
    const workers = () => procs.filter((p) => p.role === 'worker');
    let firstId = 700_000;
    const sendBatch = async (): Promise<Sent> => {
      const sent = await send(url, notifications, perNotification, concurrency, firstId);
      firstId += notifications * perNotification;
      return sent;
    };
    probe = await startCommitProbe(db.url);
    /** One timed batch, with what the web process and PostgreSQL went through meanwhile. */
    const measure = async (sample?: () => Promise<void>) => {
      const loadBefore = loadAverage();
      const loopBefore = await readWebLoop(url, metricsToken);
      probe!.take();
      const cpuBefore = new Map(procs.map((p) => [p.name, cpuSeconds(p.child.pid!)]));
      let sampling = true;
      const sampled = (async () => {
        while (sample && sampling) {
          await sample();
          await new Promise((r) => setTimeout(r, 250));
        }
      })();
      const sent = await sendBatch();
      sampling = false;
      await sampled;
      const pgCommit = probe!.take();
      const loop = await readWebLoop(url, metricsToken, loopBefore.reading);
      const cpu = (p: Proc) => round((100 * (cpuSeconds(p.child.pid!) - cpuBefore.get(p.name)!)) / sent.seconds, 0);
      const slowest = sent.latencies
        .map((ms, i) => ({ ms: round(ms), sentAtMs: round(sent.starts[i]!, 0) }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, Math.max(1, Math.ceil(sent.latencies.length / 100)));
      return {
        load: `${loadBefore} → ${loadAverage()}`,
        seconds: round(sent.seconds, 2),
        ack: spread(sent.latencies),
        slowest1Percent: slowest,
        webEventLoopDelay: loop.figures.eventLoopDelay,
        webGc: loop.figures.gc,
        pgCommitProbe: pgCommit,
        cpuPercent: Object.fromEntries(procs.map((p) => [p.name, cpu(p)])),
        latencies: sent.latencies,
      };
    };

    // Warm-up, not counted: a web process that has served traffic for a while has its code compiled.
    const warm = await sendBatch();
    const warmUp = { notifications, ack: spread(warm.latencies) };

    await Promise.all([start('worker-1', 'worker', await freePort()), start('worker-2', 'worker', await freePort())]);
    await waitFor(async () => (await queueState()).holders >= 2 || undefined, 120_000, 'both workers to hold jobs');
    const signal = (name: NodeJS.Signals) => workers().forEach((w) => w.child.kill(name));

    // Rounds, back to back: the workers paused (SIGSTOP: no CPU, no queries; the same machine load otherwise),
    // then running and saturated.
    const rounds: Array<{ withoutWorkers: Omit<Awaited<ReturnType<typeof measure>>, 'latencies'>; saturated: Omit<Awaited<ReturnType<typeof measure>>, 'latencies'> }> = [];
    const all = { withoutWorkers: [] as number[], saturated: [] as number[] };
    const samples: Array<{ queued: number; running: number; holders: number }> = [];
    let completed = 0;
    for (let r = 0; r < roundCount; r += 1) {
      signal('SIGSTOP');
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { latencies: idle, ...withoutWorkers } = await measure();
      signal('SIGCONT');
      await waitFor(async () => (await queueState()).holders >= 2 || undefined, 120_000, 'both workers to hold jobs');
      const completedBefore = (await queueState()).completed;
      const { latencies: busy, ...saturated } = await measure(async () => void samples.push(await queueState()));
      completed += (await queueState()).completed - completedBefore;
      rounds.push({ withoutWorkers, saturated });
      all.withoutWorkers.push(...idle);
      all.saturated.push(...busy);
    }
    const after = await queueState();
    const pooled = spread(all.saturated);
    const saturated = samples.length > 0 && samples.every((s) => s.queued > 0 && s.holders >= 2);
    return {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'unknown CPU'}, load ${loadAverage()}`,
      processes: `1 web + 2 workers (LEDGERLINE_ROLE, node dist/main.js; nice ${procs.map((p) => `${p.name} ${niceOf(p.child.pid!)}`).join(', ')}), PostgreSQL`,
      notificationsPerRun: { notifications, events: notifications * perNotification, concurrency },
      warmUp,
      rounds,
      allRounds: {
        withoutWorkers: spread(all.withoutWorkers),
        saturated: { ...pooled, targetP99Ms: TARGET_P99_MS, target: pooled.p99Ms < TARGET_P99_MS ? 'met' : 'MISSED' },
      },
      workersWhileSending: {
        saturated,
        backlogDeals: backlog,
        queuedJobs: { min: Math.min(...samples.map((s) => s.queued)), atEnd: after.queued },
        runningJobs: { min: Math.min(...samples.map((s) => s.running)), mean: round(samples.reduce((sum, s) => sum + s.running, 0) / samples.length) },
        workersHoldingJobs: { min: Math.min(...samples.map((s) => s.holders)) },
        jobsCompleted: completed,
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
    await probe?.stop();
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
  // The processes run the built JavaScript, as in production: build it from this tree first.
  const built = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error('the build failed');
    process.exit(1);
  }
  benchWebhooksWhileSaturated().then(
    (result) => {
      console.log(JSON.stringify(result, null, 2));
      if (!result.workersWhileSending.saturated) console.error('the workers were not saturated for the whole run (backlog ran out or a worker held no job): raise BENCH_BACKLOG');
      process.exit(result.allRounds.saturated.target === 'met' && result.workersWhileSending.saturated ? 0 : 1);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
