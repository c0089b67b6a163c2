import { settledJobs, startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog, billingSettled } from './support/deals';

type Rec = Record<string, any>;

/**
 * The invoice engine meets an Account with no link: it asks the onboarding matcher. A probable
 * look-alike stops the deal with an explained error (no customer is created); after an admin links
 * them with the onboarding apply, a retry invoices that customer. An exact one links by itself.
 */
describe('invoice engine uses the onboarding matcher (real clients, emulators)', () => {
  let stack: Stack;
  let catalog: Catalog;
  let vandelay: Rec;

  beforeAll(async () => {
    stack = await startStack();
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    // Typed into QuickBooks before the engine first reads the company's customers. (One typed in later is
    // seen by the catch-up read made right before any customer is created: the test below.)
    vandelay = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Vandelay Industries, Inc.', PrimaryEmailAddr: { Address: 'accounts@vandelay.example' } }) as Rec;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as Rec;
  const settled = (id: string) => billingSettled(stack.sf, id);
  const customers = (prefix: string) => (stack.qbo.control.list(stack.realmId, 'Customer') as Rec[]).filter((c) => String(c.DisplayName).startsWith(prefix));
  const invoicesFor = (id: string) => (stack.qbo.control.list(stack.realmId, 'Invoice') as Rec[]).filter((inv) => String(inv.PrivateNote ?? '').includes(id));
  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${stack.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const adminHeaders = () => ({ authorization: `Basic ${Buffer.from(`admin:${stack.adminKey}`).toString('base64')}` });

  it('sees a look-alike customer typed into QuickBooks seconds before, between two deals, and stops the second deal', async () => {
    const first = seedOpportunity(stack.sf, catalog, seedAccount(stack.sf, { Name: 'Bluth Company', Billing_Email__c: 'ap@bluth.example' }), [{ code: 'CONS-HR', quantity: 1 }]);
    closeWon(stack.sf, first);
    expect((await settled(first)).Billing_Sync_Status__c).toBe('Synced'); // the look-alike index of the company is built now

    const acme = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Acme, Inc.' }) as Rec;
    const accountId = seedAccount(stack.sf, { Name: 'ACME Inc', Billing_Email__c: 'ap@acme-inc.example' });
    const second = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 2 }]);
    closeWon(stack.sf, second);

    const result = await settled(second);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(String(result.Billing_Sync_Error__c)).toContain(`Account "ACME Inc" (${accountId}) has no QuickBooks customer linked, and an existing customer looks like the same company: "Acme, Inc." (QuickBooks customer #${acme.Id}`);
    expect((stack.qbo.control.list(stack.realmId, 'Customer') as Rec[]).filter((c) => /^acme/i.test(String(c.DisplayName)))).toHaveLength(1);
    expect(invoicesFor(second)).toHaveLength(0);
  });

  it('refuses to create a customer next to a probable match, and invoices it after the admin links them', async () => {
    const existing = stack.qbo.control.create(stack.realmId, 'Customer', {
      DisplayName: 'Initrode Inc.',
      PrimaryEmailAddr: { Address: 'billing@initrode.example' },
      PrimaryPhone: { FreeFormNumber: '(512) 555-0142' },
    }) as Rec;
    const accountId = seedAccount(stack.sf, { Name: 'Initrode Group', Billing_Email__c: 'ap@initrode.example', Phone: '512-555-0142' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 3 }]);
    closeWon(stack.sf, id);

    const failed = await settled(id);
    expect(failed.Billing_Sync_Status__c).toBe('Error');
    const text = String(failed.Billing_Sync_Error__c);
    expect(text).toContain(`Account "Initrode Group" (${accountId})`);
    expect(text).toContain(`"Initrode Inc." (QuickBooks customer #${existing.Id}`);
    expect(text).toContain('same phone number');
    expect(text).toContain(`Fix: If it is the same company, set QuickBooks Customer Id on the Account to ${existing.Id}`);
    expect(text).toContain('onboarding apply');
    expect(customers('Initrode')).toHaveLength(1);
    expect(invoicesFor(id)).toHaveLength(0);
    const [job] = await settledJobs(stack, `opportunity:${id}`);
    expect(job!.state).toBe('failed');
    expect(job!.attempts).toBe(1); // permanent: not retried by itself

    // The preview (Opportunity page) shows the same problem before anyone retries.
    const preview = (await (await fetch(`${stack.url}/api/v1/opportunities/${id}/preview`, { headers: { authorization: `Bearer ${stack.apiKey}` } })).json()) as Rec;
    expect(preview.problems.map((p: Rec) => p.code)).toContain('PROBABLE_CUSTOMER_MATCH');

    // The admin reviews the report, writes "link" on the probable row and applies the file.
    const report = await post('/api/v1/onboarding/match', { report: 'customers' }, adminHeaders());
    expect(report.status).toBe(200);
    const csv = await report.text();
    const lines = csv.split('\r\n');
    const row = lines.findIndex((l) => l.startsWith('probable,') && l.includes(accountId) && l.includes(`,${existing.Id},`));
    expect(row).toBeGreaterThan(0);
    expect(await stack.ledgerline.store.links.get('customer', stack.realmId, accountId)).toBeUndefined(); // no link without apply
    lines[row] = lines[row]!.replace(/^probable,,/, 'probable,link,');
    const applied = await post('/api/v1/onboarding/apply', { decisions: lines.join('\r\n') }, adminHeaders());
    expect(applied.status).toBe(200);
    const figures = (await applied.json()) as Rec;
    expect(figures.customers.links).toEqual([{ salesforceId: accountId, qboId: existing.Id }]);

    const retry = await post('/api/v1/sync/opportunities', { opportunityIds: [id], reason: 'retry' }, { authorization: `Bearer ${stack.apiKey}` });
    expect(retry.status).toBe(202);
    await waitFor(() => opp(id).Billing_Sync_Status__c === 'Synced' || undefined, 20_000, 'retried sync');
    expect(invoicesFor(id)).toHaveLength(1);
    expect(invoicesFor(id)[0]!.CustomerRef.value).toBe(existing.Id);
    expect(customers('Initrode')).toHaveLength(1);
  });

  it('links an exact look-alike (same normalized name and company domain) instead of creating a second customer', async () => {
    const existing = vandelay;
    const accountId = seedAccount(stack.sf, { Name: 'Vandelay Industries', Billing_Email__c: 'art@vandelay.example' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'HW-KIT', quantity: 1 }]);
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    expect(invoicesFor(id)[0]!.CustomerRef.value).toBe(existing.Id);
    expect(customers('Vandelay')).toHaveLength(1);
    const link = await stack.ledgerline.store.links.get<Rec>('customer', stack.realmId, accountId);
    expect(link?.extra).toMatchObject({ how: 'matched', displayName: 'Vandelay Industries, Inc.' });
  });

  it('sees the customers it created itself: a second spelling of a new company links to the customer made a moment before', async () => {
    const first = seedAccount(stack.sf, { Name: 'Soylent Corp', Billing_Email__c: 'ap@soylent.example', Phone: '+1 415 555 0199' });
    const firstDeal = seedOpportunity(stack.sf, catalog, first, [{ code: 'CONS-HR', quantity: 1 }]);
    closeWon(stack.sf, firstDeal);
    expect((await settled(firstDeal)).Billing_Sync_Status__c).toBe('Synced');
    expect(customers('Soylent')).toHaveLength(1);

    const second = seedAccount(stack.sf, { Name: 'Soylent Corporation', Billing_Email__c: 'finance@soylent.example', Phone: '415-555-0199' });
    const secondDeal = seedOpportunity(stack.sf, catalog, second, [{ code: 'CONS-HR', quantity: 2 }]);
    closeWon(stack.sf, secondDeal);
    expect((await settled(secondDeal)).Billing_Sync_Status__c).toBe('Synced');
    expect(customers('Soylent')).toHaveLength(1);
    expect(invoicesFor(secondDeal)[0]!.CustomerRef.value).toBe(customers('Soylent')[0]!.Id);
  });

  it('still creates a customer for a company that resembles nobody', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Kramerica Industries', Billing_Email__c: 'ap@kramerica.example' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }]);
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    expect(customers('Kramerica').map((c) => c.DisplayName)).toEqual(['Kramerica Industries']);
  });
});
