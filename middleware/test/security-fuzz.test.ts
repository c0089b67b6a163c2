import { intuitSignature } from '../src/quickbooks/webhook-signature';
import { startStack, type Stack } from './support/stack';

/**
 * A seeded fuzz run of every HTTP endpoint of the real middleware: random methods, paths, headers and
 * bodies (some with a valid key or signature, so the parsers behind the checks are reached too). No
 * answer may be a 5xx, and the process must still answer afterwards. The seed is printed on failure.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20260301);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1500);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('HTTP fuzz', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false, env: { RATE_LIMIT_PER_MINUTE: '0' } });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it(`answers ${REQUESTS} random requests without a 5xx and keeps running (seed ${SEED})`, async () => {
    const rand = prng(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
    const int = (max: number) => Math.floor(rand() * max);
    const junkChars = ['a', 'Z', '0', "'", '"', '\\', '/', '%', '%00', '%ff', '..', ' ', '\u0000', '😀', '<', '>', '{', '}', '[', ']', ',', ':', '\n', '&', '?', '#', '=', 'é', '\u202e'];
    const junk = (max: number) => Array.from({ length: int(max) }, () => pick(junkChars)).join('');
    // Header values must be visible Latin-1 (fetch itself refuses anything else before sending).
    const headerJunk = (max: number) => junk(max).replace(/[^\x20-\x7e]/g, '~');
    const id = () =>
      pick([
        `006${'0'.repeat(12)}`,
        `006${String(int(1e9)).padStart(15, '0')}`,
        `006${String(int(1e9)).padStart(12, '0')}`,
        junk(20),
        '006000000000001AAA',
        `006${junk(15)}`,
        'x'.repeat(int(5000)),
      ]);
    const value = (depth: number): unknown => {
      const kind = int(depth > 4 ? 6 : 9);
      switch (kind) {
        case 0: return null;
        case 1: return rand() < 0.5;
        case 2: return pick([0, -1, 1e308, -1e308, 2 ** 53 + 1, 0.1, NaN]);
        case 3: return junk(30);
        case 4: return id();
        case 5: return pick(['closed_won', 'retry', 'sweep', '__proto__', 'constructor', '']);
        case 6: return Array.from({ length: int(5) }, () => value(depth + 1));
        case 7: return Object.fromEntries(Array.from({ length: int(5) }, () => [pick(['opportunityIds', 'reason', 'eventNotifications', 'realmId', 'dataChangeEvent', 'entities', 'name', 'id', 'operation', 'lastUpdated', 'specversion', 'type', 'intuitentityid', 'intuitaccountid', '__proto__', junk(8)]), value(depth + 1)]));
        default:
          return pick([
            { opportunityIds: Array.from({ length: int(250) }, id), reason: pick(['closed_won', 'retry', junk(5)]) },
            { eventNotifications: [{ realmId: pick([stack.realmId, junk(10), 1]), dataChangeEvent: { entities: Array.from({ length: int(4) }, () => ({ name: pick(['Payment', 'Invoice', 'CreditMemo', junk(6)]), id: pick([String(int(999)), junk(10)]), operation: pick(['Create', 'Update', 'Delete', 'Void', junk(4)]), lastUpdated: pick([new Date(int(2e12)).toISOString(), junk(10), '']) })) } }] },
            Array.from({ length: int(4) }, () => ({ specversion: '1.0', id: junk(10), type: pick(['qbo.payment.created.v1', 'qbo.invoice.updated.v1', `qbo.${junk(5)}.x.v1`]), time: junk(5), intuitentityid: pick([String(int(99)), junk(8)]), intuitaccountid: pick([stack.realmId, junk(8)]) })),
          ]);
      }
    };
    const paths = [
      '/api/v1/sync/opportunities',
      () => `/api/v1/opportunities/${encodeURIComponent(id())}/billing`,
      () => `/api/v1/opportunities/${encodeURIComponent(id())}/preview`,
      '/webhooks/quickbooks',
      () => `/oauth/quickbooks/connect?entity=${encodeURIComponent(junk(100))}`,
      () => `/oauth/quickbooks/callback?state=${encodeURIComponent(junk(40))}&code=${encodeURIComponent(junk(10))}&realmId=${encodeURIComponent(pick([stack.realmId, junk(10)]))}${rand() < 0.3 ? `&error=${junk(10)}` : ''}`,
      '/healthz',
      '/readyz',
      () => `/${junk(30)}`,
      () => `/api/v1/${junk(20)}`,
      () => `/webhooks/quickbooks?${junk(20)}`,
      '/api/v1/sync/opportunities/../../../etc/passwd',
      '/%2e%2e/%2e%2e/etc/passwd',
    ] as const;
    const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
    const contentTypes = ['application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', 'application/cloudevents-batch+json', headerJunk(10)];
    const admin = `Basic ${Buffer.from(`admin:${stack.adminKey}`).toString('base64')}`;

    const failures: string[] = [];
    for (let n = 0; n < REQUESTS; n++) {
      const pathChoice = pick(paths);
      let path = typeof pathChoice === 'function' ? pathChoice() : pathChoice;
      if (rand() < 0.05) path += `?${junk(50)}`;
      const method = rand() < 0.6 ? (path.startsWith('/api/v1/sync') || path.startsWith('/webhooks') ? 'POST' : 'GET') : pick(methods);
      const headers: Record<string, string> = {};
      if (rand() < 0.8) headers['content-type'] = pick(contentTypes);
      const auth = int(5);
      if (auth === 0) headers.authorization = `Bearer ${stack.apiKey}`;
      else if (auth === 1) headers.authorization = admin;
      else if (auth === 2) headers.authorization = pick([`Bearer ${headerJunk(40)}`, `Basic ${headerJunk(20)}`, headerJunk(30), 'Bearer ', 'Basic Og==']);
      let body: string | Buffer | undefined;
      if (method !== 'GET' && method !== 'HEAD') {
        const bodyKind = int(6);
        if (bodyKind === 0) body = Buffer.from(Array.from({ length: int(2000) }, () => int(256)));
        else if (bodyKind === 1) body = JSON.stringify(value(0)).slice(0, int(400) + 1);
        else if (bodyKind === 2) body = `${'['.repeat(int(20_000))}`;
        else body = JSON.stringify(value(0));
      }
      if (path.startsWith('/webhooks') && body !== undefined) {
        const sig = int(4);
        if (sig <= 1) headers['intuit-signature'] = intuitSignature(body, stack.verifierToken);
        else if (sig === 2) headers['intuit-signature'] = headerJunk(44);
      }
      let status: number;
      try {
        const res = await fetch(`${stack.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }), redirect: 'manual' });
        status = res.status;
        await res.arrayBuffer();
      } catch (error) {
        // A path the WHATWG URL parser refuses never leaves the client; anything else is a failure.
        if (error instanceof TypeError && /Invalid URL|Failed to parse|invalid/i.test(String(error.message) + String((error as { cause?: Error }).cause?.message ?? ''))) continue;
        failures.push(`#${n} ${method} ${path.slice(0, 80)}: ${(error as Error).message} ${String((error as { cause?: Error }).cause?.message ?? '')}`);
        continue;
      }
      if (status >= 500 && !(path === '/readyz' && status === 503)) failures.push(`#${n} ${method} ${path.slice(0, 80)} → ${status}`);
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${stack.url}/readyz`);
    expect(ready.status).toBe(200);
  }, 180_000);
});
