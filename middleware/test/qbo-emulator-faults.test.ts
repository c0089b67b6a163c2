/** Throttling and every injectable fault, observed through the real node-quickbooks / intuit-oauth clients. */
import OAuthClient from 'intuit-oauth';
import { startQboEmulator, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { failure, faultCode, nodeQuickBooks, type NodeQuickBooks } from './fixtures/quickbooks/clients';

let qbo: QboEmulator;
let realm: string;
let qb: NodeQuickBooks;

beforeAll(async () => {
  qbo = await startQboEmulator({ port: 0 });
});
afterAll(async () => {
  await qbo.close();
});
beforeEach(() => {
  qbo.control.reset();
  qbo.control.setLimits({ requestsPerMinute: 500, concurrentPerRealm: 10, batchPerMinute: 40 });
  realm = qbo.control.realms()[0]!;
  qb = nodeQuickBooks(qbo, realm, qbo.control.issueTokens(realm).access_token);
});

describe('Intuit limits', () => {
  it('answers 429 with the throttle fault after the per-minute budget, and recovers a minute later', async () => {
    qbo.control.setLimits({ requestsPerMinute: 3 });
    for (let i = 0; i < 3; i++) await qb.call('getItem', '1');
    const throttled = await failure(qb.call('getItem', '1'));
    expect(throttled.response?.status).toBe(429);
    expect(String(throttled.response?.data)).toContain('<Error code="3001">');
    qbo.control.clock.advance(61_000);
    await expect(qb.call('getItem', '1')).resolves.toMatchObject({ Id: '1' });
    expect(qbo.control.counters().throttled).toBe(1);
  });

  it('limits concurrent requests per realm', async () => {
    qbo.control.setLimits({ concurrentPerRealm: 2 });
    qbo.control.injectFault({ kind: 'slow', delayMs: 300, times: 2 });
    const results = await Promise.allSettled([qb.call('getItem', '1'), qb.call('getItem', '2'), new Promise((r) => setTimeout(r, 50)).then(() => qb.call('getItem', '3'))]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(((results[2] as PromiseRejectedResult).reason as { response: { status: number } }).response.status).toBe(429);
  });

  it('limits batch requests per minute separately', async () => {
    qbo.control.setLimits({ batchPerMinute: 1 });
    await qb.call('batch', [{ bId: '1', Query: 'select * from Item' }]);
    expect((await failure(qb.call('batch', [{ bId: '1', Query: 'select * from Item' }]))).response?.status).toBe(429);
    await expect(qb.call('getItem', '1')).resolves.toMatchObject({ Id: '1' });
  });

  it('rejects a batch of more than 30 items', async () => {
    const items = Array.from({ length: 31 }, (_, i) => ({ bId: String(i), Query: 'select * from Item' }));
    expect((await failure(qb.call('batch', items))).response?.status).toBe(400);
  });
});

describe('injected faults', () => {
  it.each([
    ['throttle', 429],
    ['server-error', 500],
    ['service-unavailable', 503],
    ['token-expired', 401],
  ] as const)('%s → HTTP %i for the next call only', async (kind, status) => {
    qbo.control.injectFault({ kind });
    expect((await failure(qb.call('getItem', '1'))).response?.status).toBe(status);
    await expect(qb.call('getItem', '1')).resolves.toMatchObject({ Id: '1' });
  });

  it('stale SyncToken and duplicate name faults carry the QBO codes', async () => {
    qbo.control.injectFault({ kind: 'stale-sync-token', entity: 'Customer', operation: 'update' });
    qbo.control.injectFault({ kind: 'duplicate-name', entity: 'Customer', operation: 'create' });
    const dup = await failure(qb.call('createCustomer', { DisplayName: 'Fresh Name' }));
    expect([dup.response?.status, faultCode(dup)]).toEqual([400, '6240']);
    const c = await qb.call<{ Id: string; SyncToken: string }>('createCustomer', { DisplayName: 'Fresh Name' });
    expect(faultCode(await failure(qb.call('updateCustomer', { Id: c.Id, SyncToken: c.SyncToken, Notes: 'x' })))).toBe('5010');
  });

  it('filters by entity/operation/method: other calls are untouched', async () => {
    qbo.control.injectFault({ kind: 'server-error', entity: 'Invoice', operation: 'create', times: 2 });
    await expect(qb.call('getItem', '1')).resolves.toMatchObject({ Id: '1' });
    const customer = await qb.call<{ Id: string }>('createCustomer', { DisplayName: 'Filter Co' });
    const invoice = { CustomerRef: { value: customer.Id }, Line: [{ Amount: 10, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' } } }] };
    expect((await failure(qb.call('createInvoice', { ...invoice }))).response?.status).toBe(500);
    expect((await failure(qb.call('createInvoice', { ...invoice }))).response?.status).toBe(500);
    await expect(qb.call('createInvoice', { ...invoice })).resolves.toMatchObject({ TotalAmt: 10 });
    expect(qbo.control.counters().byOperation['Invoice.create']).toBe(3);
  });

  it('socket hang-up and slow responses', async () => {
    qbo.control.injectFault({ kind: 'hang-up' });
    const hung = await failure(qb.call('getItem', '1'));
    expect(hung.response).toBeUndefined();
    expect(hung.code).toBe('ECONNRESET');
    qbo.control.injectFault({ kind: 'slow', delayMs: 250 });
    const started = Date.now();
    await qb.call('getItem', '1');
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
  });

  it('"create succeeded but the response was lost": the record exists and a retry with the same requestid gets it', async () => {
    qbo.control.injectFault({ kind: 'lost-response', entity: 'Customer' });
    const lost = await failure(qb.call('createCustomer', { DisplayName: 'Lost Response LLC', requestId: 'lost-1' }));
    expect(lost.response).toBeUndefined();
    const retried = await qb.call<{ Id: string }>('createCustomer', { DisplayName: 'Lost Response LLC', requestId: 'lost-1' });
    expect(qbo.control.list(realm, 'Customer').map((c) => c.Id)).toEqual([retried.Id]);

    qbo.control.injectFault({ kind: 'lost-response', entity: 'Customer', mode: '500' });
    const as500 = await failure(qb.call('createCustomer', { DisplayName: 'Second Lost LLC' }));
    expect(as500.response?.status).toBe(500);
    expect(qbo.control.list(realm, 'Customer').map((c) => c.DisplayName)).toContain('Second Lost LLC');
  });

  it('token endpoint faults are retried by intuit-oauth', async () => {
    const tokens = qbo.control.issueTokens(realm);
    const client = new OAuthClient({ clientId: 'emulator-client-id', clientSecret: 'emulator-client-secret', environment: 'sandbox', redirectUri: 'http://localhost/cb' });
    client.setAuthorizeURLs({ authorizeEndpoint: qbo.endpoints.authorizeEndpoint, tokenEndpoint: qbo.endpoints.tokenEndpoint, revokeEndpoint: qbo.endpoints.revokeEndpoint, userInfoEndpoint: qbo.endpoints.userInfoEndpoint });
    qbo.control.injectFault({ kind: 'service-unavailable', target: 'oauth', operation: 'token' });
    const refreshed = (await client.refreshUsingToken(tokens.refresh_token)).getJson() as { access_token: string };
    expect(refreshed.access_token).toEqual(expect.any(String));
    expect(qbo.control.counters().injected).toBe(1);
    expect(qbo.control.pendingFaults()).toEqual([]);
  });
});
