import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

// JSON answers and emulator records are read field by field.
 
type Rec = Record<string, any>;

/**
 * Governed two-way customer sync, end to end: Salesforce edits reach the QuickBooks customer through
 * POST /api/v1/sync/accounts (what the Account trigger's Queueable sends); QuickBooks edits of
 * Salesforce-owned fields come back through signed webhooks and are overwritten and logged as conflicts;
 * fields outside the policy never cross; every change is in the audit log with both record ids.
 */
describe('governed two-way sync (real clients, emulators, webhooks)', () => {
  let stack: Stack;
  let catalog: Catalog;
  let admin: string;

  beforeAll(async () => {
    stack = await startStack({ webhooks: true, env: { JOB_BACKOFF_BASE_MS: '20', JOB_BACKOFF_CAP_MS: '100' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    admin = `Basic ${Buffer.from(`ops:${stack.adminKey}`).toString('base64')}`;
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(() => stack.qbo.control.clearFaults());

  const customer = (id: string) => stack.qbo.control.get(stack.realmId, 'Customer', id) as Rec;
  const account = (id: string) => stack.sf.control.record('Account', id) as Rec;
  const audit = async (record: string) => {
    const res = await fetch(`${stack.url}/api/v1/audit?record=${record}&limit=500`, { headers: { authorization: admin } });
    return ((await res.json()) as Rec).entries as Rec[];
  };
  /** What the Account trigger's Queueable sends after a Salesforce-owned field changed. */
  const notify = async (accountId: string) => {
    const res = await fetch(`${stack.url}/api/v1/sync/accounts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ accountIds: [accountId], reason: 'account_changed' }),
    });
    expect(res.status).toBe(202);
    const { accepted } = (await res.json()) as Rec;
    return waitFor(async () => {
      const job = await stack.ledgerline.queue.get(accepted[0].jobId);
      return job && ['completed', 'failed', 'dead'].includes(job.state) ? job : undefined;
    }, 15_000, 'account sync job');
  };
  const settleWebhooks = async (what: string, check: () => boolean) => {
    await stack.qbo.control.webhooks.flush();
    await waitFor(async () => {
      await stack.qbo.control.webhooks.flush();
      const counts = await stack.ledgerline.queue.counts();
      return counts.queued + counts.running === 0 && check() ? true : undefined;
    }, 15_000, what);
  };

  /** An Account whose first deal was invoiced, so its QuickBooks customer exists and is linked. */
  async function invoicedAccount(name: string) {
    const accountId = seedAccount(stack.sf, { Name: name, Billing_Email__c: `ap@${name.split(' ')[0]!.toLowerCase()}.example`, Phone: '555-0100' });
    const opportunityId = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 1 }]);
    closeWon(stack.sf, opportunityId);
    await waitFor(() => account(accountId).QuickBooks_Customer_Id__c ?? undefined, 20_000, 'customer link');
    const customerId = account(accountId).QuickBooks_Customer_Id__c as string;
    await settleWebhooks('invoice webhooks', () => true);
    return { accountId, opportunityId, customerId };
  }

  it('sends an Account billing address change to the QuickBooks customer and logs each field with both ids', async () => {
    const { accountId, customerId } = await invoicedAccount('Addressable Inc');
    expect(customer(customerId).BillAddr.City).toBe('Springfield');
    stack.sf.control.update('Account', accountId, { BillingStreet: '77 Lake Shore Dr', BillingCity: 'Chicago', BillingPostalCode: '60601' });

    const job = await notify(accountId);
    expect(job.state).toBe('completed');
    expect(customer(customerId).BillAddr).toMatchObject({ Line1: '77 Lake Shore Dr', City: 'Chicago', CountrySubDivisionCode: 'IL', PostalCode: '60601', Country: 'US' });
    const all = (await audit(accountId)).filter((e) => e.action === 'customer.updated');
    // The customer was created without terms (the invoice carries them): the sync after its creation
    // event added them (Salesforce owns terms), as its own logged change.
    const net30 = (stack.qbo.control.list(stack.realmId, 'Term') as Rec[]).find((t) => t.Name === 'Net 30')!;
    expect(customer(customerId).SalesTermRef.value).toBe(net30.Id);
    expect(all.filter((e) => e.field === 'Customer.SalesTermRef.value ← Account.Payment_Terms__c').map((e) => [e.oldValue, e.newValue])).toEqual([[null, net30.Id]]);
    const entries = all.filter((e) => e.jobId === job.id);
    expect(entries.map((e) => [e.field, e.oldValue, e.newValue]).sort()).toEqual([
      ['Customer.BillAddr.City ← Account.BillingCity', 'Springfield', 'Chicago'],
      ['Customer.BillAddr.Line1 ← Account.BillingStreet', '1 Main St', '77 Lake Shore Dr'],
      ['Customer.BillAddr.PostalCode ← Account.BillingPostalCode', '62701', '60601'],
    ]);
    for (const e of entries) expect(e).toMatchObject({ salesforceId: accountId, qboId: customerId, realmId: stack.realmId, jobId: job.id, system: 'quickbooks' });

    const again = await notify(accountId);
    expect(again.result).toMatchObject({ customers: [{ updated: [], conflicts: [] }] });
  });

  it('reverts a QuickBooks e-mail change on a Salesforce-owned field and logs it as a conflict', async () => {
    const { accountId, customerId } = await invoicedAccount('Conflicted Corp');
    const owned = account(accountId).Billing_Email__c as string;
    stack.qbo.control.edit(stack.realmId, 'Customer', customerId, { PrimaryEmailAddr: { Address: 'someone.else@elsewhere.example' } });

    await settleWebhooks('customer reverted', () => customer(customerId).PrimaryEmailAddr?.Address === owned);
    expect(customer(customerId).PrimaryEmailAddr.Address).toBe(owned);
    expect(account(accountId).Billing_Email__c).toBe(owned);
    const conflict = (await audit(customerId)).find((e) => e.action === 'conflict.overwritten');
    expect(conflict).toMatchObject({
      salesforceId: accountId,
      qboId: customerId,
      field: 'Customer.PrimaryEmailAddr.Address ← Account.Billing_Email__c',
      oldValue: 'someone.else@elsewhere.example',
      newValue: owned,
      system: 'quickbooks',
    });
    expect(conflict!.sourceEvent).toMatch(/^webhook:\d+$/);
    expect(conflict!.jobId).toBeTruthy();
  });

  it('never lets a field outside the policy cross, in either direction', async () => {
    const { accountId, customerId } = await invoicedAccount('Boundary Systems');
    const before = customer(customerId);
    expect(before.PrimaryPhone.FreeFormNumber).toBe('555-0100'); // on:create only
    stack.sf.control.update('Account', accountId, { Phone: '555-0199', Tax_Exempt__c: true, Description: 'internal notes' });
    const job = await notify(accountId);
    expect(job.result).toMatchObject({ customers: [{ updated: [] }] });
    const after = customer(customerId);
    expect(after.PrimaryPhone.FreeFormNumber).toBe('555-0100');
    expect(after.SyncToken).toBe(before.SyncToken);

    const sfBefore = account(accountId);
    stack.qbo.control.edit(stack.realmId, 'Customer', customerId, { Notes: 'VIP, call first', PrimaryPhone: { FreeFormNumber: '555-0000' }, CompanyName: sfBefore.Name });
    await settleWebhooks('customer event processed', () => true);
    const sfAfter = account(accountId);
    expect(sfAfter.Phone).toBe('555-0199');
    expect(sfAfter.Description).toBe('internal notes');
    expect(sfAfter.LastModifiedDate).toBe(sfBefore.LastModifiedDate);
    expect(customer(customerId).Notes).toBe('VIP, call first');
    const fields = (await audit(accountId)).map((e) => String(e.field));
    expect(fields.filter((f) => /Phone|Notes|Tax|Description/.test(f))).toEqual([]);
  });

  it('re-reads and re-applies when QuickBooks answers a stale SyncToken (a concurrent edit), losing nothing', async () => {
    const { accountId, customerId } = await invoicedAccount('Racy Retail');
    stack.qbo.control.injectFault({ kind: 'stale-sync-token', entity: 'Customer', operation: 'update', times: 1 });
    stack.sf.control.update('Account', accountId, { Payment_Terms__c: 'Net 15' });
    const job = await notify(accountId);
    expect(job.state).toBe('completed');
    const net15 = (stack.qbo.control.list(stack.realmId, 'Term') as Rec[]).find((t) => t.Name === 'Net 15')!;
    expect(customer(customerId).SalesTermRef.value).toBe(net15.Id);
    expect(stack.qbo.control.pendingFaults()).toEqual([]);
    const updates = (await audit(accountId)).filter((e) => e.action === 'customer.updated' && e.jobId === job.id);
    expect(updates.map((e) => e.field)).toEqual(['Customer.SalesTermRef.value ← Account.Payment_Terms__c']);
  });

  it('every change the middleware made for a deal appears in the audit log with both record ids', async () => {
    const { accountId, opportunityId, customerId } = await invoicedAccount('Traceable Trading');
    const invoiceId = (stack.sf.control.record('Opportunity', opportunityId) as Rec).QuickBooks_Invoice_Id__c as string;
    const byAccount = await audit(accountId);
    expect(byAccount.find((e) => e.action === 'customer.created')).toMatchObject({ salesforceId: accountId, qboId: customerId, system: 'quickbooks' });
    expect(byAccount.find((e) => e.action === 'field.updated' && e.field === 'Account.QuickBooks_Customer_Id__c')).toMatchObject({ qboId: customerId, newValue: customerId, system: 'salesforce' });
    const byDeal = await audit(opportunityId);
    expect(byDeal.find((e) => e.action === 'invoice.created')).toMatchObject({ qboId: invoiceId, system: 'quickbooks' });
    expect(byDeal.find((e) => e.action === 'field.updated' && e.field === 'Opportunity.QuickBooks_Invoice_Id__c')).toMatchObject({ qboId: invoiceId, newValue: invoiceId, system: 'salesforce' });
    for (const e of [...byAccount, ...byDeal]) {
      expect(e.salesforceId).toBeTruthy();
      expect(e.qboId).toBeTruthy();
      expect(JSON.stringify(e)).not.toMatch(/Bearer|access_token|refresh_token/);
    }
  });

  it('gives products the id of the QuickBooks item whose SKU is their Product Code when the item changes', async () => {
    const item = (stack.qbo.control.list(stack.realmId, 'Item') as Rec[]).find((i) => i.Sku === 'HW-KIT')!;
    const productId = catalog.products['HW-KIT']!.productId;
    expect((stack.sf.control.record('Product2', productId) as Rec).QuickBooks_Item_Id__c ?? null).toBeNull();
    stack.qbo.control.edit(stack.realmId, 'Item', item.Id, { Description: 'Hardware kit, 2026 edition' });
    await settleWebhooks('item followed', () => (stack.sf.control.record('Product2', productId) as Rec).QuickBooks_Item_Id__c === item.Id);
    expect((await audit(productId)).find((e) => e.action === 'field.updated')).toMatchObject({ qboId: item.Id, field: 'Product2.QuickBooks_Item_Id__c ← Item.Id' });
  });
});
