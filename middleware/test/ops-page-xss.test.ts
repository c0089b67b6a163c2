/**
 * The operations page renders names that come from QuickBooks and Salesforce (items, deals, Accounts) in its
 * catalogue and reconciliation tables. Anyone who can name a customer or an item could otherwise run script in
 * an admin's browser, with the admin's cached credentials: in headless Chromium the names must show as text.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startStack, type Stack } from './support/stack';
import { seedAccount, seedCatalog, seedOpportunity } from './support/deals';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const ITEM = `<img src=x onerror="window.__xss='item'">Widget`;
const ACCOUNT = `<img src=x onerror="window.__xss='account'">Evil Co`;
const DEAL = `<script>window.__xss='deal'</script><b>Won deal</b>`;

describe('operations page with hostile names (headless Chromium)', () => {
  let stack: Stack;
  let context: BrowserContext;
  let profile: string;

  beforeAll(async () => {
    // No workers: the won deal stays without an invoice, so the reconciliation lists it.
    stack = await startStack({ startWorkers: false });
    await stack.connectQbo();
    profile = mkdtempSync(path.join(tmpdir(), 'ledgerline-ops-xss-'));
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, httpCredentials: { username: 'admin', password: stack.adminKey } });
  }, 60_000);
  afterAll(async () => {
    await context?.close();
    await stack?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('shows item, deal and Account names as text in the catalogue and reconciliation tables, and runs none of them', async () => {
    const catalog = seedCatalog(stack.sf);
    seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: ACCOUNT }), [{ code: 'IMPL-PKG', quantity: 1 }], { Name: DEAL, StageName: 'Closed Won', CloseDate: '2026-11-20' });
    stack.qbo.control.seed(stack.realmId, { items: [{ Name: ITEM, Type: 'Service', Active: true, UnitPrice: 10, IncomeAccountRef: { value: '1' } }] });
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${stack.url}/ops`);
    await page.locator('#catalog td', { hasText: ITEM }).waitFor({ timeout: 20_000 });
    await page.locator('#reconciliation td', { hasText: DEAL }).waitFor({ timeout: 20_000 });
    expect(await page.locator('#reconciliation').innerText()).toContain(ACCOUNT);
    expect(await page.locator('#catalog img, #reconciliation img, #reconciliation script, #reconciliation b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { __xss?: string }).__xss ?? null)).toBeNull();
    expect(dialogs).toEqual([]);
    await page.close();
  }, 60_000);
});
