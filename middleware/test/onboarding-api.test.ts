import { startStack, type Stack } from './support/stack';
import { seedAccount } from './support/deals';

type Rec = Record<string, any>;

const SECOND_REALM = '4620816365299999';

/** The admin API over the onboarding run: admin key only, bounded answers, per-company links. */
describe('POST /api/v1/onboarding/* (real clients, emulators)', () => {
  let stack: Stack;
  const ids: Record<string, string> = {};
  const customers: Record<string, Rec> = {};

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false });
    await stack.connectQbo();
    stack.qbo.control.createRealm(SECOND_REALM);
    await stack.connectQbo('Europe', SECOND_REALM);
    const create = (realm: string, body: Rec) => stack.qbo.control.create(realm, 'Customer', body) as Rec;
    customers.globex = create(stack.realmId, { DisplayName: 'Globex Corporation', PrimaryEmailAddr: { Address: 'ap@globex.example' } });
    customers.umbrella = create(stack.realmId, { DisplayName: 'Umbrella Corp', PrimaryEmailAddr: { Address: 'ap@umbrella.example' } });
    customers.globexEu = create(SECOND_REALM, { DisplayName: 'Globex Corp', PrimaryEmailAddr: { Address: 'ap@globex.example' } });
    ids.globex = seedAccount(stack.sf, { Name: 'Globex Corporation', Billing_Email__c: 'ap@globex.example' });
    ids.umbrella = seedAccount(stack.sf, { Name: 'Umbrella Corporation', Billing_Email__c: 'ap@umbrella.example' });
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = (path: string, body: unknown, authorization?: string) =>
    fetch(`${stack.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify(body),
    });
  const admin = () => `Bearer ${stack.adminKey}`;

  it('takes only the admin key (not the Salesforce API key)', async () => {
    expect((await post('/api/v1/onboarding/match', {})).status).toBe(401);
    expect((await post('/api/v1/onboarding/match', {}, `Bearer ${stack.apiKey}`)).status).toBe(401);
    expect((await post('/api/v1/onboarding/apply', { exact: true }, `Bearer ${stack.apiKey}`)).status).toBe(401);
    expect((stack.sf.control.record('Account', ids.globex!) as Rec).QuickBooks_Customer_Id__c ?? null).toBeNull();
  });

  it('answers the summary and the proposals with names, at most `limit` rows per list', async () => {
    const res = await post('/api/v1/onboarding/match', { limit: 1 }, admin());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Rec;
    expect(body.realmId).toBe(stack.realmId);
    expect(body.summary).toContain('Read 2 Salesforce Accounts and 2 QuickBooks customers.');
    expect(body.counts).toMatchObject({ accounts: 2, customers: 2 });
    expect(body.customers.exact.total).toBe(2);
    expect(body.customers.exact.rows).toHaveLength(1);
    expect(body.customers.exact.rows[0]).toMatchObject({ accountId: ids.globex, accountName: 'Globex Corporation', customerId: customers.globex!.Id, customerName: 'Globex Corporation' });
    expect(body.items.exact.total).toBeGreaterThanOrEqual(0);
  });

  it('refuses bad bodies and unknown companies with a 400 that says why', async () => {
    const bad = await post('/api/v1/onboarding/apply', { exact: false }, admin());
    expect(bad.status).toBe(400);
    const unknown = await post('/api/v1/onboarding/match', { realmId: '111' }, admin());
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as Rec).error.message).toBe('QuickBooks company 111 is not connected.');
  });

  it('links exact matches of a second company in the link table only: the Account field belongs to the default company', async () => {
    const res = await post('/api/v1/onboarding/apply', { realmId: SECOND_REALM, exact: true }, admin());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Rec;
    expect(body.customers.links).toEqual([{ salesforceId: ids.globex, qboId: customers.globexEu!.Id }]);
    expect((stack.sf.control.record('Account', ids.globex!) as Rec).QuickBooks_Customer_Id__c ?? null).toBeNull();
    const link = await stack.ledgerline.store.links.get<Rec>('customer', SECOND_REALM, ids.globex!);
    expect(link?.qboId).toBe(customers.globexEu!.Id);
    const audit = await stack.ledgerline.store.audit.query({ salesforceId: ids.globex!, realmId: SECOND_REALM });
    expect(audit.map((a) => [a.action, a.system, a.field, a.actor])).toEqual([['customer.linked', 'middleware', null, 'admin-api']]);
  });

  it('links exact matches of the default company on the Account too, and a second apply changes nothing', async () => {
    const first = (await (await post('/api/v1/onboarding/apply', { exact: true }, admin())).json()) as Rec;
    expect(first.customers.linked).toBe(2);
    expect((stack.sf.control.record('Account', ids.umbrella!) as Rec).QuickBooks_Customer_Id__c).toBe(customers.umbrella!.Id);
    const again = (await (await post('/api/v1/onboarding/apply', { exact: true }, admin())).json()) as Rec;
    expect(again.customers).toMatchObject({ requested: 2, linked: 0, unchanged: 2, refused: [], failed: [] });
    expect(await stack.ledgerline.store.audit.query({ salesforceId: ids.umbrella! })).toHaveLength(1);
  });

  it('never overwrites a link: an edited report pointing an Account elsewhere is refused for that row', async () => {
    const header = 'section,decision,score,account_id,account_name,customer_id,customer_name,reasons,group,note';
    const csv = `${header}\r\nprobable,link,0.9,${ids.umbrella},Umbrella Corporation,${customers.globex!.Id},Globex Corporation,,,\r\n`;
    const res = await post('/api/v1/onboarding/apply', { decisions: csv }, admin());
    expect(res.status).toBe(200);
    const body = (await res.json()) as Rec;
    expect(body.customers.linked).toBe(0);
    expect(body.customers.refused[0].reason).toContain(`is already linked to ${customers.umbrella!.Id}`);
    expect((stack.sf.control.record('Account', ids.umbrella!) as Rec).QuickBooks_Customer_Id__c).toBe(customers.umbrella!.Id);
  });
});
