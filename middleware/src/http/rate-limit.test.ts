import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { createLogger } from '../logger';
import { createApp } from './app';
import { rateLimit } from './rate-limit';

type Outcome = { status: number; retryAfter?: string; body?: unknown };

/** Runs the middleware once with a fake request from `ip`; resolves with 'next' or the 429 it sent. */
function hit(limiter: ReturnType<typeof rateLimit>, ip: string): Promise<'next' | Outcome> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = {};
    const res = {
      setHeader: (name: string, value: string) => void (headers[name.toLowerCase()] = value),
      status(code: number) {
        return { json: (body: unknown) => resolve({ status: code, retryAfter: headers['retry-after'], body }) };
      },
    };
    limiter({ ip, socket: {} } as never, res as never, () => resolve('next'));
  });
}

describe('rateLimit', () => {
  it('lets a burst through, then answers 429 with Retry-After until tokens refill', async () => {
    let t = 0;
    const limiter = rateLimit({ perMinute: 60, burst: 5, name: 'api', now: () => t });
    for (let i = 0; i < 5; i++) expect(await hit(limiter, '10.0.0.1')).toBe('next');
    const refused = (await hit(limiter, '10.0.0.1')) as Outcome;
    expect(refused.status).toBe(429);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    t += 999;
    expect(await hit(limiter, '10.0.0.1')).not.toBe('next');
    t += 2;
    expect(await hit(limiter, '10.0.0.1')).toBe('next');
    expect(await hit(limiter, '10.0.0.1')).not.toBe('next');
  });

  it('keeps one bucket per address', async () => {
    const limiter = rateLimit({ perMinute: 60, burst: 2, name: 'webhooks', now: () => 0 });
    expect(await hit(limiter, '10.0.0.1')).toBe('next');
    expect(await hit(limiter, '10.0.0.1')).toBe('next');
    expect(await hit(limiter, '10.0.0.1')).not.toBe('next');
    expect(await hit(limiter, '10.0.0.2')).toBe('next');
  });

  it('forgets the least recently seen address beyond maxClients (a forgotten one starts full)', async () => {
    const limiter = rateLimit({ perMinute: 60, burst: 1, name: 'api', maxClients: 2, now: () => 0 });
    expect(await hit(limiter, 'a')).toBe('next');
    expect(await hit(limiter, 'a')).not.toBe('next');
    expect(await hit(limiter, 'b')).toBe('next');
    expect(await hit(limiter, 'c')).toBe('next'); // evicts a
    expect(await hit(limiter, 'a')).toBe('next');
  });

  it('derives the burst from the rate: ten seconds of it, at least 10', async () => {
    const limiter = rateLimit({ perMinute: 600, name: 'api', now: () => 0 });
    let passed = 0;
    while ((await hit(limiter, 'x')) === 'next') passed += 1;
    expect(passed).toBe(100);
  });
});

describe('createApp with rateLimitPerMinute', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const router = Router();
    for (const path of ['/webhooks/quickbooks', '/api/v1/ping', '/oauth/quickbooks/connect']) router.all(path, (_req, res) => void res.json({ ok: true }));
    // Stand-ins for callers that fail to prove who they are (wrong key, forged signature).
    for (const path of ['/webhooks/forged', '/api/v1/wrong-key']) router.all(path, (_req, res) => void res.status(401).json({ ok: false }));
    const app = createApp({ logger: createLogger({ level: 'silent' }), routers: [router], rateLimitPerMinute: 60 });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('limits each public prefix separately over HTTP and leaves health checks alone', async () => {
    const statuses = async (path: string, n: number, method = 'GET') => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await fetch(`${base}${path}`, { method })).status);
      return out;
    };
    // Authenticated deliveries and callouts are never turned away, however many: Salesforce and Intuit
    // send from a few shared addresses. Rejected attempts use up the bucket, and then everything from
    // that address waits.
    expect((await statuses('/webhooks/quickbooks', 30, 'POST')).every((s) => s === 200)).toBe(true);
    expect((await statuses('/api/v1/ping', 30)).every((s) => s === 200)).toBe(true);
    const forged = await statuses('/webhooks/forged', 12, 'POST');
    expect(forged.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(forged.slice(10)).toEqual([429, 429]);
    const limited = await fetch(`${base}/webhooks/quickbooks`, { method: 'POST' });
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.get('x-content-type-options')).toBe('nosniff');
    expect(((await limited.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    const wrongKey = await statuses('/api/v1/wrong-key', 12);
    expect(wrongKey.slice(10)).toEqual([429, 429]);
    // The connect flow is public and rare: every request counts.
    const oauth = await statuses('/oauth/quickbooks/connect', 12);
    expect(oauth.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(oauth.slice(10)).toEqual([429, 429]);
    expect((await statuses('/healthz', 30)).every((s) => s === 200)).toBe(true);
  });
});
