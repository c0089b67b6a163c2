/**
 * Ids that come from Salesforce never reach a QuickBooks URL unchecked (issue #23, finding 8): the review
 * set Account.QuickBooks_Customer_Id__c to a path and node-quickbooks fetched another resource with it.
 * Through the real QboCompany, node-quickbooks and the QBO emulator.
 */
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';
import { startStack, waitFor, type Stack } from './support/stack';

const TRAVERSAL = '1/../../555/companyinfo/555';

describe('QuickBooks ids at the QboCompany boundary', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
    await stack.connectQbo('Default');
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('refuses a read, an update and a reference with a non-numeric id before any request is sent', async () => {
    const company = stack.ledgerline.qbo.company(stack.realmId);
    const before = stack.qbo.control.counters().total;
    await expect(company.read('Customer', TRAVERSAL)).rejects.toMatchObject({ code: 'MAPPING_ERROR', retryable: false });
    await expect(company.update('Customer', { Id: TRAVERSAL, SyncToken: '0' })).rejects.toMatchObject({ code: 'MAPPING_ERROR' });
    await expect(company.create('Invoice', { CustomerRef: { value: TRAVERSAL }, Line: [] })).rejects.toMatchObject({ code: 'MAPPING_ERROR' });
    expect(stack.qbo.control.counters().total).toBe(before);
  });

  it('puts the error and its fix on the Opportunity whose Account holds such an id', async () => {
    const catalog = seedCatalog(stack.sf);
    const account = seedAccount(stack.sf, { Name: 'Path Traversal Ltd', QuickBooks_Customer_Id__c: TRAVERSAL });
    const id = seedOpportunity(stack.sf, catalog, account, [{ code: 'IMPL-PKG', quantity: 1 }]);
    closeWon(stack.sf, id);
    const opp = await waitFor(() => {
      const o = stack.sf.control.record('Opportunity', id) as Record<string, unknown>;
      return o.Billing_Sync_Status__c === 'Error' || o.Billing_Sync_Status__c === 'Synced' ? o : undefined;
    }, 30_000, 'the deal to settle');
    expect(opp.Billing_Sync_Status__c).toBe('Error');
    expect(String(opp.Billing_Sync_Error__c)).toContain('is not a QuickBooks Customer id');
    expect(String(opp.Billing_Sync_Error__c)).toContain('Account.QuickBooks_Customer_Id__c');
  }, 60_000);
});
