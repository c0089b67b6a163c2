/**
 * A flood of wrong keys must not lock Salesforce out (issue #23, finding 3). Behind the TLS proxy that
 * Named Credentials and Intuit need, every client shares one address unless TRUST_PROXY names the proxy.
 * The whole app as wired by the container, over HTTP; the flood is the review's: 700 wrong keys, one address.
 */
import { createLogger } from '../src/logger';
import { startStack, type Stack } from './support/stack';

const FLOOD = 700;

async function flood(url: string, headers: Record<string, string>, n = FLOOD): Promise<number[]> {
  const statuses: number[] = [];
  for (let sent = 0; sent < n; sent += 25) {
    const batch = Array.from({ length: Math.min(25, n - sent) }, () => fetch(url, { headers }).then((r) => r.status));
    statuses.push(...(await Promise.all(batch)));
  }
  return statuses;
}

describe('per-address limiter under a wrong-key flood', () => {
  const lines: Array<{ level: number; msg: string; suppressed?: number }> = [];
  let stack: Stack;
  let billing: string;

  beforeAll(async () => {
    const logger = createLogger({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    // A low limit (a bucket of 10, refilled by one a minute) so the bucket stays empty after the flood however slow the machine.
    stack = await startStack({ startWorkers: false, logger, env: { RATE_LIMIT_PER_MINUTE: '1' } });
    billing = `${stack.url}/api/v1/opportunities/006000000000001AAA/billing`;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('keeps answering the valid key after 700 wrong keys from its address, and logs the flood in a few lines', async () => {
    const wrong = await flood(billing, { authorization: `Bearer ${'w'.repeat(40)}` });
    expect(wrong.filter((s) => s === 401).length).toBeGreaterThan(0);
    expect(wrong.filter((s) => s === 429).length).toBeGreaterThan(FLOOD / 2);
    expect((await fetch(billing, { headers: { authorization: `Bearer ${'w'.repeat(40)}` } })).status).toBe(429);
    const valid = await fetch(billing, { headers: { authorization: `Bearer ${stack.apiKey}` } });
    expect(valid.status).toBe(200);
    const admin = await fetch(`${stack.url}/api/v1/jobs`, { headers: { authorization: `Bearer ${stack.adminKey}` } });
    expect(admin.status).toBe(200);
    const rejected = lines.filter((l) => l.msg === 'request rejected');
    expect(rejected.length).toBeLessThanOrEqual(5);
  }, 120_000);
});

describe('TRUST_PROXY', () => {
  let stack: Stack;
  let billing: string;

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false, env: { RATE_LIMIT_PER_MINUTE: '1', TRUST_PROXY: 'loopback' } });
    billing = `${stack.url}/api/v1/opportunities/006000000000001AAA/billing`;
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('limits each client the trusted proxy names, not the proxy', async () => {
    const wrong = { authorization: `Bearer ${'w'.repeat(40)}` };
    const guesser = await flood(billing, { ...wrong, 'x-forwarded-for': '203.0.113.9' }, 50);
    expect(guesser).toContain(429);
    expect((await fetch(billing, { headers: { ...wrong, 'x-forwarded-for': '203.0.113.9' } })).status).toBe(429);
    // Another client behind the same proxy still gets its own answer.
    expect((await fetch(billing, { headers: { ...wrong, 'x-forwarded-for': '198.51.100.7' } })).status).toBe(401);
  });
});
