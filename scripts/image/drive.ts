/**
 * Drives a middleware started by a command given after `--` (scripts/image/check.sh gives the built image's
 * own entrypoint, run in a chroot) against the local QuickBooks and Salesforce emulators and a fresh
 * PostgreSQL database: connect QuickBooks, close a deal, see the invoice, scrape /metrics, then SIGTERM and
 * expect a clean exit. Exits 0 when every step passed. Settings reach the command as environment variables.
 * IMAGE_CHECK_HEALTHCHECK (a command, split on spaces) is the image's HEALTHCHECK: it must fail before QuickBooks
 * is connected (/readyz 503) and pass after. IMAGE_CHECK_NON_ROOT=1: the started process must not run as root.
 *
 *   cd middleware && npx tsx ../scripts/image/drive.ts -- <command> [args...]
 *
 * Needs LEDGERLINE_TEST_POSTGRES_URL (scripts/postgres-probe.sh sets it when a local server answers).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { DEFAULT_REALM, startQboEmulator } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity } from '../../middleware/src/demo/deals';
import { connectThroughOAuth, emulatorSettings, waitFor } from '../../middleware/src/demo/stack';
import { createTestDatabase } from '../../middleware/src/store/test-databases';

const SF_APP = { clientId: 'image-check-app', clientSecret: randomBytes(16).toString('hex') };

function step(text: string): void {
  console.log(`image-check: ${text}`);
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

/** Runs the image's HEALTHCHECK command (when given) with the middleware's port; returns its exit code. */
async function healthcheck(port: number): Promise<number | undefined> {
  const command = process.env.IMAGE_CHECK_HEALTHCHECK?.split(' ').filter(Boolean);
  if (!command || command.length === 0) return undefined;
  // Not spawnSync: the emulators answer from this process's event loop.
  const run = spawn(command[0]!, command.slice(1), { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'inherit', 'inherit'], timeout: 60_000 });
  return new Promise((resolve) => run.once('exit', (code) => resolve(code ?? -1)));
}

/** The user id a process runs as (Linux /proc), to show the image's process is not root. */
function uidOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
  if (uid === undefined) throw new Error(`no Uid line in /proc/${pid}/status`);
  return Number(uid);
}

async function main(): Promise<boolean> {
  const dash = process.argv.indexOf('--');
  const command = dash >= 0 ? process.argv.slice(dash + 1) : [];
  if (command.length === 0) throw new Error('Give the command that starts the middleware after --.');
  const db = await createTestDatabase('postgres');
  const qbo = await startQboEmulator({ port: 0 });
  const sf = await startSalesforceEmulator({ port: 0, auth: SF_APP });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const apiKey = randomBytes(32).toString('base64url');
  const adminKey = randomBytes(32).toString('base64url');
  const settings: Record<string, string> = {
    PORT: String(port),
    DATABASE_URL: db.url,
    LEDGERLINE_API_KEYS: apiKey,
    LEDGERLINE_ADMIN_KEYS: adminKey,
    LEDGERLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...emulatorSettings({ qbo, publicUrl: url, sf: { emulator: sf, ...SF_APP } }),
    QBO_WEBHOOK_VERIFIER_TOKEN: randomBytes(16).toString('hex'),
    WORKER_POLL_MS: '200',
    SWEEP_INTERVAL_SECONDS: '0',
    CDC_INTERVAL_SECONDS: '0',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  };
  step(`starting: ${command.join(' ')}`);
  const child = spawn(command[0]!, command.slice(1), { env: { ...process.env, ...settings }, stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let ok = false;
  try {
    await waitFor(async () => {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the middleware ended (${child.exitCode ?? child.signalCode}) before it answered /healthz`);
      return (await fetch(`${url}/healthz`).catch(() => null))?.status === 200;
    }, 120_000, 'the middleware to answer /healthz');
    step('the middleware answers /healthz');
    if (process.env.IMAGE_CHECK_NON_ROOT === '1') {
      const uid = uidOf(child.pid!);
      if (uid === 0) throw new Error('the image\'s process runs as root');
      step(`the process runs as uid ${uid}, not root`);
    }
    const unhealthy = await healthcheck(port);
    if (unhealthy !== undefined) {
      if (unhealthy === 0) throw new Error('the HEALTHCHECK passed before a QuickBooks company was connected (/readyz should answer 503)');
      step(`HEALTHCHECK fails (exit ${unhealthy}) while no QuickBooks company is connected`);
    }
    const callback = await connectThroughOAuth({ url, adminKey, entity: 'Default', realmId: DEFAULT_REALM });
    if (callback.status !== 200) throw new Error(`the QuickBooks connect callback answered ${callback.status}`);
    const ready = await fetch(`${url}/readyz`);
    if (ready.status !== 200) throw new Error(`/readyz answered ${ready.status} after QuickBooks was connected`);
    step(`QuickBooks company ${DEFAULT_REALM} connected; /readyz answers 200`);
    const healthy = await healthcheck(port);
    if (healthy !== undefined) {
      if (healthy !== 0) throw new Error(`the HEALTHCHECK failed (exit ${healthy}) with QuickBooks connected`);
      step('HEALTHCHECK passes');
    }

    sf.control.configureCallout({ url, apiKey, enabled: true });
    const catalog = seedCatalog(sf);
    const accountId = seedAccount(sf, { Name: 'Image Check Ltd' });
    const id = seedOpportunity(sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 4 }]);
    closeWon(sf, id);
    const result = await billingSettled(sf, id, 120_000);
    if (result.Billing_Sync_Status__c !== 'Synced') throw new Error(`the deal ended ${result.Billing_Sync_Status__c}: ${result.Billing_Sync_Error__c}`);
    const invoices = invoicesOf(qbo, DEFAULT_REALM, id);
    if (invoices.length !== 1) throw new Error(`expected one invoice for ${id}, found ${invoices.length}`);
    step(`deal ${id} closed: invoice ${invoices[0]!.DocNumber} for ${invoices[0]!.TotalAmt} in QuickBooks, Opportunity shows ${result.Invoice_Number__c}`);

    const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${adminKey}` } });
    const text = await metrics.text();
    if (metrics.status !== 200 || !text.includes(`ledgerline_qbo_requests_total{realm_id="${DEFAULT_REALM}"}`)) throw new Error(`/metrics answered ${metrics.status} without the QuickBooks request counter`);
    step('/metrics answers with the QuickBooks request counter');

    const stopAsked = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);
    if (code !== 0) throw new Error(`after SIGTERM the middleware ended with ${code}`);
    step(`SIGTERM: the middleware drained and exited 0 in ${Date.now() - stopAsked} ms`);
    ok = true;
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    await sf.close();
    await qbo.close();
    await db.drop();
  }
  step(ok ? 'passed' : 'failed');
  return ok;
}

// Exit explicitly: a keep-alive socket or timer left by the emulators must not keep the check (and CI) waiting.
main().then((ok) => process.exit(ok ? 0 : 1)).catch((error: unknown) => {
  console.error(`image-check: failed: ${(error as Error).message}`);
  process.exit(1);
});
