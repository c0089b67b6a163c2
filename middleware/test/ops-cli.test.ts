import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

// JSON answers and emulator records are read field by field.
 
type Rec = Record<string, any>;

/** `npm run cli -- backfill|jobs|retry|audit|health` in this process, on the running stack's SQLite file. */
describe('operations CLI (real clients, emulators, shared SQLite store)', () => {
  let stack: Stack;
  let catalog: Catalog;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-ops-cli-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}` } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    // The CLI reads the same settings as the running middleware.
    env = Object.fromEntries(Object.entries(stack.ledgerline.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    env.LOG_LEVEL = 'silent';
  });
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
  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as Rec;
  const won = (closeDate: string, name: string, overrides: Rec = {}) => {
    const accountId = seedAccount(stack.sf, { Name: `${name} Account` });
    return seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }], { Name: name, StageName: 'Closed Won', CloseDate: closeDate, ...overrides });
  };

  it('backfill dry-run lists exactly the won Opportunities closed since the date that lack invoices, and queues nothing', async () => {
    const invoiced = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Invoiced Account' }), [{ code: 'CONS-HR', quantity: 1 }], { Name: 'Invoiced', CloseDate: '2026-03-02' });
    closeWon(stack.sf, invoiced);
    await waitFor(() => opp(invoiced).Billing_Sync_Status__c === 'Synced' || undefined, 20_000, 'invoice');
    // The write-back lands before the job is marked completed: wait for the queue to settle too.
    await waitFor(async () => {
      const counts = await stack.ledgerline.queue.counts();
      return (counts.running === 0 && counts.queued === 0) || undefined;
    }, 10_000, 'the queue to settle');
    // Seeded records raise no callout: these are won deals whose notification never reached the middleware.
    const missingA = won('2026-03-05', 'Missing A');
    const missingB = won('2026-04-10', 'Missing B', { Billing_Sync_Status__c: 'Error' });
    won('2026-02-27', 'Too old');
    won('2026-03-20', 'Excluded deal', { Billing_Sync_Status__c: 'Excluded' });
    won('2026-03-21', 'Still open', { StageName: 'Negotiation/Review' });
    const before = await stack.ledgerline.queue.counts();

    const dry = await cli('backfill', '--since', '2026-03-01', '--json');
    expect(dry.code).toBe(0);
    const result = JSON.parse(dry.stdout) as Rec;
    expect(result.dryRun).toBe(true);
    expect(result.candidates.map((c: Rec) => c.id)).toEqual([missingA, missingB]);
    expect(result.queued).toEqual([]);
    expect(await stack.ledgerline.queue.counts()).toEqual(before);

    const text = await cli('backfill', '--since', '2026-03-01');
    expect(text.stdout).toMatch(/^Dry run: 2 won Opportunities closed since 2026-03-01 have no invoice\. Add --apply to invoice them\./);
    expect(text.stdout).toContain(`${missingA}  2026-03-05  Missing A`);

    const applied = await cli('backfill', '--since', '2026-03-01', '--apply');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toMatch(/Queued 2 invoice jobs/);
    expect(applied.stderr).toMatch(/\[#{30}\] 2\/2 queued/);
    await waitFor(() => (opp(missingA).Billing_Sync_Status__c === 'Synced' && opp(missingB).Billing_Sync_Status__c === 'Synced') || undefined, 20_000, 'backfilled invoices');
    expect(JSON.parse((await cli('backfill', '--since', '2026-03-01', '--json')).stdout).candidates).toEqual([]);
  });

  it('lists, retries and audits from the command line, and reports health', async () => {
    const id = won('2026-05-01', 'Retry Me');
    const { job } = await stack.ledgerline.queue.enqueue({ type: 'invoice.sync', payload: { opportunityId: id, reason: 'retry' }, idempotencyKey: `opportunity:${id}` });
    await stack.ledgerline.queue.cancel(job.id);
    const listed = await cli('jobs', '--state', 'cancelled', '--opportunity', id);
    expect(listed.stdout).toContain(`${job.id}  cancelled invoice.sync`);
    expect((await cli('retry', job.id)).stdout).toBe(`Job ${job.id} is queued again.\n`);
    await waitFor(() => opp(id).Billing_Sync_Status__c === 'Synced' || undefined, 20_000, 'retried invoice');
    const trail = await cli('audit', id);
    expect(trail.stdout).toMatch(/invoice\.created\s+quickbooks\s+sf \w{18}\s+qbo \d+/);
    expect(trail.stdout).toMatch(/job\.retried/);
    const health = await cli('health');
    expect(health.stdout).toMatch(/QuickBooks Default \(\d+\): connected/);
    expect((await cli('retry')).code).toBe(2);
    expect((await cli('help')).stdout).toContain('backfill --since YYYY-MM-DD');
  });

  it('health names retry commands that work: each one it quotes retries the failed jobs', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'No Billing Email Account', Billing_Email__c: null });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }], { Name: 'Cannot Invoice', StageName: 'Closed Won', CloseDate: '2026-05-02' });
    const { job } = await stack.ledgerline.queue.enqueue({ type: 'invoice.sync', payload: { opportunityId: id, reason: 'retry' }, idempotencyKey: `opportunity:${id}` });
    await waitFor(async () => (await stack.ledgerline.queue.get(job.id))?.state === 'failed' || undefined, 30_000, 'the job to fail');
    const health = await cli('health');
    const quoted = [...health.stdout.matchAll(/npm run cli -- ([^;[\]()]+?) *[;[)]/g)].map((m) => m[1]!.split(' '));
    expect(quoted.length).toBeGreaterThan(0);
    const answers = [];
    for (const argv of quoted) answers.push(await cli(...argv));
    for (const answer of answers) expect(answer).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Retried \d+ (dead|failed) jobs/) });
    expect(answers.map((a) => a.stdout).join('')).toMatch(/Retried 1 failed jobs/);
  });
});
