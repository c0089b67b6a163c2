import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import type { Server } from 'node:http';
import { loadConfig } from '../config';
import { createLedgerline, type Ledgerline } from '../container';
import { startQboEmulator, type QboEmulator, type EmulatorOptionsInput, DEFAULT_REALM, DEFAULT_CLIENT } from '@ledgerline/emulators/quickbooks';
import { startSalesforceEmulator, type SalesforceEmulator, type SalesforceEmulatorOptions } from '@ledgerline/emulators/salesforce';
import { createLogger, type Logger } from '../logger';

/**
 * The whole product on one machine: the QBO and Salesforce emulators and the real middleware (its
 * store, queue, workers and HTTP app) wired to them through the real clients. Used by end-to-end tests,
 * the demo and the benchmark.
 */
export interface Stack {
  qbo: QboEmulator;
  sf: SalesforceEmulator;
  ledgerline: Ledgerline;
  url: string;
  apiKey: string;
  adminKey: string;
  realmId: string;
  /** `QBO_WEBHOOK_VERIFIER_TOKEN` of the middleware (the emulator signs with it when `webhooks` is on). */
  verifierToken: string;
  logger: Logger;
  connectQbo(entity?: string, realmId?: string): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  env?: Record<string, string>;
  qbo?: EmulatorOptionsInput;
  sf?: SalesforceEmulatorOptions;
  logger?: Logger;
  /** Start workers and sweepers (default true). */
  startWorkers?: boolean;
  /** The middleware's port (default: a free one). */
  port?: number;
  /** Extra handlers served in front of the middleware's routes (the demo's preview pages). */
  front?: (parts: { sf: SalesforceEmulator; qbo: QboEmulator }) => RequestHandler[];
  /** Point the QBO emulator's signed webhooks at the middleware (default off); an object overrides delivery options. */
  /** The middleware's clock (default the wall clock); tests pass the QBO emulator's fake clock. */
  now?: () => number;
  webhooks?: boolean | { format?: 'cloudevents' | 'legacy'; batchWindowMs?: number; maxEventsPerNotification?: number };
}

const WEBHOOK_VERIFIER_TOKEN = 'stack-webhook-verifier-token';

const SF_CLIENT_ID = 'ledgerline-test-connected-app';
const SF_CLIENT_SECRET = 'ledgerline-test-connected-app-secret';

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const logger = options.logger ?? createLogger({ level: process.env.LOG_LEVEL ?? 'silent' });
  const qbo = await startQboEmulator({ port: 0, ...options.qbo });
  const sf = await startSalesforceEmulator({ port: 0, auth: { clientId: SF_CLIENT_ID, clientSecret: SF_CLIENT_SECRET }, ...options.sf }).catch(async (error: unknown) => {
    await qbo.close();
    throw error;
  });
  try {
    return await assemble(options, logger, qbo, sf);
  } catch (error) {
    await sf.close();
    await qbo.close();
    throw error;
  }
}

/**
 * The settings that point a middleware at the emulators: QBO's API and OAuth (as the default client app, with
 * the OAuth redirect on `publicUrl`) and, when given, Salesforce's login as the connected app `sfApp`.
 */
export function emulatorSettings(options: { qbo: QboEmulator; publicUrl: string; sf?: { emulator: SalesforceEmulator; clientId: string; clientSecret: string } }): Record<string, string> {
  return {
    QBO_CLIENT_ID: DEFAULT_CLIENT.clientId,
    QBO_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    QBO_REDIRECT_URI: `${options.publicUrl}/oauth/quickbooks/callback`,
    QBO_API_BASE_URL: options.qbo.url,
    QBO_OAUTH_BASE_URL: options.qbo.oauthUrl,
    ...(options.sf
      ? { SALESFORCE_LOGIN_URL: options.sf.emulator.url, SALESFORCE_CLIENT_ID: options.sf.clientId, SALESFORCE_CLIENT_SECRET: options.sf.clientSecret }
      : {}),
  };
}

async function assemble(options: StackOptions, logger: Logger, qbo: QboEmulator, sf: SalesforceEmulator): Promise<Stack> {
  // Fresh random keys for every stack: nothing secret is written into the code.
  const apiKey = randomBytes(24).toString('base64url');
  const adminKey = randomBytes(24).toString('base64url');

  // The middleware's own port is needed for the OAuth redirect: take a free one first.
  const probe = await listen((_req, res) => res.end(), options.port ?? 0);
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  const url = `http://127.0.0.1:${port}`;

  const config = loadConfig({
    PORT: String(port),
    DATABASE_URL: 'sqlite::memory:',
    LEDGERLINE_API_KEYS: apiKey,
    LEDGERLINE_ADMIN_KEYS: adminKey,
    LEDGERLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    ...emulatorSettings({ qbo, publicUrl: url, sf: { emulator: sf, clientId: SF_CLIENT_ID, clientSecret: SF_CLIENT_SECRET } }),
    WORKER_POLL_MS: '100',
    SWEEP_INTERVAL_SECONDS: '0',
    CDC_INTERVAL_SECONDS: '0',
    QBO_WEBHOOK_VERIFIER_TOKEN: WEBHOOK_VERIFIER_TOKEN,
    QBO_TIMEOUT_MS: '5000',
    ...options.env,
  });
  const ledgerline = await createLedgerline(config, { logger, ...(options.now ? { now: options.now } : {}) });
  const front = options.front ? express() : null;
  if (front) {
    for (const handler of options.front!({ sf, qbo })) front.use(handler);
    front.use(ledgerline.app);
  }
  const server = await listen(front ?? ledgerline.app, port).catch(async (error: unknown) => {
    await ledgerline.stop(0);
    throw error;
  });
  if (options.startWorkers !== false) ledgerline.start();
  sf.control.configureCallout({ url, apiKey, enabled: true });
  const verifierToken = config.QBO_WEBHOOK_VERIFIER_TOKEN ?? '';
  if (options.webhooks) {
    qbo.control.webhooks.configure({ url: `${url}/webhooks/quickbooks`, verifierToken, batchWindowMs: 20, ...(typeof options.webhooks === 'object' ? options.webhooks : {}) });
  }

  return {
    qbo,
    sf,
    ledgerline,
    url,
    apiKey,
    adminKey,
    realmId: DEFAULT_REALM,
    verifierToken,
    logger,
    async connectQbo(entity = 'Default', realmId = DEFAULT_REALM) {
      const callback = await connectThroughOAuth({ url, adminKey, entity, realmId });
      if (callback.status !== 200) throw new Error(`callback answered ${callback.status}: ${await callback.text()}`);
    },
    async close() {
      await ledgerline.stop(2000);
      await new Promise((r) => server.close(r));
      await sf.close();
      await qbo.close();
    },
  };
}

/**
 * Connects a QuickBooks company as an admin does: POST the connect request (JSON, admin key), follow the
 * consent URL to the QBO emulator (which consents at once for `realmId`), and return the callback's answer.
 */
export async function connectThroughOAuth(options: { url: string; adminKey: string; entity?: string; realmId?: string; rename?: boolean; withoutCookie?: boolean; callbackRealmId?: string }): Promise<Response> {
  const authorization = `Basic ${Buffer.from(`admin:${options.adminKey}`).toString('base64')}`;
  const start = await fetch(`${options.url}/oauth/quickbooks/connect`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ entity: options.entity ?? 'Default', rename: options.rename ?? false }),
  });
  if (start.status !== 200) throw new Error(`connect answered ${start.status}: ${await start.text()}`);
  const { authorizeUrl } = (await start.json()) as { authorizeUrl: string };
  // The browser's cookie that binds the consent to it, sent back with the callback as a browser would.
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const consent = await fetch(`${authorizeUrl}&realmId=${options.realmId ?? DEFAULT_REALM}`, { redirect: 'manual' });
  if (consent.status !== 302) throw new Error(`authorize answered ${consent.status}: ${await consent.text()}`);
  const callback = new URL(consent.headers.get('location')!);
  if (options.callbackRealmId) callback.searchParams.set('realmId', options.callbackRealmId);
  return fetch(callback, { headers: options.withoutCookie ? {} : { cookie } });
}

function listen(handler: Parameters<typeof import('node:http').createServer>[1] & object, port = 0): Promise<Server> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createServer } = require('node:http') as typeof import('node:http');
  return new Promise((resolve, reject) => {
    const server = createServer(handler);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Polls until `check` returns a value (not undefined/false), or fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
