import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireApiKey } from '../src/http/auth';
import { createLogger } from '../src/logger';
import { intuitSignature } from '../src/quickbooks/webhook-signature';
import { QBO_EVENT_JOB } from '../src/services/payments/payment-events';
import { INVOICE_JOB } from '../src/container';
import { soqlIdList } from '../src/salesforce/records';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';
import { startStack, waitFor, type Stack } from './support/stack';

type Rec = Record<string, any>;

/**
 * The whole middleware (real store file, routes, workers, clients) against the emulators, attacked the
 * way a stranger on the internet would: forged and replayed webhooks, wrong keys, hostile bodies and
 * names, and a look at what ends up in the logs and in the database file.
 */
describe('security of the public surface', () => {
  let stack: Stack;
  let dir: string;
  let dbFile: string;
  const logLines: string[] = [];
  const seenTokens = new Set<string>();
  let catalog: Catalog;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledgerline-security-'));
    dbFile = join(dir, 'ledgerline.db');
    const logger = createLogger({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    stack = await startStack({ logger, env: { DATABASE_URL: `sqlite:${dbFile}`, JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '100', JOB_MAX_ATTEMPTS: '3' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    await rememberTokens();
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function rememberTokens(): Promise<void> {
    const conn = await stack.ledgerline.store.connections.get(stack.realmId);
    if (conn) {
      seenTokens.add(conn.accessToken);
      seenTokens.add(conn.refreshToken);
    }
  }

  const api = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (key !== null) headers.set('authorization', `Bearer ${key ?? stack.apiKey}`);
    return fetch(`${stack.url}${path}`, { ...rest, headers });
  };
  const syncRequest = (body: unknown, key?: string | null) =>
    api('/api/v1/sync/opportunities', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const webhook = (body: string | Buffer, signature: string | null) =>
    fetch(`${stack.url}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'intuit-signature': signature }) }, body });
  const legacyWebhook = (entities: Array<{ name: string; id: string; operation: string; lastUpdated: string }>) =>
    JSON.stringify({ eventNotifications: [{ realmId: stack.realmId, dataChangeEvent: { entities } }] });
  const inboxCount = async () => (await stack.ledgerline.store.db.query<{ n: number }>('select count(*) as n from webhook_inbox')).rows[0]!.n;
  const eventJobs = async () => (await stack.ledgerline.queue.list({ type: QBO_EVENT_JOB, limit: 500 })).length;

  describe('webhooks', () => {
    it('refuses forged and truncated notifications and stores nothing', async () => {
      const before = await inboxCount();
      const body = legacyWebhook([{ name: 'Payment', id: '4101', operation: 'Create', lastUpdated: '2026-03-01T10:00:00.000Z' }]);
      const forged = await webhook(body, intuitSignature(body, 'a-guessed-verifier-token'));
      expect(forged.status).toBe(401);
      expect(((await forged.json()) as Rec).error.code).toBe('UNAUTHORIZED');
      // The genuine signature over the full body, sent with the body cut short (a proxy or attacker truncating it).
      const truncated = await webhook(body.slice(0, body.length - 7), intuitSignature(body, stack.verifierToken));
      expect(truncated.status).toBe(401);
      expect((await webhook(body, null)).status).toBe(401);
      expect((await webhook(body, '')).status).toBe(401);
      expect((await webhook(body, `${intuitSignature(body, stack.verifierToken)}x`)).status).toBe(401);
      expect((await webhook(body, 'A'.repeat(10_000))).status).toBe(401);
      expect(await inboxCount()).toBe(before);
    });

    it('stores a replayed notification once and queues one job for it', async () => {
      const inboxBefore = await inboxCount();
      const jobsBefore = await eventJobs();
      const body = legacyWebhook([{ name: 'Payment', id: '4102', operation: 'Create', lastUpdated: '2026-03-01T10:05:00.000Z' }]);
      const signature = intuitSignature(body, stack.verifierToken);
      const answers: Rec[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await webhook(body, signature);
        expect(res.status).toBe(200);
        answers.push((await res.json()) as Rec);
      }
      await stack.ledgerline.payments.intake.idle();
      expect(answers.map((a) => a.stored)).toEqual([1, 0, 0, 0, 0]);
      expect(answers.map((a) => a.duplicates)).toEqual([0, 1, 1, 1, 1]);
      expect(await inboxCount()).toBe(inboxBefore + 1);
      expect(await eventJobs()).toBe(jobsBefore + 1);
    });

    it('never lets an entity id from a signed notification steer the QuickBooks request path', async () => {
      const victim = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Path Victim' }) as Rec;
      const hostile = [`../customer/${victim.Id}`, `1?query=select * from Customer`, '1/../../customer/1', `1' or '1'='1`, '%2e%2e%2fcustomer%2f1'];
      const before = stack.qbo.control.counters();
      const body = legacyWebhook(hostile.map((id, i) => ({ name: 'Payment', id, operation: 'Update', lastUpdated: `2026-03-01T11:0${i}:00.000Z` })));
      const res = await webhook(body, intuitSignature(body, stack.verifierToken));
      expect(res.status).toBeLessThan(500);
      await stack.ledgerline.payments.intake.idle();
      await waitFor(async () => (await stack.ledgerline.queue.list({ type: QBO_EVENT_JOB, state: 'queued' })).length === 0 && (await stack.ledgerline.queue.list({ type: QBO_EVENT_JOB, state: 'running' })).length === 0, 15_000, 'event jobs to settle');
      const after = stack.qbo.control.counters();
      const grew = Object.keys(after.byOperation).filter((op) => (after.byOperation[op] ?? 0) > (before.byOperation[op] ?? 0));
      expect(grew.filter((op) => !op.startsWith('Payment.'))).toEqual([]);
    });
  });

  describe('bearer keys on the Salesforce API', () => {
    const valid = { opportunityIds: ['006000000000001AAA'], reason: 'retry' };

    it('refuses a missing, wrong, truncated, extended or differently-schemed key', async () => {
      const attempts: Array<[string, RequestInit]> = [
        ['missing', {}],
        ['wrong', { headers: { authorization: `Bearer ${'x'.repeat(32)}` } }],
        ['truncated', { headers: { authorization: `Bearer ${stack.apiKey.slice(0, -1)}` } }],
        ['extended', { headers: { authorization: `Bearer ${stack.apiKey}A` } }],
        ['basic scheme', { headers: { authorization: `Basic ${Buffer.from(`x:${stack.apiKey}`).toString('base64')}` } }],
        ['admin key', { headers: { authorization: `Bearer ${stack.adminKey}` } }],
        ['bare key', { headers: { authorization: stack.apiKey } }],
      ];
      for (const [, init] of attempts) {
        const res = await fetch(`${stack.url}/api/v1/sync/opportunities`, { method: 'POST', ...init, headers: { 'content-type': 'application/json', ...(init.headers as Record<string, string>) }, body: JSON.stringify(valid) });
        expect(res.status).toBe(401);
        const body = (await res.json()) as Rec;
        expect(body.error.code).toBe('UNAUTHORIZED');
        expect(JSON.stringify(body)).not.toContain(stack.apiKey);
      }
      const ok = await syncRequest(valid);
      expect(ok.status).toBe(202);
    });

    it('accepts the old and new keys during a rotation and only the new one after it', async () => {
      const oldKey = stack.apiKey;
      const newKey = `rotated-${'n'.repeat(40)}`;
      const during = requireApiKey([oldKey, newKey]);
      const after = requireApiKey([newKey]);
      const check = (mw: ReturnType<typeof requireApiKey>, key: string) =>
        new Promise<unknown>((resolve) => mw({ get: (h: string) => (h === 'authorization' ? `Bearer ${key}` : undefined) } as never, {} as never, (err?: unknown) => resolve(err ?? 'ok')));
      expect(await check(during, oldKey)).toBe('ok');
      expect(await check(during, newKey)).toBe('ok');
      expect(await check(after, newKey)).toBe('ok');
      expect(await check(after, oldKey)).toMatchObject({ code: 'UNAUTHORIZED' });
    });

    it('keeps the admin routes behind the admin key', async () => {
      for (const authorization of ['', `Bearer ${stack.apiKey}`, `Basic ${Buffer.from('admin:wrong').toString('base64')}`]) {
        const res = await fetch(`${stack.url}/oauth/quickbooks/connect`, { headers: authorization ? { authorization } : {}, redirect: 'manual' });
        expect(res.status).toBe(401);
      }
    });
  });

  describe('hostile bodies', () => {
    it('answers 413 to oversized bodies on the API and the webhook', async () => {
      const big = JSON.stringify({ opportunityIds: Array.from({ length: 40_000 }, (_, i) => `006${String(i).padStart(15, '0')}`), reason: 'retry' });
      const res = await syncRequest(big);
      expect(res.status).toBe(413);
      expect(((await res.json()) as Rec).error.code).toBe('PAYLOAD_TOO_LARGE');
      const hugeHook = Buffer.alloc(3 * 1024 * 1024, 0x20);
      const hook = await webhook(hugeHook, intuitSignature(hugeHook, stack.verifierToken));
      expect(hook.status).toBe(413);
    });

    it('answers 4xx to deeply nested JSON and keeps serving', async () => {
      const depth = 50_000;
      const nestedArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const nestedObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      for (const body of [nestedArray, nestedObject, `{"opportunityIds":${nestedArray}}`]) {
        const res = await syncRequest(body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const hook = await webhook(body, intuitSignature(body, stack.verifierToken));
        expect(hook.status).toBeLessThan(500);
      }
      expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    });

    it('does not let a __proto__ key pollute objects', async () => {
      const body = '{"opportunityIds":["006000000000002AAA"],"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}';
      const res = await syncRequest(body);
      expect(res.status).toBe(400);
      const hookBody = '{"eventNotifications":[],"__proto__":{"polluted":true}}';
      expect((await webhook(hookBody, intuitSignature(hookBody, stack.verifierToken))).status).toBeLessThan(500);
      expect(({} as Rec).polluted).toBeUndefined();
    });
  });

  describe('injection through names and ids', () => {
    it('rejects ids that carry SOQL or SQL, in the body and in the path', async () => {
      const hostile = ['006000000075786279', `006000000000001' OR Name != '`, `006000000000001AAA') OR (Id != '`, `006000000000001AAA;drop table jobs`, '006000000000001AA%27'];
      const res = await syncRequest({ opportunityIds: hostile, reason: 'retry' });
      expect(res.status).toBe(400);
      const body = (await res.json()) as Rec;
      expect(body.accepted).toEqual([]);
      expect(body.rejected).toHaveLength(hostile.length);
      for (const id of hostile) {
        const got = await api(`/api/v1/opportunities/${encodeURIComponent(id)}/billing`);
        expect(got.status).toBe(400);
      }
      expect(() => soqlIdList([`006000000000001' OR Id != '`])).toThrow(/not a Salesforce record id/);
      expect(await stack.ledgerline.queue.list({ type: INVOICE_JOB, key: `opportunity:${hostile[0]}` })).toEqual([]);
    });

    it('quotes account names in QuickBooks queries: a name written as a query matches nothing else', async () => {
      const victim = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Victim Holdings', PrimaryEmailAddr: { Address: 'ap@victim.example' } }) as Rec;
      const names = [`Evil' OR DisplayName = 'Victim Holdings`, `Backslash \\' or DisplayName like '%Victim%`];
      for (const name of names) {
        const account = seedAccount(stack.sf, { Name: name, Billing_Email__c: `ap${names.indexOf(name)}@evil.example` });
        const id = seedOpportunity(stack.sf, catalog, account, [{ code: 'CONS-HR', quantity: 1 }], { Name: `Deal ' OR '1'='1 ${names.indexOf(name)}` });
        closeWon(stack.sf, id);
        const opp = await waitFor(() => {
          const o = stack.sf.control.record('Opportunity', id) as Rec;
          return o.Billing_Sync_Status__c === 'Synced' || o.Billing_Sync_Status__c === 'Error' ? o : undefined;
        }, 20_000, `the deal of ${name}`);
        expect(opp.Billing_Sync_Error__c ?? null).toBeNull();
        expect(opp.Billing_Sync_Status__c).toBe('Synced');
        const invoice = stack.qbo.control.get(stack.realmId, 'Invoice', opp.QuickBooks_Invoice_Id__c) as Rec;
        expect(invoice.CustomerRef.value).not.toBe(victim.Id);
        const customer = stack.qbo.control.get(stack.realmId, 'Customer', invoice.CustomerRef.value) as Rec;
        expect(customer.DisplayName).toBe(name);
      }
      await rememberTokens();
    });
  });

  describe('secrets', () => {
    it('keeps access and refresh tokens encrypted in the database file', async () => {
      // A token refresh adds a second pair; both must be sealed.
      stack.qbo.control.expireAccessTokens();
      const id = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Refresh Trigger Ltd', Billing_Email__c: 'ap@refresh.example' }), [{ code: 'HW-KIT', quantity: 1 }]);
      closeWon(stack.sf, id);
      await waitFor(() => (stack.sf.control.record('Opportunity', id) as Rec).Billing_Sync_Status__c === 'Synced', 20_000, 'a sync after the token expired');
      await rememberTokens();
      expect(seenTokens.size).toBeGreaterThanOrEqual(3);
      await stack.ledgerline.store.db.query('select 1');
      const files = [dbFile, `${dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f).toString('latin1'));
      const raw = files.join('\n');
      // Positive control: the file does hold the connection row.
      expect(raw).toContain(stack.realmId);
      expect(raw).toContain('v2:');
      for (const token of seenTokens) expect(raw).not.toContain(token);
    });

    it('never writes a secret into the logs or the audit log', async () => {
      // Requests that tempt a logger: a wrong key, a forged webhook, a callback with junk.
      await syncRequest({ opportunityIds: ['006000000000003AAA'] }, `${stack.apiKey.slice(0, 10)}-guess-${'g'.repeat(30)}`);
      await webhook('{"eventNotifications":[]}', 'forged');
      await fetch(`${stack.url}/oauth/quickbooks/callback?state=${'s'.repeat(20)}&code=abc&realmId=1`);
      await rememberTokens();
      const { config } = stack.ledgerline;
      const secrets: Record<string, string> = {
        apiKey: stack.apiKey,
        adminKey: stack.adminKey,
        encryptionKey: config.LEDGERLINE_ENCRYPTION_KEY,
        qboClientSecret: config.QBO_CLIENT_SECRET!,
        salesforceClientSecret: config.SALESFORCE_CLIENT_SECRET!,
        verifierToken: stack.verifierToken,
      };
      [...seenTokens].forEach((token, i) => (secrets[`qboToken${i}`] = token));
      expect(logLines.length).toBeGreaterThan(20);
      const logs = logLines.join('');
      // Positive control: the logs do talk about the things the secrets belong to.
      expect(logs).toContain('quickbooks token refreshed');
      const audit = JSON.stringify(await stack.ledgerline.store.audit.query({ limit: 500 }));
      const leaks = Object.entries(secrets).filter(([, value]) => logs.includes(value) || audit.includes(value)).map(([name]) => name);
      expect(leaks).toEqual([]);
    });
  });

  describe('headers', () => {
    it('sends the security headers on successes, errors and HTML alike', async () => {
      const responses = [
        await fetch(`${stack.url}/healthz`),
        await fetch(`${stack.url}/nope`),
        await syncRequest({ opportunityIds: ['bad'] }, null),
        await syncRequest('{"opportunityIds":', undefined),
        await webhook('{}', 'forged'),
        await fetch(`${stack.url}/oauth/quickbooks/callback?state=short`),
        await api('/api/v1/opportunities/006000000000001AAA/billing'),
      ];
      for (const res of responses) {
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(res.headers.get('referrer-policy')).toBe('no-referrer');
        expect(res.headers.get('x-powered-by')).toBeNull();
        await res.arrayBuffer();
      }
    });
  });

  describe('rate limiting (last: it empties this client\u2019s webhook bucket)', () => {
    it('answers 429 with Retry-After to a flood of forged webhooks and keeps the API bucket apart', async () => {
      let first429 = -1;
      let retryAfter: string | null = null;
      for (let i = 0; i < 2000 && first429 < 0; i++) {
        const res = await webhook('{"eventNotifications":[]}', 'forged');
        if (res.status === 429) {
          first429 = i;
          retryAfter = res.headers.get('retry-after');
          expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        } else expect(res.status).toBe(401);
        await res.arrayBuffer();
      }
      // Default RATE_LIMIT_PER_MINUTE=3000: a burst of 500, refilled at 50 per second.
      expect(first429).toBeGreaterThanOrEqual(400);
      expect(first429).toBeLessThan(1000);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
      expect((await api('/api/v1/opportunities/006000000000001AAA/billing')).status).toBe(200);
    });
  });
});
