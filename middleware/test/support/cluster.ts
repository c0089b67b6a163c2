/**
 * Several real middleware processes (`node --import tsx src/main.ts`) on one database, behind a
 * round-robin proxy that the Salesforce emulator's Closed Won callout and the QBO emulator's webhooks
 * both point at, plus a run that closes N deals, pays their invoices and counts what arrived: used by
 * the multi-instance test and by scripts/fault-suite.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { DEFAULT_REALM, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import type { SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { tokensFromIntuit } from '../../src/quickbooks/tokens';
import { openStore } from '../../src/store';
import { emulatorSettings, waitFor } from '../../src/demo/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from '../../src/demo/deals';

type Rec = Record<string, any>;

const MAIN = path.join(__dirname, '..', '..', 'src', 'main.ts');
export const CLUSTER_API_KEY = `cluster-test-key-${'c'.repeat(32)}`;
export const CLUSTER_ADMIN_KEY = `cluster-test-admin-${'a'.repeat(32)}`;
export const CLUSTER_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
export const CLUSTER_VERIFIER = 'cluster-webhook-verifier-token';
export const CLUSTER_SF_APP = { clientId: 'cluster-app', clientSecret: 'cluster-app-secret' };

export interface ClusterOptions {
  instances: number;
  databaseUrl: string;
  qbo: QboEmulator;
  sf: SalesforceEmulator;
  env?: Record<string, string>;
}

export interface Cluster {
  /** The proxy (what Salesforce and Intuit call). */
  url: string;
  ports: number[];
  /** Forwarded requests that no instance answered (every instance down at that moment). */
  proxyFailures: number;
  start(index: number): Promise<void>;
  kill(index: number, signal?: NodeJS.Signals): Promise<void>;
  alive(index: number): boolean;
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const children: Array<ChildProcess | null> = Array.from({ length: options.instances }, () => null);
  const ports = await Promise.all(children.map(() => freePort()));
  let next = 0;
  let proxyFailures = 0;
  const proxy: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'authorization', 'intuit-signature']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      // Like a load balancer: the next live instance, then the others if it does not answer.
      for (let tries = 0; tries < ports.length; tries++) {
        const index = next++ % ports.length;
        if (!children[index] || children[index]!.exitCode !== null || children[index]!.signalCode !== null) continue;
        try {
          const answer = await fetch(`http://127.0.0.1:${ports[index]}${req.url}`, { method: req.method, headers, ...(body.length > 0 ? { body } : {}), signal: AbortSignal.timeout(10_000) });
          const text = Buffer.from(await answer.arrayBuffer());
          res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'application/json' });
          res.end(text);
          return;
        } catch {
          // try the next instance
        }
      }
      proxyFailures += 1;
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end('{"error":"no instance answered"}');
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;

  const start = async (index: number): Promise<void> => {
    const port = ports[index]!;
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: path.join(__dirname, '..', '..'),
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: options.databaseUrl,
        LEDGERLINE_API_KEYS: CLUSTER_API_KEY,
        LEDGERLINE_ADMIN_KEYS: CLUSTER_ADMIN_KEY,
        LEDGERLINE_ENCRYPTION_KEY: CLUSTER_ENCRYPTION_KEY,
        ...emulatorSettings({ qbo: options.qbo, publicUrl: url, sf: { emulator: options.sf, ...CLUSTER_SF_APP } }),
        QBO_WEBHOOK_VERIFIER_TOKEN: CLUSTER_VERIFIER,
        JOB_LEASE_MS: '3000',
        WORKER_POLL_MS: '100',
        JOB_BACKOFF_BASE_MS: '100',
        JOB_BACKOFF_CAP_MS: '2000',
        JOB_MAX_ATTEMPTS: '20',
        // The product's safety net stays on, as deployed: a callout lost while an instance is being killed
        // leaves its deal Queued, and the sweeper re-queues it.
        SWEEP_INTERVAL_SECONDS: '5',
        CDC_INTERVAL_SECONDS: '0',
        RATE_LIMIT_PER_MINUTE: '0',
        LOG_LEVEL: 'error',
        ...options.env,
      },
      stdio: ['ignore', process.env.CLUSTER_LOGS ? 'inherit' : 'ignore', process.env.CLUSTER_LOGS ? 'inherit' : 'ignore'],
    });
    children[index] = child;
    await waitFor(async () => child.exitCode === null && (await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.ok).catch(() => false)), 120_000, `instance ${index} to start`);
  };

  const kill = async (index: number, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    const child = children[index];
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };

  await Promise.all(children.map((_c, i) => start(i)));
  options.sf.control.configureCallout({ url, apiKey: CLUSTER_API_KEY, enabled: true });
  options.qbo.control.webhooks.configure({ url: `${url}/webhooks/quickbooks`, verifierToken: CLUSTER_VERIFIER, batchWindowMs: 50 });

  return {
    url,
    ports,
    get proxyFailures() {
      return proxyFailures;
    },
    start,
    kill,
    alive: (index) => Boolean(children[index] && children[index]!.exitCode === null && children[index]!.signalCode === null),
    async stop() {
      await Promise.all(children.map((_c, i) => kill(i)));
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** Stores a QBO connection for the default realm straight into the shared database (as the OAuth callback would). */
export async function connectRealm(databaseUrl: string, qbo: QboEmulator): Promise<void> {
  const store = await openStore(databaseUrl, { encryptionKey: CLUSTER_ENCRYPTION_KEY });
  try {
    await store.connections.connect({ realmId: DEFAULT_REALM, billingEntity: 'Default', ...tokensFromIntuit(qbo.control.issueTokens(DEFAULT_REALM), Date.now()) });
  } finally {
    await store.close();
  }
}

export interface RunCounts {
  deals: number;
  invoicesCreated: number;
  /** Deals with more than one QBO invoice, plus payment rows in Salesforce beyond one per applied payment. */
  duplicates: number;
  /** Deals without Synced and exactly one invoice, plus applied payments missing from Salesforce. */
  lost: number;
  paymentsApplied: number;
  paymentRows: number;
  /** Job attempts beyond the first, over every job in the database. */
  retries: number;
  /** The same retries by the last error code of their job (where the retries came from). */
  retriesByCode: Record<string, number>;
  /** Distinct worker processes seen holding a job while the run went on (proves the work was spread). */
  workers: number;
  /** Up to five lost deals with their Salesforce status, error and job states, to start an investigation. */
  lostSamples: string[];
  seconds: number;
}

export interface RunOptions {
  deals: number;
  /** Called once the deals are closed (fault injection runs here). */
  during?: (ids: string[]) => Promise<void>;
  /** Also send every deal again straight to an instance (a retry from the LWC), to race the callout. */
  duplicateRequests?: boolean;
  timeoutMs?: number;
}

/** Closes `deals` Closed Won deals, pays every invoice (half in full, half in two parts) and counts the outcome. */
export async function runDeals(cluster: Cluster, qbo: QboEmulator, sf: SalesforceEmulator, databaseUrl: string, options: RunOptions): Promise<RunCounts> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const catalog = seedCatalog(sf);
  const accountCount = Math.max(1, Math.round(options.deals / 5));
  const accounts = Array.from({ length: accountCount }, (_v, i) => seedAccount(sf, { Name: `Cluster Customer ${String(i + 1).padStart(4, '0')} Inc`, Billing_Email__c: `ap${i + 1}@cluster${i + 1}.example` }));
  const ids = Array.from({ length: options.deals }, (_v, i) =>
    seedOpportunity(sf, catalog, accounts[i % accountCount]!, [{ code: 'CONS-HR', quantity: 1 + (i % 5) }, { code: 'HW-KIT', quantity: 1 }], { Name: `Cluster deal ${i + 1}` }),
  );
  // Completed jobs keep no worker id, so the harness samples which processes hold jobs while they run.
  const sampler = await openStore(databaseUrl, { migrate: false });
  const workers = new Set<string>();
  let sampling = true;
  const sampled = (async () => {
    while (sampling) {
      const { rows } = await sampler.db.query<{ locked_by: string }>("select distinct locked_by from jobs where state = 'running' and locked_by is not null").catch(() => ({ rows: [] as Array<{ locked_by: string }> }));
      for (const row of rows) workers.add(row.locked_by.split('#')[0]!);
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  for (const id of ids) closeWon(sf, id);
  if (options.duplicateRequests) {
    for (let i = 0; i < ids.length; i += 100) {
      const port = cluster.ports[(i / 100) % cluster.ports.length]!;
      await fetch(`http://127.0.0.1:${port}/api/v1/sync/opportunities`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CLUSTER_API_KEY}` }, body: JSON.stringify({ opportunityIds: ids.slice(i, i + 100), reason: 'retry' }) }).catch(() => undefined);
    }
  }
  const during = options.during?.(ids) ?? Promise.resolve();

  const status = (id: string) => (sf.control.record('Opportunity', id) as Rec).Billing_Sync_Status__c as string;
  await waitFor(() => ids.every((id) => status(id) === 'Synced' || status(id) === 'Error'), timeoutMs, 'every deal to be Synced or Error');
  await during;
  // A deal in Error may still have a queued retry (e.g. after a crash); give it the chance to finish.
  await waitFor(() => ids.every((id) => status(id) === 'Synced'), 30_000, 'every deal to be Synced').catch(() => undefined);

  const invoicesByDeal = new Map<string, Rec[]>(ids.map((id) => [id, []]));
  for (const invoice of qbo.control.list(DEFAULT_REALM, 'Invoice') as Rec[]) {
    const match = /006[A-Za-z0-9]{12,15}/.exec(String(invoice.PrivateNote ?? ''));
    const list = match ? invoicesByDeal.get(match[0]) ?? invoicesByDeal.get(match[0].slice(0, 15)) : undefined;
    list?.push(invoice);
  }
  let duplicates = 0;
  let lost = 0;
  const payable: Rec[] = [];
  const lostIds: string[] = [];
  // What each lost deal looked like when it was counted: the samples are printed later (after the payments),
  // when a deal that was still in Error then may have been invoiced and Synced since.
  const countedAs = new Map<string, string>();
  for (const id of ids) {
    const invoices = invoicesByDeal.get(id)!;
    if (invoices.length > 1) duplicates += invoices.length - 1;
    if (invoices.length === 0 || status(id) !== 'Synced') {
      lost += 1;
      lostIds.push(id);
      countedAs.set(id, `${status(id)} with ${invoices.length} invoice(s)`);
    } else payable.push(invoices[0]!);
  }

  // Payments: every invoice is paid, half in one payment, half in two; webhooks go through the proxy.
  const expectedKeys = new Set<string>();
  for (const [i, invoice] of payable.entries()) {
    const total = Number(invoice.TotalAmt);
    // Two parts: 40 %, then whatever the invoice still owes (amount omitted = its balance).
    const parts: Array<number | undefined> = i % 2 === 0 ? [undefined] : [Math.round(total * 40) / 100, undefined];
    for (const amount of parts) {
      const payment = qbo.control.applyPayment(DEFAULT_REALM, { invoices: [{ id: String(invoice.Id), ...(amount === undefined ? {} : { amount }) }] }) as Rec;
      expectedKeys.add(`${DEFAULT_REALM}:${payment.Id}:${invoice.Id}`);
    }
    // Payments keep arriving while the instances work (the emulators share this process's event loop).
    if (i % 20 === 19) await new Promise((r) => setImmediate(r));
  }
  const paymentRows = () => sf.control.records('QuickBooks_Payment__c') as Rec[];
  const dealOf = new Map<string, string>();
  for (const [id, list] of invoicesByDeal) for (const invoice of list) dealOf.set(String(invoice.Id), id);
  const paidOpportunities = () => payable.filter((inv) => Number((sf.control.record('Opportunity', dealOf.get(String(inv.Id))!) as Rec).Invoice_Balance__c) === 0).length;
  await waitFor(() => paymentRows().length >= expectedKeys.size && paidOpportunities() === payable.length, timeoutMs, 'every payment to reach Salesforce').catch(() => undefined);
  const rows = paymentRows();
  const keys = rows.map((r) => String(r.QuickBooks_Key__c));
  const distinct = new Set(keys);
  duplicates += keys.length - distinct.size;
  lost += [...expectedKeys].filter((k) => !distinct.has(k)).length;
  lost += payable.length - paidOpportunities();

  sampling = false;
  await sampled;
  await sampler.close();
  const store = await openStore(databaseUrl, { migrate: false });
  let retries = 0;
  const retriesByCode: Record<string, number> = {};
  const lostSamples: string[] = [];
  try {
    retries = (await store.db.query<{ n: number | null }>('select sum(attempts - 1) as n from jobs where attempts > 1')).rows[0]?.n ?? 0;
    const byCode = await store.db.query<{ code: string | null; n: number }>('select last_error_code as code, sum(attempts - 1) as n from jobs where attempts > 1 group by last_error_code');
    for (const row of byCode.rows) retriesByCode[row.code ?? 'none'] = Number(row.n);
    for (const id of lostIds.slice(0, 5)) {
      const opp = sf.control.record('Opportunity', id) as Rec;
      const jobs = await store.db.query<{ state: string; attempts: number; last_error_code: string | null }>('select state, attempts, last_error_code from jobs where idempotency_key = $1 order by created_at', [`opportunity:${id}`]);
      const invoicesNow = (qbo.control.list(DEFAULT_REALM, 'Invoice') as Rec[]).filter((i) => String(i.PrivateNote ?? '').includes(id)).length;
      lostSamples.push(`${id} counted as ${countedAs.get(id)}; now ${opp.Billing_Sync_Status__c} "${String(opp.Billing_Sync_Error__c ?? '').slice(0, 160)}" with ${invoicesNow} invoice(s) jobs=${JSON.stringify(jobs.rows)}`);
    }
  } finally {
    await store.close();
  }
  let invoicesCreated = 0;
  for (const list of invoicesByDeal.values()) invoicesCreated += list.length;
  return { deals: ids.length, invoicesCreated, duplicates, lost, paymentsApplied: expectedKeys.size, paymentRows: rows.length, retries: Number(retries), retriesByCode, workers: workers.size, lostSamples, seconds: Math.round((Date.now() - started) / 100) / 10 };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
