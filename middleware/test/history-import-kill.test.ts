import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asPlain, expectedFigures, FULL_SIZE, mirroredFigures, seedHistoryScenario, type HistoryScenario, type HistorySize } from '../src/demo/history-scenario';
import { startQboEmulator, DEFAULT_REALM, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import type { ImportProgress } from '../src/services/history/history-import';
import { openStore } from '../src/store';
import { connectThroughOAuth, emulatorSettings, waitFor } from './support/stack';

type Rec = Record<string, any>;

const ADMIN_KEY = `history-kill-admin-${'a'.repeat(32)}`;
const MAIN = path.join(__dirname, '..', 'src', 'main.ts');
/** Only a limit for a process that never starts: the test goes on as soon as the process says it listens. */
const START_DEADLINE_MS = 120_000;
const SF_APP = { clientId: 'history-kill-app', clientSecret: 'history-kill-app-secret' };
/** Two or more pages of invoices (1,000 each), so the kill falls between two committed pages; full size with LEDGERLINE_HISTORY_FULL=1. */
const SIZE: HistorySize = process.env.LEDGERLINE_HISTORY_FULL === '1' ? FULL_SIZE : { customers: 150, documents: 3000, linked: 100 };

/**
 * A middleware process killed with SIGKILL in the middle of a history import (after its first page of
 * invoices is in Salesforce): a second process on the same database takes the job over when its lease runs
 * out, goes on from the cursors, and the mirror ends exactly as QuickBooks is, with no page read twice.
 */
describe(`history import killed mid-run (${SIZE.documents} documents)`, () => {
  let qbo: QboEmulator;
  let sf: SalesforceEmulator;
  let dir: string;
  let scenario: HistoryScenario;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    qbo = await startQboEmulator({ port: 0 });
    sf = await startSalesforceEmulator({ port: 0, auth: SF_APP });
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-history-kill-'));
    scenario = seedHistoryScenario(qbo, sf, DEFAULT_REALM, SIZE);
    const store = await openStore(`sqlite:${path.join(dir, 'ledgerline.db')}`);
    for (const [customerId, accountId] of scenario.linked) await store.links.put({ kind: 'customer', realmId: DEFAULT_REALM, salesforceId: accountId, qboId: customerId });
    await store.close();
  }, START_DEADLINE_MS);
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
        LEDGERLINE_API_KEYS: `history-kill-key-${'k'.repeat(32)}`,
        LEDGERLINE_ADMIN_KEYS: ADMIN_KEY,
        LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
        ...emulatorSettings({ qbo, publicUrl: url, sf: { emulator: sf, ...SF_APP } }),
        JOB_LEASE_MS: '1500',
        WORKER_POLL_MS: '100',
        JOB_BACKOFF_BASE_MS: '50',
        SWEEP_INTERVAL_SECONDS: '0',
        CDC_INTERVAL_SECONDS: '0',
        RECONCILE_INTERVAL_HOURS: '0',
        QBO_TIMEOUT_MS: '60000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      let buffered = '';
      const deadline = setTimeout(() => reject(new Error(`the middleware at ${url} did not log "listening" within ${START_DEADLINE_MS} ms`)), START_DEADLINE_MS);
      const onExit = (code: number | null, signal: string | null) => {
        clearTimeout(deadline);
        reject(new Error(`the middleware exited before listening (code ${code}, signal ${signal})`));
      };
      child.once('exit', onExit);
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          if (!line.includes('"ledgerline middleware listening"')) continue;
          clearTimeout(deadline);
          child.off('exit', onExit);
          resolve(child);
        }
      });
    });
  }

  async function progress(url: string): Promise<ImportProgress | null> {
    const answer = await fetch(`${url}/api/v1/history-import`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).catch(() => null);
    if (!answer?.ok) return null;
    const body = (await answer.json()) as { companies: Array<{ historyImport: ImportProgress | null }> };
    return body.companies[0]?.historyImport ?? null;
  }

  it('finishes after a restart with the same mirror as an uninterrupted import, reading no committed page twice', async () => {
    const port = 42000 + Math.floor(Math.random() * 2000);
    const url = `http://127.0.0.1:${port}`;
    const first = await startMiddleware(port);
    // Connecting the company queues its import (a durable job).
    expect((await connectThroughOAuth({ url, adminKey: ADMIN_KEY, realmId: DEFAULT_REALM })).status).toBe(200);
    const during = await waitFor(async () => {
      const p = await progress(url);
      return p && p.entities.Invoice.read >= 1000 ? p : undefined;
    }, 120_000, 'the first page of invoices to be committed');
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    expect(during.state).toBe('running');
    expect(during.entities.Payment.done).toBe(false);

    await startMiddleware(port);
    const done = await waitFor(async () => {
      const p = await progress(url);
      return p && p.state !== 'running' ? p : undefined;
    }, 180_000, 'the second process to finish the import');
    expect(done).toMatchObject({ state: 'completed', runId: during.runId, refusals: [] });
    const since = done.since;
    expect(asPlain(mirroredFigures(sf, DEFAULT_REALM))).toEqual(asPlain(expectedFigures(qbo, DEFAULT_REALM, scenario.linked, since)));
    // Each entity's committed pages add up to exactly what QBO has: the second process went on from the cursor.
    for (const [entity, figures] of Object.entries(done.entities)) {
      const inPeriod = (qbo.control.list(DEFAULT_REALM, entity) as Rec[]).filter((d) => d.TxnDate >= since).length;
      expect({ entity, read: figures.read }).toEqual({ entity, read: inPeriod });
    }
    // No row was written twice: one mirror row per key.
    const keys = (sf.control.query(`SELECT QuickBooks_Key__c FROM QuickBooks_Invoice__c`) as Rec[]).map((r) => r.QuickBooks_Key__c);
    expect(new Set(keys).size).toBe(keys.length);
    expect(qbo.control.counters().throttled).toBe(0);
  }, 2 * START_DEADLINE_MS + 400_000);
});
