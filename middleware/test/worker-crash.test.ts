import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startQboEmulator, DEFAULT_REALM, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { connectThroughOAuth, emulatorSettings, waitFor } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';

type Rec = Record<string, any>;

const API_KEY = `crash-test-key-${'k'.repeat(32)}`;
const ADMIN_KEY = `crash-test-admin-${'a'.repeat(32)}`;
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');
/** Only a limit for a process that never starts: the test goes on as soon as the process says it listens. */
const START_DEADLINE_MS = 120_000;

function parseLine(line: string): { level: number; msg?: string } | null {
  try {
    return JSON.parse(line) as { level: number; msg?: string };
  } catch {
    return null;
  }
}

/**
 * A middleware process killed with SIGKILL while QuickBooks is creating its invoice: a second process on
 * the same database takes the job over when the lease runs out, and the deal ends with exactly one invoice.
 */
describe('a worker killed mid-job', () => {
  let qbo: QboEmulator;
  let sf: SalesforceEmulator;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    qbo = await startQboEmulator({ port: 0 });
    sf = await startSalesforceEmulator({ port: 0, auth: { clientId: 'crash-app', clientSecret: 'crash-app-secret' } });
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-crash-'));
  });
  afterAll(async () => {
    await Promise.all(
      children.filter((c) => c.exitCode === null && c.signalCode === null).map((c) => new Promise((resolve) => {
        c.once('exit', resolve);
        c.kill('SIGKILL');
      })),
    );
    await sf?.close();
    await qbo?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function startMiddleware(port: number): Promise<ChildProcess> {
    const url = `http://127.0.0.1:${port}`;
    // node itself runs main.ts (tsx as a loader), so SIGKILL hits the real process, not a wrapper.
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      cwd: path.join(__dirname, '..'),
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}`,
        LEDGERLINE_API_KEYS: API_KEY,
        LEDGERLINE_ADMIN_KEYS: ADMIN_KEY,
        LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
        ...emulatorSettings({ qbo, publicUrl: url, sf: { emulator: sf, clientId: 'crash-app', clientSecret: 'crash-app-secret' } }),
        JOB_LEASE_MS: '1500',
        WORKER_POLL_MS: '100',
        JOB_BACKOFF_BASE_MS: '50',
        SWEEP_INTERVAL_SECONDS: '0',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return listening(child, url);
  }

  /**
   * Resolves when the process logs that it listens (an event, not a guess at how long a loaded machine needs to
   * compile and start it); fails at once if it exits first, and only after a generous deadline otherwise.
   */
  function listening(child: ChildProcess, url: string): Promise<ChildProcess> {
    return new Promise((resolve, reject) => {
      let buffered = '';
      const deadline = setTimeout(() => fail(new Error(`the middleware at ${url} did not log "listening" within ${START_DEADLINE_MS} ms`)), START_DEADLINE_MS);
      const onExit = (code: number | null, signal: string | null) => fail(new Error(`the middleware exited before listening (code ${code}, signal ${signal})`));
      function fail(error: Error) {
        clearTimeout(deadline);
        child.off('exit', onExit);
        reject(error);
      }
      child.once('exit', onExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        let newline: number;
        while ((newline = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          const entry = parseLine(line);
          if (entry && entry.level >= 40) process.stderr.write(`${line}\n`); // warnings stay visible
          if (entry?.msg === 'ledgerline middleware listening') {
            clearTimeout(deadline);
            child.off('exit', onExit);
            resolve(child);
          }
        }
      });
    });
  }

  it('resumes after SIGKILL with exactly one invoice', async () => {
    const port = 40000 + Math.floor(Math.random() * 2000);
    const first = await startMiddleware(port);
    const url = `http://127.0.0.1:${port}`;
    // Connect QuickBooks through the first process, as an admin.
    expect((await connectThroughOAuth({ url, adminKey: ADMIN_KEY, realmId: DEFAULT_REALM })).status).toBe(200);

    sf.control.configureCallout({ url, apiKey: API_KEY, enabled: true });
    const catalog = seedCatalog(sf);
    const id = seedOpportunity(sf, catalog, seedAccount(sf, { Name: 'Massive Dynamic' }), [{ code: 'CONS-HR', quantity: 3 }]);
    // QuickBooks writes the invoice, then answers only after the first process is dead.
    qbo.control.injectFault({ kind: 'slow', mode: 'after-commit', delayMs: 4000, entity: 'Invoice', operation: 'create' });
    closeWon(sf, id);
    await waitFor(() => qbo.control.list(DEFAULT_REALM, 'Invoice').length >= 1, 60_000, 'QuickBooks to write the invoice');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    await startMiddleware(port);
    const done = await waitFor(() => {
      const o = sf.control.record('Opportunity', id) as Rec;
      return o.Billing_Sync_Status__c === 'Synced' || o.Billing_Sync_Status__c === 'Error' ? o : undefined;
    }, 60_000, 'the second process to finish the job');
    expect(done.Billing_Sync_Status__c).toBe('Synced');
    const invoices = (qbo.control.list(DEFAULT_REALM, 'Invoice') as Rec[]).filter((inv) => String(inv.PrivateNote).includes(id));
    expect(invoices).toHaveLength(1);
    expect(done.QuickBooks_Invoice_Id__c).toBe(invoices[0]!.Id);
  }, 2 * START_DEADLINE_MS + 150_000);
});
