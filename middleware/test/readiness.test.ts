/**
 * /readyz is public for load balancers: the status only. Realm ids, entity names and the database's own
 * errors are for admins (issue #23, finding 7).
 */
import { startStack, type Stack } from './support/stack';

describe('/readyz', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false });
    await stack.connectQbo('Default');
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('answers the status alone to anyone, and the checks to an admin', async () => {
    const open = await fetch(`${stack.url}/readyz`);
    expect(open.status).toBe(200);
    const text = await open.text();
    expect(JSON.parse(text)).toEqual({ status: 'ready' });
    expect(text).not.toContain(stack.realmId);
    // The Salesforce key is not an admin key.
    expect(await (await fetch(`${stack.url}/readyz`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json()).toEqual({ status: 'ready' });
    const admin = (await (await fetch(`${stack.url}/readyz`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).json()) as { checks: { quickbooks: Array<{ realmId: string; billingEntity: string }> } };
    expect(admin.checks.quickbooks).toEqual([{ billingEntity: 'Default', realmId: stack.realmId, status: 'connected' }]);
  });

  it('never shows the database error, even to an admin', async () => {
    const store = stack.ledgerline.store;
    const ping = store.ping;
    store.ping = async () => {
      throw new Error('connect ECONNREFUSED db-internal.example:5432 (user ledgerline_owner)');
    };
    try {
      const open = await fetch(`${stack.url}/readyz`);
      expect(open.status).toBe(503);
      expect(await open.json()).toEqual({ status: 'not ready' });
      const admin = await (await fetch(`${stack.url}/readyz`, { headers: { authorization: `Bearer ${stack.adminKey}` } })).text();
      expect(admin).toContain('unavailable');
      expect(admin).not.toContain('db-internal');
      expect(admin).not.toContain('ledgerline_owner');
    } finally {
      store.ping = ping;
    }
  });
});
