/**
 * Cross-site request forgery against the admin API (issue #23, finding 1). An admin's browser holds Basic
 * credentials for the service; a page on another origin (another loopback port) tries to make admin changes
 * with forms that auto-submit, as the security review did in Chromium. Also the same requests with curl's
 * shapes: non-JSON and body-less POSTs, a foreign Origin, a cross-site Sec-Fetch-Site.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { startStack, type Stack } from './support/stack';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

describe('admin API against cross-site requests', () => {
  let stack: Stack;
  let admin: string;
  let probes = 0;

  /** A dead job, made through the queue itself (no worker runs in this stack). */
  async function deadJob(): Promise<string> {
    const queue = stack.ledgerline.queue;
    const type = `csrf.probe.${(probes += 1)}`;
    const { job } = await queue.enqueue({ type, payload: {}, maxAttempts: 1 });
    await queue.claim('csrf-test', [type], 60_000);
    await queue.fail(job.id, new Error('probe failed'), { retryable: true });
    expect((await queue.get(job.id))!.state).toBe('dead');
    return job.id;
  }
  const state = async (id: string) => (await stack.ledgerline.queue.get(id))!.state;

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false });
    admin = `Basic ${Buffer.from(`admin:${stack.adminKey}`).toString('base64')}`;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses non-JSON and body-less admin POSTs with 415 and changes nothing', async () => {
    const id = await deadJob();
    const retryAll = await fetch(`${stack.url}/api/v1/jobs/retry-all`, { method: 'POST', headers: { authorization: admin, 'content-type': 'text/plain' }, body: '{"state":"dead"}' });
    expect(retryAll.status).toBe(415);
    expect(((await retryAll.json()) as { error: { fix: string } }).error.fix).toMatch(/application\/json/);
    const match = await fetch(`${stack.url}/api/v1/onboarding/match`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'limit=1' });
    expect(match.status).toBe(415);
    const bare = await fetch(`${stack.url}/api/v1/jobs/${id}/retry`, { method: 'POST', headers: { authorization: admin } });
    expect(bare.status).toBe(415);
    expect(await state(id)).toBe('dead');
  });

  it('refuses admin POSTs whose Origin or Sec-Fetch-Site names another site, and takes same-origin ones', async () => {
    const id = await deadJob();
    const json = { authorization: admin, 'content-type': 'application/json' };
    const foreign = await fetch(`${stack.url}/api/v1/jobs/${id}/retry`, { method: 'POST', headers: { ...json, origin: 'http://127.0.0.1:1' }, body: '{}' });
    expect(foreign.status).toBe(403);
    const crossSite = await fetch(`${stack.url}/api/v1/jobs/${id}/retry`, { method: 'POST', headers: { ...json, 'sec-fetch-site': 'same-site' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    expect(await state(id)).toBe('dead');
    const own = await fetch(`${stack.url}/api/v1/jobs/${id}/retry`, { method: 'POST', headers: { ...json, origin: stack.url, 'sec-fetch-site': 'same-origin' }, body: '{}' });
    expect(own.status).toBe(202);
    expect(await state(id)).toBe('queued');
  });

  describe('in Chromium, with the admin signed in and an attacker page on another origin', () => {
    let context: BrowserContext;
    let profile: string;
    let attacker: Server;
    let attackerUrl: string;
    let pageHtml = '';

    beforeAll(async () => {
      attacker = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(pageHtml);
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
      profile = mkdtempSync(path.join(tmpdir(), 'ledgerline-csrf-'));
      context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: ARGS, httpCredentials: { username: 'admin', password: stack.adminKey } });
      // The admin has the operations page open: the browser holds the Basic credentials for the service.
      const ops = await context.newPage();
      expect((await ops.goto(`${stack.url}/ops`))!.status()).toBe(200);
      await ops.close();
    }, 60_000);
    afterAll(async () => {
      await context?.close();
      await new Promise((r) => attacker?.close(r));
      if (profile) rmSync(profile, { recursive: true, force: true });
    });

    /** Opens the attacker's page, whose form submits itself; returns the status the service answered. */
    async function submit(form: string, target: string): Promise<number> {
      pageHtml = `<!doctype html><body>${form}<script>document.forms[0].submit()</script></body>`;
      const page = await context.newPage();
      const answer = page.waitForResponse((r) => r.url() === target && r.status() !== 401, { timeout: 30_000 });
      await page.goto(attackerUrl);
      const status = (await answer).status();
      await page.close();
      return status;
    }

    it('an enctype=text/plain form cannot re-queue the dead jobs', async () => {
      const id = await deadJob();
      const target = `${stack.url}/api/v1/jobs/retry-all`;
      const status = await submit(`<form method="post" enctype="text/plain" action="${target}"><input name='{"state":"dead","x":"' value='"}'></form>`, target);
      expect(status).toBe(403);
      expect(await state(id)).toBe('dead');
    }, 60_000);

    it('a body-less form cannot retry one job', async () => {
      const id = await deadJob();
      const target = `${stack.url}/api/v1/jobs/${id}/retry`;
      const status = await submit(`<form method="post" action="${target}"></form>`, target);
      expect(status).toBe(403);
      expect(await state(id)).toBe('dead');
    }, 60_000);
  });
});
