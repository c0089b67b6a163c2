import { settledJobs, startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog, billingSettled, invoicesOf } from './support/deals';

type Rec = Record<string, any>;

/**
 * The promises of the invoice engine under bad data and faults: always exactly one invoice, or one
 * explained error on the Opportunity; never a duplicate, never a silent drop.
 */
describe('invoice engine edge cases (real clients, emulators)', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ env: { JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '200', JOB_MAX_ATTEMPTS: '10' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf, [{ Name: 'Ghost Widget', ProductCode: 'GHOST-1', Taxable__c: true, price: 10 }]);
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(() => stack.qbo.control.clearFaults());

  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as Rec;
  const settled = (id: string) => billingSettled(stack.sf, id);
  const invoicesFor = (id: string) => invoicesOf(stack.qbo, stack.realmId, id);
  const customersNamed = (prefix: string) => (stack.qbo.control.list(stack.realmId, 'Customer') as Rec[]).filter((c) => String(c.DisplayName).startsWith(prefix));
  const deal = (accountOverrides: Rec, lines = [{ code: 'CONS-HR', quantity: 2 }], oppOverrides: Rec = {}) => {
    const accountId = seedAccount(stack.sf, accountOverrides);
    return { accountId, id: seedOpportunity(stack.sf, catalog, accountId, lines, oppOverrides) };
  };

  it.each([
    ["O'Brien & Sons", "O'Brien & Sons"],
    ['Acme: West Division', 'Acme - West Division'],
    ['Smith & Wesson "Holdings" + 50% Co', 'Smith & Wesson "Holdings" + 50% Co'],
    ['N'.repeat(120), 'N'.repeat(120)],
  ])('invoices the Account "%s" under QBO-safe name "%s", and reuses that customer for the next deal', async (name, expected) => {
    const first = deal({ Name: name });
    closeWon(stack.sf, first.id);
    expect((await settled(first.id)).Billing_Sync_Status__c).toBe('Synced');
    const second = seedOpportunity(stack.sf, catalog, first.accountId, [{ code: 'HW-KIT', quantity: 1 }], { Name: 'second deal' });
    closeWon(stack.sf, second);
    expect((await settled(second)).Billing_Sync_Status__c).toBe('Synced');
    const customers = customersNamed(expected.slice(0, 20)).filter((c) => c.DisplayName === expected);
    expect(customers).toHaveLength(1);
    expect(invoicesFor(first.id)[0]!.CustomerRef.value).toBe(customers[0]!.Id);
    expect(invoicesFor(second)[0]!.CustomerRef.value).toBe(customers[0]!.Id);
    expect((stack.sf.control.record('Account', first.accountId) as Rec).QuickBooks_Customer_Id__c).toBe(customers[0]!.Id);
  });

  it('keeps a 120-character Account name whole as DisplayName and cuts only CompanyName (100) and PrintOnCheckName (110)', async () => {
    const name = `Consolidated Regional Transit and Infrastructure Maintenance Cooperative of the Greater Northwestern Territories ${'X'.repeat(7)}`;
    expect(name).toHaveLength(120);
    const { id } = deal({ Name: name });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    const customer = stack.qbo.control.get(stack.realmId, 'Customer', invoicesFor(id)[0]!.CustomerRef.value) as Rec;
    expect(customer.DisplayName).toBe(name);
    expect(customer.CompanyName).toBe(name.slice(0, 100).trimEnd());
    expect(customer.PrintOnCheckName).toBe(name.slice(0, 110).trimEnd());
  });

  it('matches an existing QBO customer by exact name instead of creating another', async () => {
    const existing = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Initech LLC', PrimaryEmailAddr: { Address: 'old@initech.example' } }) as Rec;
    const { id } = deal({ Name: 'Initech LLC' });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    expect(invoicesFor(id)[0]!.CustomerRef.value).toBe(existing.Id);
    expect(customersNamed('Initech')).toHaveLength(1);
  });

  it('matches an existing QBO customer of another name by its e-mail instead of creating another', async () => {
    // QuickBooks filters PrimaryEmailAddr on its address (`where PrimaryEmailAddr in ('…')`): the Account's
    // billing e-mail finds the customer the bookkeeper created under another name.
    const existing = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Vandelay Imports (AP)', PrimaryEmailAddr: { Address: 'AP@Vandelay.example' } }) as Rec;
    const { id, accountId } = deal({ Name: 'Vandelay Industries', Billing_Email__c: 'ap@vandelay.example' });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    expect(invoicesFor(id)[0]!.CustomerRef.value).toBe(existing.Id);
    expect(customersNamed('Vandelay')).toHaveLength(1);
    expect((stack.sf.control.record('Account', accountId) as Rec).QuickBooks_Customer_Id__c).toBe(existing.Id);
  });

  it('does not invoice an Account under a customer another Account holds when only their shared e-mail matches', async () => {
    const first = deal({ Name: 'Kramerica Industries', Billing_Email__c: 'payables@shared-bookkeeper.example' });
    closeWon(stack.sf, first.id);
    expect((await settled(first.id)).Billing_Sync_Status__c).toBe('Synced');
    const second = deal({ Name: 'Pendant Publishing', Billing_Email__c: 'payables@shared-bookkeeper.example' });
    closeWon(stack.sf, second.id);
    expect((await settled(second.id)).Billing_Sync_Status__c).toBe('Synced');
    const [kramerica] = customersNamed('Kramerica Industries');
    const [pendant] = customersNamed('Pendant Publishing');
    expect(invoicesFor(first.id)[0]!.CustomerRef.value).toBe(kramerica!.Id);
    expect(invoicesFor(second.id)[0]!.CustomerRef.value).toBe(pendant!.Id);
    expect(pendant!.Id).not.toBe(kramerica!.Id);
  });

  it('resolves a name taken by a vendor (6240) with the deterministic disambiguated name, once', async () => {
    stack.qbo.control.create(stack.realmId, 'Vendor', { DisplayName: 'Globex Corporation' });
    const { id, accountId } = deal({ Name: 'Globex Corporation' });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    const expected = `Globex Corporation [${accountId.slice(0, 15)}]`;
    expect(invoicesFor(id)[0]!.CustomerRef.name).toBe(expected);
    const again = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }], { Name: 'Globex again' });
    closeWon(stack.sf, again);
    await settled(again);
    expect(customersNamed('Globex Corporation')).toHaveLength(1);
  });

  it('refuses an unmapped product with an error naming it, and creates nothing', async () => {
    const { id } = deal({ Name: 'Umbrella Corp' }, [{ code: 'CONS-HR', quantity: 1 }, { code: 'GHOST-1', quantity: 3 }]);
    closeWon(stack.sf, id);
    const result = await settled(id);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toContain('Product "Ghost Widget"');
    expect(result.Billing_Sync_Error__c).toContain('SKU GHOST-1');
    expect(result.Billing_Sync_Error__c).toMatch(/Fix: Create an item in QuickBooks whose SKU or name is "GHOST-1"/);
    expect(invoicesFor(id)).toHaveLength(0);
    const jobs = await settledJobs(stack, `opportunity:${id}`);
    expect(jobs.map((j) => j.state)).toEqual(['failed']);
  });

  it('refuses a deal whose Account has no billing e-mail, naming the Account and the fix', async () => {
    const { id, accountId } = deal({ Name: 'Hooli', Billing_Email__c: null });
    closeWon(stack.sf, id);
    const result = await settled(id);
    expect(result.Billing_Sync_Status__c).toBe('Error');
    expect(result.Billing_Sync_Error__c).toContain(`Account "Hooli" (${accountId}) has no Billing Email`);
    expect(result.Billing_Sync_Error__c).toContain('Fix: Fill in Billing Email on the Account');
    expect(invoicesFor(id)).toHaveLength(0);
  });

  it('rides out a 429 storm and a 5xx burst with exactly one invoice', async () => {
    stack.qbo.control.injectFault({ kind: 'throttle', times: 6 });
    stack.qbo.control.injectFault({ kind: 'server-error', times: 3, entity: 'Invoice', operation: 'create' });
    const { id } = deal({ Name: 'Stark Industries' });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    expect(invoicesFor(id)).toHaveLength(1);
    const [job] = await stack.ledgerline.queue.list({ key: `opportunity:${id}` });
    expect(job!.attempts).toBeGreaterThan(1);
    expect(stack.qbo.control.pendingFaults()).toEqual([]);
  });

  it.each(['hang-up', '500'])('creates one invoice when QBO commits the create but the response is lost (%s)', async (mode) => {
    stack.qbo.control.injectFault(mode === 'hang-up' ? { kind: 'lost-response', entity: 'Invoice', operation: 'create' } : { kind: 'lost-response', mode: '500', entity: 'Invoice', operation: 'create' });
    const { id } = deal({ Name: `Wayne Enterprises ${mode}` });
    closeWon(stack.sf, id);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    expect(invoicesFor(id)).toHaveLength(1);
    expect(opp(id).QuickBooks_Invoice_Id__c).toBe(invoicesFor(id)[0]!.Id);
    expect(stack.qbo.control.pendingFaults()).toEqual([]);
  });

  it('creates one invoice when the same notification arrives 5 times at once, and later ones only refresh', async () => {
    const { id } = deal({ Name: 'Cyberdyne Systems' });
    stack.sf.control.configureCallout({ enabled: false });
    stack.sf.control.update('Opportunity', id, { StageName: 'Closed Won' });
    stack.sf.control.configureCallout({ enabled: true });
    const post = () =>
      fetch(`${stack.url}/api/v1/sync/opportunities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ opportunityIds: [id], reason: 'closed_won' }),
      });
    const answers = await Promise.all([post(), post(), post(), post(), post()]);
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    const jobIds = new Set((await Promise.all(answers.map((a) => a.json() as Promise<Rec>))).map((b) => b.accepted[0].jobId));
    expect(jobIds.size).toBe(1);
    expect((await settled(id)).Billing_Sync_Status__c).toBe('Synced');
    // The job finishes just after the deal shows Synced (it rolls the Account up last); a notification
    // while it still runs joins it, one after it gets a job of its own, which only refreshes.
    await waitFor(async () => (await stack.ledgerline.queue.list({ key: `opportunity:${id}` })).every((j) => j.state === 'completed') || undefined, 10_000, 'the first job');
    const again = await post();
    expect(again.status).toBe(202);
    await waitFor(async () => (await stack.ledgerline.queue.list({ key: `opportunity:${id}` })).every((j) => j.state === 'completed') || undefined, 10_000, 'refresh job');
    expect(invoicesFor(id)).toHaveLength(1);
    const jobs = await stack.ledgerline.queue.list({ key: `opportunity:${id}` });
    expect(jobs.map((j) => (j.result as Rec | null)?.action).sort()).toEqual(['created', 'refreshed']);
  });
});
