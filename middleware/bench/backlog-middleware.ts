/**
 * The middleware's side of the backlog bench (bench/backlog.ts), run as production runs it: compiled to
 * JavaScript and started with plain `node`, in a process of its own. It gets the emulators' addresses and the
 * Opportunity ids over IPC, connects QBO through the OAuth flow, queues one invoice job per id, starts the
 * workers and samples its own memory every 200 ms for `seconds`, then answers with the figures.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config';
import { createLedgerline, INVOICE_JOB } from '../src/container';
import { createLogger } from '../src/logger';

export interface BacklogMiddlewareInput {
  databaseUrl: string;
  seconds: number;
  workerConcurrency: number;
  qboUrl: string;
  qboOauthUrl: string;
  realmId: string;
  qboClient: { clientId: string; clientSecret: string };
  sfUrl: string;
  sfApp: { clientId: string; clientSecret: string };
  opportunityIds: string[];
}

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);

export async function runBacklogMiddleware(input: BacklogMiddlewareInput) {
  const rssAtStart = process.memoryUsage().rss;
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const adminKey = randomBytes(24).toString('base64url');
  const config = loadConfig({
    PORT: String(port),
    DATABASE_URL: input.databaseUrl,
    LEDGERLINE_API_KEYS: randomBytes(24).toString('base64url'),
    LEDGERLINE_ADMIN_KEYS: adminKey,
    LEDGERLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    QBO_CLIENT_ID: input.qboClient.clientId,
    QBO_CLIENT_SECRET: input.qboClient.clientSecret,
    QBO_REDIRECT_URI: `${url}/oauth/quickbooks/callback`,
    QBO_API_BASE_URL: input.qboUrl,
    QBO_OAUTH_BASE_URL: input.qboOauthUrl,
    SALESFORCE_LOGIN_URL: input.sfUrl,
    SALESFORCE_CLIENT_ID: input.sfApp.clientId,
    SALESFORCE_CLIENT_SECRET: input.sfApp.clientSecret,
    WORKER_POLL_MS: '100',
    WORKER_CONCURRENCY: String(input.workerConcurrency),
    SWEEP_INTERVAL_SECONDS: '0',
    CDC_INTERVAL_SECONDS: '0',
    RATE_LIMIT_PER_MINUTE: '0',
    QBO_TIMEOUT_MS: '5000',
  });
  const ledgerline = await createLedgerline(config, { logger: createLogger({ level: process.env.LOG_LEVEL ?? 'silent' }) });
  server.on('request', ledgerline.app);
  try {
    const callback = await connectQbo(url, adminKey, input.realmId);
    if (callback.status !== 200) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
    const beforeQueue = process.memoryUsage().rss;
    const started = Date.now();
    for (const opportunityId of input.opportunityIds) {
      await ledgerline.queue.enqueue({ type: INVOICE_JOB, payload: { opportunityId, reason: 'closed_won' }, idempotencyKey: `opportunity:${opportunityId}` });
    }
    const enqueueSeconds = (Date.now() - started) / 1000;
    let peak = process.memoryUsage();
    const sampler = setInterval(() => {
      const usage = process.memoryUsage();
      if (usage.rss > peak.rss) peak = usage;
    }, 200);
    ledgerline.start();
    await new Promise((r) => setTimeout(r, input.seconds * 1000));
    clearInterval(sampler);
    const counts = await ledgerline.queue.counts();
    return {
      jobs: input.opportunityIds.length,
      enqueueSeconds: Math.round(enqueueSeconds * 10) / 10,
      middlewareRssAtStartMb: mb(rssAtStart),
      middlewareRssBeforeBacklogMb: mb(beforeQueue),
      middlewarePeakRssMb: mb(peak.rss),
      /** The rest of memory at the RSS peak: V8's heap (used / reserved), and buffers outside it. */
      atPeakHeapUsedMb: mb(peak.heapUsed),
      atPeakHeapTotalMb: mb(peak.heapTotal),
      atPeakExternalMb: mb(peak.external),
      atPeakArrayBuffersMb: mb(peak.arrayBuffers),
      completed: counts.completed,
      stillQueued: counts.queued + counts.running,
    };
  } finally {
    await ledgerline.stop(2000);
    await new Promise((r) => server.close(r));
  }
}

/** Connects the company as an admin does (the consent URL answers at once on the emulator). */
async function connectQbo(url: string, adminKey: string, realmId: string): Promise<Response> {
  const authorization = `Basic ${Buffer.from(`admin:${adminKey}`).toString('base64')}`;
  const start = await fetch(`${url}/oauth/quickbooks/connect`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ entity: 'Default' }) });
  if (start.status !== 200) throw new Error(`connect answered ${start.status}: ${await start.text()}`);
  const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const consent = await fetch(`${authorizeUrl}&realmId=${realmId}`, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`authorize answered ${consent.status}: ${await consent.text()}`);
  return fetch(new URL(consent.headers.get('location')!), { headers: { cookie } });
}

if (require.main === module && process.send) {
  process.once('message', (input: BacklogMiddlewareInput) => {
    runBacklogMiddleware(input).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: error instanceof Error ? error.stack : String(error) }, () => process.exit(1)),
    );
  });
}
