import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from 'jsforce';
import { DEFAULT_METADATA_DIR, startSalesforceEmulator, type PermissionSetDef, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { seedDeal } from '@ledgerline/emulators/salesforce/test-kit';

const VERSION = '62.0';
type SaveResult = { id?: string; success: boolean; errors: Array<{ statusCode: string; message: string; fields: string[] }> };

/** Ledgerline_Integration with one custom permission or one field permission taken away. */
function integrationWithout(emu: SalesforceEmulator, change: { customPermission?: string; field?: string }): PermissionSetDef {
  const base = emu.control.permissionSet('Ledgerline_Integration');
  return {
    name: 'Ledgerline_Integration_Reduced',
    customPermissions: base.customPermissions.filter((p) => p !== change.customPermission),
    fieldPermissions: base.fieldPermissions.filter((f) => f.field !== change.field),
  };
}

describe('Salesforce emulator: validation rules and field-level security for API users', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  let session: { accessToken: string };

  beforeAll(async () => {
    emu = await startSalesforceEmulator({});
    session = emu.control.createSession();
    conn = new Connection({ instanceUrl: emu.url, accessToken: session.accessToken, version: VERSION });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.control.reset());

  it('lets the integration user (Ledgerline_Integration) write the QuickBooks-owned fields', async () => {
    const deal = seedDeal(emu.control);
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, Invoice_Total__c: 100, Billing_Sync_Status__c: 'Synced' });
    expect(emu.control.record('Opportunity', deal.opportunityId)).toMatchObject({ Invoice_Total__c: 100, Billing_Sync_Status__c: 'Synced' });
    expect(emu.control.assignedPermissionSets()).toEqual(['Ledgerline_Integration']);
  });

  it('answers a validation rule in the org\'s shape when the custom permission is missing', async () => {
    const deal = seedDeal(emu.control);
    emu.control.assignPermissionSets([integrationWithout(emu, { customPermission: 'Ledgerline_Write_QuickBooks_Fields' })]);
    const res = await fetch(`${emu.url}/services/data/v${VERSION}/sobjects/Opportunity/${deal.opportunityId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${session.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ Invoice_Total__c: 100 }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual([
      { message: expect.stringContaining('Invoice fields and the Synced status come from QuickBooks'), errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', fields: [] },
    ]);
    expect(emu.control.record('Opportunity', deal.opportunityId)).toMatchObject({ Invoice_Total__c: null });
  });

  it('refuses a field that no assigned permission set makes editable, and hides one that none makes readable', async () => {
    const deal = seedDeal(emu.control);
    emu.control.assignPermissionSets([integrationWithout(emu, { field: 'Opportunity.Invoice_Total__c' })]);
    await expect(conn.sobject('Opportunity').update({ Id: deal.opportunityId, Invoice_Total__c: 100, Invoice_Number__c: '1001' })).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
      message: 'Unable to create/update fields: Invoice_Total__c. Please check the security settings of this field and verify that it is read/write for your profile or permission set.',
    });
    await expect(conn.query(`SELECT Id, Invoice_Total__c FROM Opportunity WHERE Id = '${deal.opportunityId}'`)).rejects.toMatchObject({
      errorCode: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Invoice_Total__c' on entity 'Opportunity'"),
    });
    const full = (await conn.sobject('Opportunity').retrieve(deal.opportunityId)) as Record<string, unknown>;
    expect(full).toHaveProperty('Invoice_Number__c');
    expect(full).not.toHaveProperty('Invoice_Total__c');
    const named = await fetch(`${emu.url}/services/data/v${VERSION}/sobjects/Opportunity/${deal.opportunityId}?fields=Invoice_Total__c`, { headers: { authorization: `Bearer ${session.accessToken}` } });
    expect(named.status).toBe(400);
    expect(await named.json()).toEqual([expect.objectContaining({ errorCode: 'INVALID_FIELD', message: expect.stringContaining("No such column 'Invoice_Total__c' on entity 'Opportunity'") })]);
    // Still visible to a query that does not name it, and to an integration user with the full set.
    expect((await conn.query(`SELECT Id, Invoice_Number__c FROM Opportunity WHERE Id = '${deal.opportunityId}'`)).totalSize).toBe(1);
    emu.control.assignPermissionSets(['Ledgerline_Integration']);
    expect((await conn.query(`SELECT Invoice_Total__c FROM Opportunity WHERE Id = '${deal.opportunityId}'`)).totalSize).toBe(1);
  });

  it('rolls an allOrNone collection back and reports the rule on the failing record only', async () => {
    emu.control.assignPermissionSets([integrationWithout(emu, { customPermission: 'Ledgerline_Write_QuickBooks_Fields' })]);
    const a = seedDeal(emu.control);
    const b = seedDeal(emu.control);
    const results = (await conn.sobject('Opportunity').update(
      [
        { Id: a.opportunityId, Invoice_Memo__c: 'fine' },
        { Id: b.opportunityId, Invoice_Number__c: '1002' },
      ],
      { allOrNone: true },
    )) as unknown as SaveResult[];
    expect(results.map((r) => r.errors[0]?.statusCode)).toEqual(['ALL_OR_NONE_OPERATION_ROLLED_BACK', 'FIELD_CUSTOM_VALIDATION_EXCEPTION']);
    expect(emu.control.record('Opportunity', a.opportunityId)).toMatchObject({ Invoice_Memo__c: null });
  });

  it('applies the rules inside /composite with allOrNone', async () => {
    emu.control.assignPermissionSets([integrationWithout(emu, { customPermission: 'Ledgerline_Write_QuickBooks_Fields' })]);
    const deal = seedDeal(emu.control);
    const out = (await conn.request({
      method: 'POST',
      url: `/services/data/v${VERSION}/composite`,
      body: JSON.stringify({
        allOrNone: true,
        compositeRequest: [
          { method: 'PATCH', url: `/services/data/v${VERSION}/sobjects/Opportunity/${deal.opportunityId}`, referenceId: 'memo', body: { Invoice_Memo__c: 'x' } },
          { method: 'PATCH', url: `/services/data/v${VERSION}/sobjects/Account/${deal.accountId}`, referenceId: 'acct', body: { QuickBooks_Customer_Id__c: '42' } },
        ],
      }),
      headers: { 'content-type': 'application/json' },
    })) as { compositeResponse: Array<{ httpStatusCode: number; body: Array<{ errorCode: string; message: string }> }> };
    expect(out.compositeResponse[1]).toMatchObject({ httpStatusCode: 400, body: [{ errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: expect.stringContaining('QuickBooks Customer Id') }] });
    expect(out.compositeResponse[0]?.body[0]?.errorCode).toBe('PROCESSING_HALTED');
    expect(emu.control.record('Opportunity', deal.opportunityId)).toMatchObject({ Invoice_Memo__c: null });
  });

  it('seeding and control writes are not API writes: no rules, no field-level security', () => {
    emu.control.assignPermissionSets([]);
    const deal = seedDeal(emu.control, { lines: 0 });
    emu.control.update('Opportunity', deal.opportunityId, { Invoice_Total__c: 5 });
    expect(emu.control.record('Opportunity', deal.opportunityId)).toMatchObject({ Invoice_Total__c: 5 });
  });
});

/** A validation rule file in source format. */
function ruleXml(name: string, formula: string, message: string, displayField?: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<ValidationRule xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>${name}</fullName>
    <active>true</active>
    <errorConditionFormula><![CDATA[${formula}]]></errorConditionFormula>${displayField ? `\n    <errorDisplayField>${displayField}</errorDisplayField>` : ''}
    <errorMessage>${message}</errorMessage>
</ValidationRule>`;
}

/**
 * force-app's readiness rules may move into the trigger, so the formula features they used are tested on
 * fixture rules in a copy of force-app: whatever Opportunity rules force-app has, only the fixtures run here.
 */
describe('Salesforce emulator: rules read from the metadata folder (fixture rules)', () => {
  let dir: string;
  let emu: SalesforceEmulator;
  let conn: Connection;
  const rulesDir = (): string => join(dir, 'objects/Opportunity/validationRules');

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sf-rules-'));
    cpSync(DEFAULT_METADATA_DIR, dir, { recursive: true });
    rmSync(rulesDir(), { recursive: true, force: true });
    mkdirSync(rulesDir(), { recursive: true });
    const readiness = 'AND(IsWon, OR(ISNEW(), ISCHANGED(StageName)), NOT($Permission.Ledgerline_Bypass_Validation), ';
    const rules: Array<[string, string, string, string?]> = [
      ['Fixture_Require_Products', `${readiness}NOT(HasOpportunityLineItem))`, 'Add products first.'],
      ['Fixture_Require_Email', `${readiness}ISBLANK(Account.Billing_Email__c), ISBLANK(Billing_Contact__r.Email))`, 'No billing e-mail.', 'Billing_Contact__c'],
      ['Fixture_Require_City', `${readiness}ISBLANK(Account.BillingCity))`, 'No billing city.'],
      ['Fixture_Require_Entity', `${readiness}$Setup.Ledgerline_Settings__c.Billing_Entity_Required__c, ISBLANK(TEXT(Billing_Entity__c)))`, 'Choose the Billing Entity.', 'Billing_Entity__c'],
    ];
    for (const [name, formula, message, field] of rules) writeFileSync(join(rulesDir(), `${name}.validationRule-meta.xml`), ruleXml(name, formula, message, field));
    writeFileSync(join(rulesDir(), 'Fixture_Inactive.validationRule-meta.xml'), ruleXml('Fixture_Inactive', 'true', 'Never.').replace('<active>true</active>', '<active>false</active>'));
    emu = await startSalesforceEmulator({ metadataDir: dir, permissionSets: [] });
    conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
  });
  afterAll(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => emu.control.reset());

  it('without the bypass permission, evaluates IsWon, HasOpportunityLineItem and cross-object paths, one error per rule, display field included', async () => {
    const bare = seedDeal(emu.control, { lines: 0 });
    const noEmail = seedDeal(emu.control, { account: { BillingCity: null } });
    const ready = seedDeal(emu.control, { account: { Billing_Email__c: 'ap@acme.example' } });
    const results = (await conn.sobject('Opportunity').update(
      [bare, noEmail, ready].map((d) => ({ Id: d.opportunityId, StageName: 'Closed Won' })),
      { allOrNone: false },
    )) as unknown as SaveResult[];
    // Rules run in file-name order.
    expect(results[0]!.errors).toEqual([
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'No billing e-mail.', fields: ['Billing_Contact__c'] },
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'Add products first.', fields: [] },
    ]);
    expect(results[1]!.errors).toEqual([
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'No billing city.', fields: [] },
      { statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'No billing e-mail.', fields: ['Billing_Contact__c'] },
    ]);
    expect(results[2]).toMatchObject({ success: true });
    expect(emu.control.record('Opportunity', bare.opportunityId)).toMatchObject({ StageName: 'Negotiation/Review' });
  });

  it('reads $Setup from the custom setting\'s org default, and $Permission from the assigned sets', async () => {
    const deal = seedDeal(emu.control, { account: { Billing_Email__c: 'ap@acme.example' } });
    emu.control.seed({ Ledgerline_Settings__c: [{ Name: 'Default', Billing_Entity_Required__c: true }] });
    await expect(conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Won' })).rejects.toMatchObject({
      errorCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'Choose the Billing Entity.',
    });
    emu.control.assignPermissionSets(['Ledgerline_Integration']);
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Won' });
    expect(emu.control.record('Opportunity', deal.opportunityId)).toMatchObject({ StageName: 'Closed Won' });
  });

  it('stops the start on a rule it cannot evaluate, naming the rule and the function', async () => {
    const file = join(rulesDir(), 'Fixture_Regex_Check.validationRule-meta.xml');
    writeFileSync(file, ruleXml('Fixture_Regex_Check', 'AND(IsWon, NOT(REGEX(PO_Number__c, "[0-9]+")))', 'PO numbers are digits.'));
    try {
      await expect(startSalesforceEmulator({ metadataDir: dir })).rejects.toThrow(/Validation rule Opportunity\.Fixture_Regex_Check .*unsupported function REGEX/);
      writeFileSync(file, ruleXml('Fixture_Regex_Check', 'AND(IsWon, ISBLANK(Account.No_Such_Field__c))', 'Unknown field.'));
      await expect(startSalesforceEmulator({ metadataDir: dir })).rejects.toThrow(/Fixture_Regex_Check .*Account has no field No_Such_Field__c/);
      writeFileSync(file, ruleXml('Fixture_Regex_Check', 'AND(IsWon, $Permission.No_Such_Permission)', 'Unknown permission.'));
      await expect(startSalesforceEmulator({ metadataDir: dir })).rejects.toThrow(/\$Permission\.No_Such_Permission names no custom permission/);
    } finally {
      rmSync(file, { force: true });
    }
  });
});
