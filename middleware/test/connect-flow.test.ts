/**
 * The QuickBooks connect flow against cross-site starts and silent renames (issue #23, finding 2). A page
 * on another origin navigates the admin's browser (Basic credentials cached) to the connect URL with an
 * entity name of its choosing, as the security review did in Chromium.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { connectThroughOAuth, startStack, type Stack } from './support/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('QuickBooks connect flow', () => {
  let stack: Stack;
  const entityOf = async (realmId: string) => (await stack.ledgerline.store.connections.list()).find((c) => c.realmId === realmId)?.billingEntity;

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false });
    await stack.connectQbo('Default');
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('does not rename the entity of a connected company unless the admin asks for it', async () => {
    const silent = await connectThroughOAuth({ url: stack.url, adminKey: stack.adminKey, entity: 'Renamed Co', realmId: stack.realmId });
    expect(silent.status).toBe(409);
    const text = await silent.text();
    expect(text).toContain(`already connected as billing entity \\"Default\\"`);
    expect(text).toMatch(/tick the rename box/);
    expect(await entityOf(stack.realmId)).toBe('Default');

    const again = await connectThroughOAuth({ url: stack.url, adminKey: stack.adminKey, entity: 'Default', realmId: stack.realmId });
    expect(again.status).toBe(200);
    const asked = await connectThroughOAuth({ url: stack.url, adminKey: stack.adminKey, entity: 'Renamed Co', realmId: stack.realmId, rename: true });
    expect(asked.status).toBe(200);
    expect(await entityOf(stack.realmId)).toBe('Renamed Co');
    expect((await connectThroughOAuth({ url: stack.url, adminKey: stack.adminKey, entity: 'Default', realmId: stack.realmId, rename: true })).status).toBe(200);
  });

  it('finishes a consent only in the browser that started it (issue #23, finding 6)', async () => {
    // Someone holding a leaked consent URL finishes it from their own browser: no state cookie there.
    const elsewhere = await connectThroughOAuth({ url: stack.url, adminKey: stack.adminKey, entity: 'Leaked Co', realmId: stack.realmId, rename: true, withoutCookie: true });
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toMatch(/started in another browser.*Fix|same browser/);
    expect(await entityOf(stack.realmId)).toBe('Default');
    const cookie = (await fetch(`${stack.url}/oauth/quickbooks/connect`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' }, body: '{}' })).headers.get('set-cookie')!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Path=\/oauth\/quickbooks/);
  });

  it('stores nothing when the callback names another company than the one consented (issue #23, finding 5)', async () => {
    const tampered = await connectThroughOAuth({ url: stack.url, adminKey: stack.adminKey, entity: 'Other Co', realmId: stack.realmId, callbackRealmId: '555' });
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toMatch(/did not let the new connection read company 555; nothing was stored/);
    expect(await stack.ledgerline.store.connections.get('555')).toBeUndefined();
    expect(await entityOf(stack.realmId)).toBe('Default');
    const companyName = (await stack.ledgerline.store.connections.list()).find((c) => c.realmId === stack.realmId)?.companyName;
    expect(companyName).toBeTruthy();
  });

  it('clears expired connect requests when a new one starts', async () => {
    const settings = stack.ledgerline.store.settings;
    await settings.set('oauth-state:abandoned-long-ago', { billingEntity: 'Default', expiresAt: 0 });
    await stack.ledgerline.store.db.query("update settings set updated_at = '2020-01-01T00:00:00.000Z' where key = 'oauth-state:abandoned-long-ago'");
    await settings.set('oauth-state:someone-else-now', { billingEntity: 'Default', expiresAt: Date.now() + 600_000 });
    const start = await fetch(`${stack.url}/oauth/quickbooks/connect`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ entity: 'Default' }),
    });
    expect(start.status).toBe(200);
    expect(await settings.get('oauth-state:abandoned-long-ago')).toBeUndefined();
    expect(await settings.get('oauth-state:someone-else-now')).toBeDefined();
  });

  describe('in Chromium, with the admin signed in and an attacker page on another origin', () => {
    let context: BrowserContext;
    let profile: string;
    let attacker: Server;
    let attackerUrl: string;

    beforeAll(async () => {
      const target = `${stack.url}/oauth/quickbooks/connect?entity=Attacker%20Ltd`;
      attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<!doctype html><body><script>window.location.href = ${JSON.stringify(target)};</script></body>`);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
      profile = mkdtempSync(path.join(tmpdir(), 'ledgerline-connect-'));
      context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, httpCredentials: { username: 'admin', password: stack.adminKey } });
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      await new Promise((r) => attacker?.close(r));
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    it('a cross-site navigation to the connect URL only shows the confirmation page', async () => {
      expect(await entityOf(stack.realmId)).toBe('Default');
      const page = await context.newPage();
      await page.goto(attackerUrl);
      await page.waitForURL((url) => url.toString().startsWith(stack.url), { timeout: 30_000 });
      const heading = page.locator('h1');
      await heading.waitFor({ timeout: 30_000 });
      expect(await heading.innerText()).toBe('Connect a QuickBooks company');
      expect(await page.locator('#entity').innerText()).toBe('Attacker Ltd');
      expect(await entityOf(stack.realmId)).toBe('Default');
      await page.close();
    }, 60_000);

    it('the admin connects from the confirmation page with its button', async () => {
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${stack.url}/oauth/quickbooks/connect?entity=Default`);
      await page.getByRole('button', { name: 'Connect QuickBooks' }).click();
      await page.locator('h1', { hasText: 'QuickBooks connected' }).waitFor({ timeout: 30_000 });
      expect(await page.locator('p').innerText()).toContain('is connected as billing entity “Default”');
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  });
});
