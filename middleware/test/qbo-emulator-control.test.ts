/** The HTTP control API under /__control, as the demo and external harnesses use it. */
import { startQboEmulator, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { call } from './fixtures/quickbooks/helpers';

let qbo: QboEmulator;
beforeAll(async () => {
  qbo = await startQboEmulator({ port: 0, realms: ['111', '222'] });
});
afterAll(async () => {
  await qbo.close();
});

const control = (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
  call(`${qbo.url}/__control${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });

describe('/__control', () => {
  it('answers at the printed control URL itself with its realms and the routes under it', async () => {
    const index = await control('');
    expect(index.status).toBe(200);
    const body = index.json as { realms: string[]; routes: string[] };
    expect(body.realms).toEqual(['111', '222']);
    expect(body.routes).toEqual(expect.arrayContaining(['GET /__control', 'POST /__control/realms/:realmId/seed', 'POST /__control/reset']));
    expect((await control('/')).status).toBe(200);
  });

  it('seeds, pays several invoices, applies credit, voids, and keeps realms apart', async () => {
    const seeded = (await control('/realms/111/seed', {
      customers: [{ DisplayName: 'Globex', Taxable: false }],
      invoices: [
        { CustomerRef: { value: '1' }, Line: [{ Amount: 100, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' } } }] },
        { CustomerRef: { value: '1' }, Line: [{ Amount: 50, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' } } }] },
      ],
    })).json as { Invoice: Array<{ Id: string; TotalAmt: number }> };
    expect(seeded.Invoice.map((i) => i.TotalAmt)).toEqual([100, 50]); // non-taxable customer: no tax

    const payment = (await control('/realms/111/payments', { invoices: [{ id: '1' }, { id: '2', amount: 20 }] })).json as { TotalAmt: number };
    expect(payment.TotalAmt).toBe(120);
    const memo = (await control('/realms/111/credit-memos', { CustomerRef: { value: '1' }, Line: [{ Amount: 30, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' } } }] })).json as { Id: string };
    await control(`/realms/111/credit-memos/${memo.Id}/apply`, { invoiceId: '2' });
    const inv2 = (await control('/realms/111/entities/Invoice/2')).json as { Balance: number; LinkedTxn: unknown[] };
    expect(inv2.Balance).toBe(0);
    expect(inv2.LinkedTxn).toHaveLength(2);
    const customer = (await control('/realms/111/entities/Customer/1')).json as { Balance: number };
    expect(customer.Balance).toBe(0);

    const third = (await control('/realms/111/entities/Invoice', { CustomerRef: { value: '1' }, Line: [{ Amount: 5, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '2' } } }] })).json as { Id: string };
    expect((await control(`/realms/111/invoices/${third.Id}/void`, {})).json).toMatchObject({ PrivateNote: 'Voided', TotalAmt: 0 });
    expect(((await control('/realms/222/entities/Customer')).json as unknown[]).length).toBe(0);
  });

  it('arms faults, moves the clock, issues tokens and reads counters', async () => {
    const tokens = (await control('/tokens', { realmId: '222' })).json as { access_token: string };
    await control('/faults', { kind: 'server-error', entity: 'Item' });
    expect(((await control('/faults')).json as unknown[]).length).toBe(1);
    const api = (path: string) => call(`${qbo.endpoints.apiBase}222${path}`, { token: tokens.access_token });
    expect((await api('/item/1')).status).toBe(500);
    expect((await api('/item/1')).status).toBe(200);
    expect((await api('/customer/1')).status).toBe(400);
    const counters = (await control('/counters')).json as { byOperation: Record<string, number>; byStatus: Record<string, number> };
    expect(counters.byOperation['Item.read']).toBe(2);
    expect(counters.byStatus).toMatchObject({ 200: 1, 400: 1, 500: 1 });
    await control('/clock', { advanceMs: 3600 * 1000 });
    expect((await api('/item/1')).status).toBe(401);
    expect((await call(`${qbo.endpoints.apiBase}111/item/1`, { token: tokens.access_token })).status).toBe(401);
  });
});
