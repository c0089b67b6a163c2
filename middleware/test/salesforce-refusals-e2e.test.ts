import type { PermissionSetDef } from '@ledgerline/emulators/salesforce';
import { settledJobs, startStack, waitFor, type Stack } from './support/stack';
import { billingSettled, closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

/**
 * The Salesforce emulator enforces force-app's validation rules and the field-level security of the
 * integration user's permission sets. When the org refuses a write-back, the deal shows why and what the
 * admin must change; when it refuses even that, the job ends dead with the same explanation.
 */
describe('Salesforce refusals of the integration user, end to end through the real clients', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack();
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(() => stack.sf.control.assignPermissionSets(['Ledgerline_Integration']));

  /** Ledgerline_Integration, changed: a custom permission removed, or a field made read-only. */
  const integrationSet = (change: { withoutPermission?: string; readOnlyField?: string }): PermissionSetDef => {
    const base = stack.sf.control.permissionSet('Ledgerline_Integration');
    return {
      name: 'Ledgerline_Integration_Changed',
      customPermissions: base.customPermissions.filter((p) => p !== change.withoutPermission),
      fieldPermissions: base.fieldPermissions.map((f) => (f.field === change.readOnlyField ? { ...f, editable: false } : f)),
    };
  };
  const newDeal = (name: string): string => {
    const accountId = seedAccount(stack.sf, { Name: `${name} Ltd` });
    return seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 2 }], { Name: `${name} deal` });
  };
  const jobOf = async (opportunityId: string) => (await stack.ledgerline.queue.list({ key: `opportunity:${opportunityId}` }))[0];

  it('a permission set without Edit on a field: the deal shows the refusal and the field to grant', async () => {
    stack.sf.control.assignPermissionSets([integrationSet({ readOnlyField: 'Opportunity.Invoice_Total__c' })]);
    const id = newDeal('Field Security');
    closeWon(stack.sf, id);
    const deal = await billingSettled(stack.sf, id);
    expect(deal.Billing_Sync_Status__c).toBe('Error');
    expect(deal.Billing_Sync_Error__c).toContain(`Salesforce refused the write to Opportunity ${id}: INVALID_FIELD_FOR_INSERT_UPDATE: Unable to create/update fields: Invoice_Total__c.`);
    expect(deal.Billing_Sync_Error__c).toContain('Fix: In Setup, give the Ledgerline_Integration permission set Edit access to Opportunity.Invoice_Total__c (Field-Level Security)');
    expect(deal.Invoice_Total__c).toBeNull();
    // A permanent error: one attempt, no blind retries.
    const [job] = await settledJobs(stack, `opportunity:${id}`);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('a permission set without the custom permission: the deal shows the validation rule and the set to assign', async () => {
    stack.sf.control.assignPermissionSets([integrationSet({ withoutPermission: 'Ledgerline_Write_QuickBooks_Fields' })]);
    const id = newDeal('Custom Permission');
    closeWon(stack.sf, id);
    const deal = await billingSettled(stack.sf, id);
    expect(deal.Billing_Sync_Status__c).toBe('Error');
    expect(deal.Billing_Sync_Error__c).toMatch(/Salesforce refused the write to (Opportunity|Account) \w+: FIELD_CUSTOM_VALIDATION_EXCEPTION: .*come from QuickBooks and cannot be edited here/);
    expect(deal.Billing_Sync_Error__c).toContain('Fix: A validation rule on');
    expect(deal.Billing_Sync_Error__c).toContain('Assign the Ledgerline_Integration permission set to the integration user');
    const [job] = await settledJobs(stack, `opportunity:${id}`);
    expect(job).toMatchObject({ state: 'failed', attempts: 1 });
  });

  it('no permission set at all: the read is refused, the error cannot be written either, and the job ends dead saying so', async () => {
    const id = newDeal('No Access');
    stack.sf.control.assignPermissionSets([]);
    closeWon(stack.sf, id);
    const job = await waitFor(async () => {
      const j = await jobOf(id);
      return j && j.state === 'dead' ? j : undefined;
    }, 20_000, 'the job to end dead');
    expect(job.attempts).toBe(1);
    expect(job.lastError).toContain("INVALID_FIELD: \nSELECT");
    expect(job.lastError).toContain('No such column');
    expect(job.lastError).toContain(`The error could not be shown on Opportunity ${id} either: Salesforce refused the write to Opportunity ${id}: INVALID_FIELD_FOR_INSERT_UPDATE`);
    expect(job.lastError).toContain('Fix: In Setup, give the Ledgerline_Integration permission set Edit access to Opportunity.Billing_Sync_Status__c, Opportunity.Billing_Sync_Error__c');
    expect(stack.sf.control.record('Opportunity', id)).toMatchObject({ Billing_Sync_Status__c: 'Queued' });
  });
});
