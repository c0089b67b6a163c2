import { z } from 'zod';
import { accountSyncRequestSchema } from '../src/http/account-routes';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

// JSON answers and emulator records are read field by field.
 
type Rec = Record<string, any>;
const DAY = 24 * 3600 * 1000;

/** Admin operations over HTTP: health, jobs, retries, audit trail, and the OpenAPI document. */
describe('operations API (real clients, emulators)', () => {
  let stack: Stack;
  let catalog: Catalog;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({ env: { JOB_MAX_ATTEMPTS: '2', JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '50' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    admin = `Basic ${Buffer.from(`ops:${stack.adminKey}`).toString('base64')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(() => stack.qbo.control.clearFaults());

  const get = async (path: string, auth = admin) => {
    const res = await fetch(`${stack.url}${path}`, { headers: { authorization: auth } });
    return { status: res.status, body: (await res.json()) as Rec };
  };
  const post = async (path: string, body?: unknown) => {
    const res = await fetch(`${stack.url}${path}`, { method: 'POST', headers: { authorization: admin, 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}) });
    return { status: res.status, body: (await res.json()) as Rec };
  };
  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as Rec;

  it('refuses the operations routes without the admin key, and the Salesforce API key is not an admin key', async () => {
    expect((await get('/api/v1/health', '')).status).toBe(401);
    expect((await get('/api/v1/jobs', `Bearer ${stack.apiKey}`)).status).toBe(401);
    expect((await get('/api/v1/jobs', `Bearer ${stack.adminKey}`)).status).toBe(200);
  });

  it('reports a healthy company with token dates, Salesforce auth and its API usage, and the CDC cursor', async () => {
    await stack.ledgerline.payments.cdc.sweep(stack.realmId);
    const { status, body } = await get('/api/v1/health');
    expect(status).toBe(200);
    const company = body.companies.find((c: Rec) => c.realmId === stack.realmId);
    expect(company).toMatchObject({ connected: true, status: 'ok', warnings: [], accessTokenExpired: false, refreshTokenAgeDays: 0 });
    expect(Date.parse(company.refreshTokenExpiresAt)).toBeGreaterThan(Date.now() + 30 * DAY);
    expect(company.cdcCursor).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(company.apiCallsToday).toBeGreaterThan(0);
    expect(body.salesforce).toMatchObject({ status: 'ok', authenticated: true });
    expect(body.salesforce.apiUsage.used).toBeGreaterThan(0);
    expect(JSON.stringify(body)).not.toMatch(/accessToken"|refreshToken"/);
  });

  it('reports an expired refresh token and one about to expire (14-day warning), with the fix', async () => {
    const tokens = { accessToken: 'a', refreshToken: 'r', accessTokenExpiresAt: new Date(Date.now() - 3600_000), refreshTokenIssuedAt: new Date(Date.now() - 101 * DAY) };
    await stack.ledgerline.store.connections.connect({ ...tokens, realmId: '111', billingEntity: 'Europe', refreshTokenExpiresAt: new Date(Date.now() - DAY) });
    await stack.ledgerline.store.connections.connect({ ...tokens, realmId: '222', billingEntity: 'Canada', refreshTokenExpiresAt: new Date(Date.now() + 10 * DAY + 3600_000) });
    try {
      const { body } = await get('/api/v1/health');
      const europe = body.companies.find((c: Rec) => c.realmId === '111');
      const canada = body.companies.find((c: Rec) => c.realmId === '222');
      expect(europe).toMatchObject({ status: 'error', connected: false, refreshTokenAgeDays: 101, refreshTokenExpiresInDays: -1, accessTokenExpired: true });
      expect(europe.warnings.join(' ')).toMatch(/refresh token expired on .* reconnect the company at \/oauth\/quickbooks\/connect\?entity=Europe/);
      expect(canada).toMatchObject({ status: 'warning', connected: true, refreshTokenExpiresInDays: 10 });
      expect(canada.warnings.join(' ')).toMatch(/expires in 10 days/);
      expect(body.status).toBe('error');
      expect(body.problems.some((p: string) => p.startsWith('Europe (111)'))).toBe(true);
    } finally {
      await stack.ledgerline.store.connections.remove('111');
      await stack.ledgerline.store.connections.remove('222');
    }
  });

  it('reports a growing backlog: depth rises and the oldest due job ages past the warning', async () => {
    const before = (await get('/api/v1/health')).body.queue;
    // Jobs that no worker of this stack handles stand in for a stalled worker pool.
    await stack.ledgerline.queue.enqueue({ type: 'test.stalled', payload: {}, runAt: new Date(Date.now() - 2 * 60_000) });
    const middle = (await get('/api/v1/health')).body.queue;
    await stack.ledgerline.queue.enqueue({ type: 'test.stalled', payload: {}, runAt: new Date(Date.now() - 11 * 60_000) });
    const after = (await get('/api/v1/health')).body;
    expect(middle.queued).toBe(before.queued + 1);
    expect(middle.status).toBe('ok');
    expect(after.queue.queued).toBe(before.queued + 2);
    expect(after.queue.oldestQueuedAgeSeconds).toBeGreaterThanOrEqual(660);
    expect(after.queue.status).toBe('warning');
    expect(after.problems.join(' ')).toMatch(/backlog is growing: the oldest due job has waited \d+ s/);
    for (const job of await stack.ledgerline.queue.list({ type: 'test.stalled' })) await stack.ledgerline.queue.cancel(job.id);
  });

  it('lists a dead job by state and Opportunity, retries every dead job after the fix, and the audit trail shows both ids', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Dead Letter Ltd' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }]);
    stack.qbo.control.injectFault({ kind: 'server-error', times: 50, entity: 'Invoice', operation: 'create' });
    closeWon(stack.sf, id);
    const [dead] = await waitFor(async () => {
      const jobs = (await get(`/api/v1/jobs?state=dead&opportunityId=${id}`)).body.jobs as Rec[];
      return jobs.length > 0 ? jobs : undefined;
    }, 20_000, 'dead job');
    expect(dead).toMatchObject({ type: 'invoice.sync', state: 'dead', opportunityId: id, attempts: 2 });
    expect(dead.lastError).toMatch(/500|server|QuickBooks/i);
    expect((await get(`/api/v1/health`)).body.queue.dead).toBeGreaterThanOrEqual(1);

    stack.qbo.control.clearFaults();
    const retried = await post('/api/v1/jobs/retry-all', { state: 'dead' });
    expect(retried.status).toBe(200);
    expect(retried.body.retried).toContain(dead.id);
    const done = await waitFor(async () => {
      const job = (await get(`/api/v1/jobs/${dead.id}`)).body;
      return job.state === 'completed' ? job : undefined;
    }, 20_000, 'retried job');
    expect(done.realmId).toBe(stack.realmId);
    const invoiceId = opp(id).QuickBooks_Invoice_Id__c as string;
    expect(invoiceId).toBeTruthy();
    expect((await get(`/api/v1/jobs?realmId=${stack.realmId}&opportunityId=${id}`)).body.jobs.map((j: Rec) => j.id)).toEqual([dead.id]);
    expect((await get(`/api/v1/jobs?realmId=999&opportunityId=${id}`)).body.jobs).toEqual([]);

    const trail = (await get(`/api/v1/audit?record=${id}`)).body.entries as Rec[];
    expect(trail.find((e) => e.action === 'invoice.created')).toMatchObject({ salesforceId: id, qboId: invoiceId, realmId: stack.realmId, jobId: dead.id });
    expect(trail.find((e) => e.action === 'job.retried')).toMatchObject({ jobId: dead.id, actor: 'admin-api' });
    const byInvoice = (await get(`/api/v1/audit?record=${invoiceId}`)).body.entries as Rec[];
    expect(byInvoice.some((e) => e.salesforceId === id && e.action === 'invoice.created')).toBe(true);
  });

  it('retries one job by id, and refuses a job that is not finished or does not exist', async () => {
    const { job } = await stack.ledgerline.queue.enqueue({ type: 'test.stalled', payload: {} });
    expect((await post(`/api/v1/jobs/${job.id}/retry`)).status).toBe(409);
    expect((await post('/api/v1/jobs/nope/retry')).status).toBe(404);
    await stack.ledgerline.queue.cancel(job.id);
    const again = await post(`/api/v1/jobs/${job.id}/retry`);
    expect(again.status).toBe(202);
    expect(again.body.state).toBe('queued');
    await stack.ledgerline.queue.cancel(job.id);
  });

  it('answers bad filters with 400 naming the field', async () => {
    const res = await get('/api/v1/jobs?state=exploded');
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/state/);
    expect((await get('/api/v1/audit')).status).toBe(400);
  });

  it('serves an OpenAPI 3 document that covers every route the app serves, from the validating schemas', async () => {
    const res = await fetch(`${stack.url}/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Rec;
    expect(doc.openapi).toBe('3.0.3');
    const served = routesOf(stack.ledgerline.app).map(([method, path]) => `${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    const documented = Object.entries(doc.paths as Record<string, Rec>).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    expect(served.filter((r) => !documented.includes(r))).toEqual([]);
    const operationIds = documented.map((r) => doc.paths[r.split(' ')[1]!][r.split(' ')[0]!].operationId);
    expect(new Set(operationIds).size).toBe(documented.length);
    const { $schema: _ignored, ...expected } = z.toJSONSchema(accountSyncRequestSchema, { target: 'openapi-3.0', io: 'input' }) as Rec;
    expect(doc.paths['/api/v1/sync/accounts'].post.requestBody.content['application/json'].schema).toEqual(expected);
    expect(doc.paths['/api/v1/jobs'].get.parameters.map((p: Rec) => p.name)).toEqual(['state', 'type', 'opportunityId', 'realmId', 'limit', 'offset']);
  });
});

/** [method, path] of every route registered on the Express app (through mounted routers). */
function routesOf(app: unknown): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const walk = (stack: Rec[]) => {
    for (const layer of stack) {
      if (layer.route) for (const method of Object.keys(layer.route.methods)) out.push([method, layer.route.path]);
      else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as Rec).router.stack);
  return out.filter(([method]) => method !== '_all');
}
