/**
 * The history import, reconciliation and catalogue routes as someone with a browser or curl would try them:
 * the Salesforce API key is not an admin key, cross-site and non-JSON POSTs are refused, and bad input is
 * refused before a job is queued.
 */
import { IMPORT_JOB, RECONCILE_JOB } from '../src/services/history/history-import';
import { startStack, type Stack } from './support/stack';

describe('history import and reconciliation routes under attack', () => {
  let stack: Stack;
  const admin = () => ({ authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/json' });

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false });
    await stack.connectQbo();
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses the API key, and no key at all, on every admin route', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/history-import'],
      ['POST', '/api/v1/history-import'],
      ['POST', '/api/v1/reconcile'],
      ['GET', '/api/v1/reconciliation'],
      ['GET', '/api/v1/catalog'],
    ] as const) {
      const body = method === 'POST' ? '{}' : undefined;
      const withApiKey = await fetch(`${stack.url}${path}`, { method, headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body });
      expect([method, path, withApiKey.status]).toEqual([method, path, 401]);
      const anonymous = await fetch(`${stack.url}${path}`, { method, headers: { 'content-type': 'application/json' }, body });
      expect([method, path, anonymous.status]).toEqual([method, path, 401]);
    }
  });

  it('refuses a form post and a cross-site post of Reconcile now, even with the admin key', async () => {
    const form = await fetch(`${stack.url}/api/v1/reconcile`, { method: 'POST', headers: { authorization: `Bearer ${stack.adminKey}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'realmId=1' });
    expect(form.status).toBe(415);
    const crossSite = await fetch(`${stack.url}/api/v1/reconcile`, { method: 'POST', headers: { ...admin(), 'sec-fetch-site': 'cross-site', origin: 'https://attacker.example' }, body: '{}' });
    expect(crossSite.status).toBe(403);
    expect(await stack.ledgerline.queue.list({ type: RECONCILE_JOB })).toEqual([]);
  });

  it('refuses a start date that is no day of the calendar, or lies in the future, before queueing anything', async () => {
    // Connecting queued the company's first import; nothing more may be queued below.
    const before = (await stack.ledgerline.queue.list({ type: IMPORT_JOB })).map((job) => job.id);
    for (const since of ['2024-02-31', '2023-02-29', '2024-04-31', '2999-01-01']) {
      const res = await fetch(`${stack.url}/api/v1/history-import`, { method: 'POST', headers: admin(), body: JSON.stringify({ realmId: stack.realmId, since }) });
      expect([since, res.status]).toEqual([since, 400]);
      const error = ((await res.json()) as { error: { message: string; fix: string } }).error;
      expect(error.message).toContain(since);
    }
    expect((await stack.ledgerline.queue.list({ type: IMPORT_JOB })).map((job) => job.id)).toEqual(before);
    // A real day in the past is taken.
    const ok = await fetch(`${stack.url}/api/v1/history-import`, { method: 'POST', headers: admin(), body: JSON.stringify({ realmId: stack.realmId, since: '2024-02-29' }) });
    expect(ok.status).toBe(202);
  });
});
