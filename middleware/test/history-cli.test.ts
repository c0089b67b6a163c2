import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { seedHistoryScenario } from '../src/demo/history-scenario';
import { startStack, waitFor, type Stack } from './support/stack';

/**
 * `npm run cli -- import` in this process, on the running stack's SQLite file: the command queues the durable
 * job, the middleware's workers run it (within the company's limiter), and the command follows it to the end
 * with a progress bar.
 */
describe('npm run cli -- import', () => {
  let stack: Stack;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-history-cli-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}`, RECONCILE_INTERVAL_HOURS: '0' } });
    await stack.connectQbo();
    // The import queued by the connection (nothing linked yet) ends first.
    await waitFor(async () => (await stack.ledgerline.history.status(stack.realmId)).historyImport?.state === 'completed' || undefined, 30_000, 'the import of the connection');
    const scenario = seedHistoryScenario(stack.qbo, stack.sf, stack.realmId, { customers: 20, documents: 300, linked: 12 }, 11);
    for (const [customerId, accountId] of scenario.linked) await stack.ledgerline.store.links.put({ kind: 'customer', realmId: stack.realmId, salesforceId: accountId, qboId: customerId });
    env = Object.fromEntries(Object.entries(stack.ledgerline.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    env.LOG_LEVEL = 'silent';
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: dir });
    return { code, stdout, stderr };
  };

  it('queues the import, follows it with a progress bar and prints what it did', async () => {
    const result = await cli('import', '--since', '2020-01-01');
    expect(result.stderr).toMatch(/^Queued import job \S+ of company \d+ since 2020-01-01\./);
    // Not a terminal: one bar line per entity finished.
    for (const entity of ['Invoice', 'CreditMemo', 'SalesReceipt', 'RefundReceipt', 'Payment']) expect(result.stderr).toMatch(new RegExp(`\\[[#-]{24}\\]\\s+\\d+%\\s+${entity} · read \\d+, written \\d+\\n`));
    expect(result.stdout).toMatch(/^Import of company \d+ since 2020-01-01: completed; 3\d\d documents read, [1-9]\d* records written\./);
    expect(result.stdout).toMatch(/ {2}RefundReceipt +read \d+, written \d+/);
    expect(result.code).toBe(0);
    const health = await cli('health');
    expect(health.stdout).toMatch(/\n {2}history import: completed \S+: 3\d\d\/3\d\d documents, [1-9]\d* written \(since 2020-01-01\)\n {2}reconciliation: not run yet\n/);
    const rows = stack.sf.control.query(`SELECT Type__c FROM QuickBooks_Invoice__c`) as Array<{ Type__c: string }>;
    expect(new Set(rows.map((r) => r.Type__c))).toEqual(new Set(['Invoice', 'Credit Memo', 'Sales Receipt', 'Refund Receipt']));
  }, 120_000);

  it('--no-wait only queues; a date that is not one is refused with the fix', async () => {
    const queued = await cli('import', '--no-wait', '--json');
    expect(queued.code).toBe(0);
    const job = JSON.parse(queued.stdout) as { jobId: string; since: string };
    expect(job.since).toBe(stack.ledgerline.history.defaultSince());
    expect((await stack.ledgerline.queue.get(job.jobId))?.type).toBe('qbo.import');
    const bad = await cli('import', '--since', '2024-13-45');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/"2024-13-45" is not a date\.\nFix: Give the first day to import as YYYY-MM-DD/);
  }, 60_000);
});
