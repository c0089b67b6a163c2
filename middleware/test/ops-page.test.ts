/**
 * The operations page in headless Chromium (Debian's /usr/bin/chromium through playwright-core, as the
 * LWC preview test): an admin sees the health of the integration and a dead job, fixes the cause, clicks
 * Retry, and sees the job succeed; the invoice then exists. Screenshots go to artifacts/ops/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';
import { seedHistoryScenario } from '../src/demo/history-scenario';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SHOTS = path.resolve(__dirname, '../../artifacts/ops');

describe('operations page (headless Chromium)', () => {
  let stack: Stack;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    stack = await startStack({ env: { JOB_MAX_ATTEMPTS: '1' } });
    await stack.connectQbo();
    profile = mkdtempSync(path.join(tmpdir(), 'ledgerline-ops-page-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, viewport: { width: 1200, height: 900 }, httpCredentials: { username: 'admin', password: stack.adminKey } });
    mkdirSync(SHOTS, { recursive: true });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('refuses the page without admin credentials', async () => {
    const res = await fetch(`${stack.url}/ops`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('shows the health and a dead job; Retry after the fix makes it succeed', async () => {
    const catalog = seedCatalog(stack.sf);
    const id = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Page Retry Inc' }), [{ code: 'IMPL-PKG', quantity: 1 }]);
    stack.qbo.control.injectFault({ kind: 'server-error', times: 20, entity: 'Invoice', operation: 'create' });
    closeWon(stack.sf, id);
    const [dead] = await waitFor(async () => {
      const jobs = await stack.ledgerline.queue.list({ state: 'dead', key: `opportunity:${id}` });
      return jobs.length > 0 ? jobs : undefined;
    }, 20_000, 'dead job');

    const errors: string[] = [];
    const page = await context.newPage();
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    await page.goto(`${stack.url}/ops`);
    const row = page.locator(`tr[data-job-row="${dead!.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await row.innerText()).toContain('dead');
    expect(await row.innerText()).toContain(id);
    expect(await page.locator('#companies').innerText()).toMatch(/Default \(\d+\)\s+OK\s+connected/);
    expect(await page.locator('#salesforce').innerText()).toMatch(/^authenticated; API \d+ \/ \d+ today$/);
    expect(await page.locator('#queue').innerText()).toMatch(/1 dead/);
    expect(await page.locator('#problems').innerText()).toMatch(/1 dead and 0 failed jobs need a person/);
    await page.screenshot({ path: path.join(SHOTS, 'dead-job.png'), fullPage: true });

    stack.qbo.control.clearFaults();
    await row.getByRole('button', { name: `Retry job ${dead!.id}` }).click();
    await page.locator('#message', { hasText: `Job ${dead!.id} succeeded.` }).waitFor({ timeout: 20_000 });
    await page.screenshot({ path: path.join(SHOTS, 'retried.png'), fullPage: true });

    expect((await stack.ledgerline.queue.get(dead!.id))!.state).toBe('completed');
    expect((stack.sf.control.record('Opportunity', id) as Record<string, unknown>).Billing_Sync_Status__c).toBe('Synced');
    await waitFor(async () => !(await page.locator('#queue').innerText()).includes('1 dead') || undefined, 5000, 'dead count to clear');
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it("shows times in the viewer's time zone and says so when nothing needs a person", async () => {
    const tokyo = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const viewer = await tokyo.newContext({ timezoneId: 'Asia/Tokyo', locale: 'en-US', httpCredentials: { username: 'admin', password: stack.adminKey } });
      const page = await viewer.newPage();
      await page.goto(`${stack.url}/ops`);
      await page.locator('#overall', { hasText: 'checked' }).waitFor({ timeout: 10_000 });
      const overall = await page.locator('#overall').innerText();
      expect(overall).toMatch(/GMT\+9/);
      expect(overall).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
      expect(await page.locator('#companies').innerText()).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:/);
      expect(await page.locator('#timezone').innerText()).toBe('Times are shown in your time zone (Asia/Tokyo).');
      // The earlier test's job succeeded: the list says that nothing is wrong instead of staying empty.
      await page.locator('#problems', { hasText: 'No problems' }).waitFor({ timeout: 10_000 });
      // The retried deal has its invoice: the reconciliation table says there is nothing to reconcile.
      await page.locator('#reconciliation', { hasText: 'Nothing to reconcile' }).waitFor({ timeout: 10_000 });
      await page.screenshot({ path: path.join(SHOTS, 'healthy.png'), fullPage: true });
      await viewer.close();
    } finally {
      await tokyo.close();
    }
  }, 60_000);
  it('imports history from the button and shows its progress, and refuses the same POST from another site', async () => {
    const scenario = seedHistoryScenario(stack.qbo, stack.sf, stack.realmId, { customers: 12, documents: 150, linked: 8 }, 3);
    for (const [customerId, accountId] of scenario.linked) await stack.ledgerline.store.links.put({ kind: 'customer', realmId: stack.realmId, salesforceId: accountId, qboId: customerId });
    const foreign = await fetch(`${stack.url}/api/v1/history-import`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json', origin: 'http://127.0.0.1:1' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const page = await context.newPage();
    await page.goto(`${stack.url}/ops`);
    const row = page.locator(`tr[data-history-row="${stack.realmId}"]`);
    await row.waitFor({ timeout: 10_000 });
    await row.getByRole('button', { name: 'Import history of Default' }).click();
    await page.locator('#message', { hasText: /Import history: job \S+ is queued/ }).waitFor({ timeout: 10_000 });
    // Every document the company has in the period is read (the earlier test's invoice too); the linked ones are written.
    await row.locator('td', { hasText: /^completed .*: (\d+)\/\1 documents, [1-9]\d* written/ }).waitFor({ timeout: 60_000 });
    const shown = Number(/: (\d+)\//.exec(await row.locator('td').nth(1).innerText())![1]);
    expect(shown).toBeGreaterThanOrEqual(Object.values(scenario.counts).reduce((n, c) => n + c, 0) - 5);
    await page.screenshot({ path: path.join(SHOTS, 'history-import.png'), fullPage: true });
    expect((stack.sf.control.query(`SELECT Id FROM QuickBooks_Invoice__c WHERE Type__c = 'Sales Receipt'`) as unknown[]).length).toBeGreaterThan(0);
    await page.close();
  }, 90_000);

});
