import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { seedDeal } from '@ledgerline/emulators/salesforce/test-kit';

const VERSION = '62.0';
const API_KEY = 'callout-test-key';

describe('Salesforce emulator: injected faults through jsforce', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({});
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.control.reset();
    conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
  });

  it('REQUEST_LIMIT_EXCEEDED (403) on the next matching call only', async () => {
    emu.control.addFault({ kind: 'REQUEST_LIMIT_EXCEEDED', path: '/query' });
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ name: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.' });
    await expect(conn.query('SELECT Id FROM Account')).resolves.toMatchObject({ done: true });
  });

  it('REQUEST_LIMIT_EXCEEDED when the daily counter is spent', async () => {
    emu.control.setApiUsage({ used: 5, limit: 5 });
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ name: 'REQUEST_LIMIT_EXCEEDED' });
  });

  it('401 INVALID_SESSION_ID: an error without a refresh delegate, a refresh and retry with one', async () => {
    emu.control.addFault({ kind: 'INVALID_SESSION_ID' });
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ name: 'INVALID_SESSION_ID' });

    let refreshed = 0;
    const refreshing = new Connection({
      instanceUrl: emu.url,
      accessToken: emu.control.createSession().accessToken,
      version: VERSION,
      refreshFn: (_c, callback) => {
        refreshed += 1;
        callback(null, emu.control.createSession().accessToken);
      },
    });
    emu.control.expireSessions();
    await expect(refreshing.query('SELECT Id FROM Account')).resolves.toMatchObject({ done: true });
    expect(refreshed).toBe(1);
  });

  it('500 on a POST is not retried by jsforce; 503 on a GET is retried and then succeeds', async () => {
    emu.control.addFault({ kind: 'SERVER_ERROR', status: 500, method: 'POST' });
    await expect(conn.sobject('Account').create({ Name: 'X' })).rejects.toMatchObject({ name: 'UNKNOWN_EXCEPTION' });
    expect(emu.control.records('Account')).toHaveLength(0);

    emu.control.addFault({ kind: 'SERVER_ERROR', status: 503, method: 'GET', path: '/query' });
    await expect(conn.query('SELECT Id FROM Account')).resolves.toMatchObject({ done: true });
    expect(emu.control.counters().endpoints).toMatchObject({ 'FAULT SERVER_ERROR': 2, 'GET /query': 1 });
  });

  it('UNABLE_TO_LOCK_ROW for a whole request', async () => {
    const { Account: [id] = [] } = emu.control.seed({ Account: [{ Name: 'Locked' }] });
    emu.control.addFault({ kind: 'UNABLE_TO_LOCK_ROW', method: 'PATCH' });
    await expect(conn.sobject('Account').update({ Id: id as string, Name: 'New' })).rejects.toMatchObject({ name: 'UNABLE_TO_LOCK_ROW' });
    expect(emu.control.record('Account', id as string)?.Name).toBe('Locked');
  });

  it('slow responses (DELAY) and a per-request latency', async () => {
    emu.control.addFault({ kind: 'DELAY', delayMs: 300, path: '/query' });
    let started = Date.now();
    await conn.query('SELECT Id FROM Account');
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    emu.control.setLatency(150);
    started = Date.now();
    await conn.query('SELECT Id FROM Account');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('faults are listed, counted down and cleared over the HTTP control API', async () => {
    const res = await fetch(`${emu.url}/__control/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'SERVER_ERROR', status: 503, times: 3, method: 'POST' }) });
    expect(res.status).toBe(201);
    const listed = (await (await fetch(`${emu.url}/__control/faults`)).json()) as { remaining: number }[];
    expect(listed.map((f) => f.remaining)).toEqual([3]);
    await expect(conn.sobject('Account').create({ Name: 'X' })).rejects.toMatchObject({ name: 'SERVER_UNAVAILABLE' });
    expect(((await (await fetch(`${emu.url}/__control/faults`)).json()) as { remaining: number }[])[0]?.remaining).toBe(2);
    await fetch(`${emu.url}/__control/faults`, { method: 'DELETE' });
    await expect(conn.sobject('Account').create({ Name: 'X' })).resolves.toMatchObject({ success: true });
  });
});

describe('Salesforce emulator: Closed Won callout to the middleware', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let server: Server;
  const received: { path: string; auth: string | undefined; body: { opportunityIds: string[]; reason: string } }[] = [];
  let reply = { status: 202, body: {} as unknown };

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        received.push({ path: req.url ?? '', auth: req.headers.authorization, body: JSON.parse(data) as { opportunityIds: string[]; reason: string } });
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    emu = await startSalesforceEmulator({ callout: { url, apiKey: API_KEY } });
    conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
  });
  afterAll(async () => {
    await emu.close();
    await new Promise((r) => server.close(r));
  });
  beforeEach(() => {
    emu.control.reset();
    received.length = 0;
    reply = { status: 202, body: { accepted: [], rejected: [] } };
  });

  it('posts the won deal ids with the bearer key after the response and marks the deal Queued', async () => {
    const deal = seedDeal(emu.control);
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Won' });
    expect(emu.control.record('Opportunity', deal.opportunityId)?.Billing_Sync_Status__c).toBe('Queued');
    await emu.control.waitForCallouts();
    expect(received).toEqual([{ path: '/api/v1/sync/opportunities', auth: `Bearer ${API_KEY}`, body: { opportunityIds: [deal.opportunityId], reason: 'closed_won' } }]);
    expect(emu.control.callouts()[0]).toMatchObject({ status: 202, opportunityIds: [deal.opportunityId], error: null });

    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, Description: 'still won' });
    await emu.control.waitForCallouts();
    expect(received).toHaveLength(1);
  });

  it('sends one callout per 200 deals closed in a collection, and none for seeded or rolled-back data', async () => {
    const ids = emu.control.seed({ Opportunity: Array.from({ length: 200 }, (_v, i) => ({ Name: `D${i}`, StageName: 'Closed Won', CloseDate: '2030-01-01' })) }).Opportunity as string[];
    expect(ids).toHaveLength(200);
    const open = emu.control.seed({ Opportunity: Array.from({ length: 200 }, (_v, i) => ({ Name: `O${i}`, StageName: 'Prospecting', CloseDate: '2030-01-01' })) }).Opportunity as string[];
    await conn.sobject('Opportunity').update(open.map((Id, i) => ({ Id, StageName: i === 0 ? 'Nope' : 'Closed Won' })), { allOrNone: true });
    await conn.sobject('Opportunity').update(open.map((Id) => ({ Id, StageName: 'Closed Won' })));
    await emu.control.waitForCallouts();
    expect(received).toHaveLength(1);
    expect(received[0]?.body.opportunityIds).toEqual(open);
  });

  it('keeps the deal Queued with the reason when the middleware fails briefly (the sweeper retries)', async () => {
    reply = { status: 500, body: { error: { code: 'INTERNAL' } } };
    const deal = seedDeal(emu.control);
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Won' });
    await emu.control.waitForCallouts();
    const opp = emu.control.record('Opportunity', deal.opportunityId);
    expect(opp?.Billing_Sync_Status__c).toBe('Queued');
    expect(opp?.Billing_Sync_Error__c).toContain('HTTP 500');
  });

  it('sets Billing_Sync_Status__c = Error with the reason when the middleware refuses the request', async () => {
    reply = { status: 401, body: { error: { code: 'UNAUTHORIZED', message: 'The bearer key is not valid.' } } };
    const deal = seedDeal(emu.control);
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Won' });
    await emu.control.waitForCallouts();
    const opp = emu.control.record('Opportunity', deal.opportunityId);
    expect(opp?.Billing_Sync_Status__c).toBe('Error');
    expect(opp?.Billing_Sync_Error__c).toContain('HTTP 401');
  });

  it('can be switched off', async () => {
    emu.control.configureCallout({ enabled: false });
    const deal = seedDeal(emu.control);
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Won' });
    await emu.control.waitForCallouts();
    expect(received).toHaveLength(0);
    expect(emu.control.record('Opportunity', deal.opportunityId)?.Billing_Sync_Status__c).toBe('Not Started');
    emu.control.configureCallout({ enabled: true });
  });
});
