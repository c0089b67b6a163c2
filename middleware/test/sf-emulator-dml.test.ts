import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { seedDeal } from '@ledgerline/emulators/salesforce/test-kit';

const VERSION = '62.0';

type Result = { id?: string; success: boolean; errors: { statusCode?: string; errorCode?: string; message: string; fields?: string[] }[]; created?: boolean };

describe('Salesforce emulator: writes through jsforce', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({
      validationRules: {
        Opportunity: [({ record }) => (record.StageName === 'Closed Won' && !record.HasOpportunityLineItem ? { message: 'Add products before closing.', field: 'StageName' } : null)],
      },
    });
    conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.control.reset());

  it('creates, reads, updates and deletes one record with 18-character ids of the right prefix', async () => {
    const created = (await conn.sobject('Account').create({ Name: 'Acme', Billing_Email__c: 'ap@acme.example', Payment_Terms__c: 'Net 30' })) as Result;
    expect(created).toEqual({ id: expect.stringMatching(/^001[a-zA-Z0-9]{12}[A-Z0-5]{3}$/), success: true, errors: [] });
    await conn.sobject('Account').update({ Id: created.id as string, BillingCity: 'Lyon' });
    const rec = (await conn.sobject('Account').retrieve(created.id as string)) as Record<string, unknown>;
    expect(rec).toMatchObject({ Name: 'Acme', BillingCity: 'Lyon', Payment_Terms__c: 'Net 30', attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${created.id}` } });
    expect(rec.BillingAddress).toMatchObject({ city: 'Lyon' });
    await conn.sobject('Account').destroy(created.id as string);
    await expect(conn.sobject('Account').retrieve(created.id as string)).rejects.toMatchObject({ name: 'NOT_FOUND' });
  });

  it('derives TotalPrice, Amount, IsWon and IsClosed', async () => {
    const deal = seedDeal(emu.control, { lines: 0 });
    await conn.sobject('OpportunityLineItem').create({ OpportunityId: deal.opportunityId, PricebookEntryId: deal.pricebookEntryId, Quantity: 4, UnitPrice: 50, Discount: 10 });
    await conn.sobject('OpportunityLineItem').create({ OpportunityId: deal.opportunityId, Product2Id: deal.productId, Quantity: 1, UnitPrice: 100 });
    await expect(conn.sobject('OpportunityLineItem').create({ OpportunityId: deal.opportunityId, Product2Id: deal.productId, Quantity: 1 })).rejects.toMatchObject({
      name: 'FIELD_INTEGRITY_EXCEPTION',
    });
    await conn.sobject('Opportunity').update({ Id: deal.opportunityId, StageName: 'Closed Lost' });
    const opp = emu.control.record('Opportunity', deal.opportunityId) as Record<string, unknown>;
    expect(opp).toMatchObject({ Amount: 280, IsWon: false, IsClosed: true, HasOpportunityLineItem: true, Pricebook2Id: emu.control.standardPricebookId });
    const lines = emu.control.query(`SELECT TotalPrice, ListPrice, UnitPrice FROM OpportunityLineItem WHERE OpportunityId = '${deal.opportunityId}' ORDER BY TotalPrice`);
    expect(lines.map((l) => [l.TotalPrice, l.ListPrice, l.UnitPrice])).toEqual([
      [100, 100, 100],
      [180, 100, 50],
    ]);
  });

  it('updates 200 records in one collection call with a per-record UNABLE_TO_LOCK_ROW', async () => {
    const ids = emu.control.seed({ Opportunity: Array.from({ length: 200 }, (_v, i) => ({ Name: `Deal ${i}`, StageName: 'Prospecting', CloseDate: '2030-01-01' })) }).Opportunity as string[];
    emu.control.addFault({ kind: 'UNABLE_TO_LOCK_ROW', scope: 'record', recordIndexes: [7], path: '/composite/sobjects', method: 'PATCH' });
    const results = (await conn.sobject('Opportunity').update(ids.map((Id) => ({ Id, PO_Number__c: 'PO-1' })))) as Result[];
    expect(results).toHaveLength(200);
    expect(results[7]).toEqual({ id: ids[7], success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] }] });
    expect(results.filter((r) => r.success)).toHaveLength(199);
    expect(emu.control.record('Opportunity', ids[7] as string)?.PO_Number__c).toBeNull();
    expect(emu.control.record('Opportunity', ids[8] as string)?.PO_Number__c).toBe('PO-1');
    expect(emu.control.counters().endpoints['PATCH /composite/sobjects']).toBe(1);
  });

  it('rolls a collection back with allOrNone and reports why per record', async () => {
    const ids = emu.control.seed({ Opportunity: [1, 2, 3].map((i) => ({ Name: `Deal ${i}`, StageName: 'Prospecting', CloseDate: '2030-01-01' })) }).Opportunity as string[];
    const results = (await conn.sobject('Opportunity').update(
      ids.map((Id, i) => ({ Id, Billing_Sync_Status__c: i === 1 ? 'Bogus' : 'Excluded' })),
      { allOrNone: true },
    )) as Result[];
    expect(results.map((r) => r.success)).toEqual([false, false, false]);
    expect(results[0]?.errors[0]?.statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(results[1]?.errors[0]).toEqual({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: 'Billing Sync Status: bad value for restricted picklist field: Bogus', fields: ['Billing_Sync_Status__c'] });
    expect(emu.control.query('SELECT Billing_Sync_Status__c FROM Opportunity').map((r) => r.Billing_Sync_Status__c)).toEqual(['Not Started', 'Not Started', 'Not Started']);
  });

  it('upserts by external id: 201 created, then 200 updated, and collections report created', async () => {
    const sobject = conn.sobject('QuickBooks_Invoice__c');
    const first = (await sobject.upsert({ QuickBooks_Key__c: '9130:101', Total__c: 100 }, 'QuickBooks_Key__c')) as Result;
    expect(first).toEqual({ id: expect.stringMatching(/^a0[0-9A-Za-z][a-zA-Z0-9]{15}$/), success: true, errors: [], created: true });
    const second = (await sobject.upsert({ QuickBooks_Key__c: '9130:101', Total__c: 150 }, 'QuickBooks_Key__c')) as Result;
    expect(second).toEqual({ id: first.id, success: true, errors: [], created: false });
    expect(emu.control.records('QuickBooks_Invoice__c').map((r) => r.Total__c)).toEqual([150]);
    const batch = (await sobject.upsert(
      [
        { QuickBooks_Key__c: '9130:101', Total__c: 175 },
        { QuickBooks_Key__c: '9130:102', Total__c: 20 },
      ],
      'QuickBooks_Key__c',
    )) as Result[];
    expect(batch.map((r) => [r.success, r.created])).toEqual([
      [true, false],
      [true, true],
    ]);
    await expect(sobject.upsert({ Namez: 'x', Total__c: 1 }, 'Namez')).rejects.toMatchObject({ name: 'NOT_FOUND', message: 'Provided external ID field does not exist or is not accessible: Namez' });
  });

  it('gives DUPLICATE_VALUE for a unique external id', async () => {
    await conn.sobject('QuickBooks_Invoice__c').create({ QuickBooks_Key__c: '1:1' });
    await expect(conn.sobject('QuickBooks_Invoice__c').create({ QuickBooks_Key__c: '1:1' })).rejects.toMatchObject({
      name: 'DUPLICATE_VALUE',
      message: expect.stringMatching(/^duplicate value found: QuickBooks_Key__c duplicates value on record with id: a0/),
    });
  });

  it.each([
    ['an unknown field', { Foo__c: 1 }, 'INVALID_FIELD', "No such column 'Foo__c' on sobject of type Opportunity"],
    ['a bad picklist value', { Billing_Sync_Status__c: 'Done' }, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'Billing Sync Status: bad value for restricted picklist field: Done'],
    ['a too long value', { PO_Number__c: 'x'.repeat(300) }, 'STRING_TOO_LONG', 'max length='],
    ['a wrong type', { Amount: 'lots' }, 'INVALID_TYPE_ON_FIELD_IN_RECORD', 'Amount: value not of required type: lots'],
    ['a read-only field', { IsWon: true }, 'INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: IsWon.'],
    ['a missing required field', { CloseDate: null }, 'REQUIRED_FIELD_MISSING', 'Required fields are missing: [CloseDate]'],
    ['a failing validation rule', { StageName: 'Closed Won' }, 'FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Add products before closing.'],
  ])('rejects %s with the real error code', async (_label, fields, code, message) => {
    const err = await conn
      .sobject('Opportunity')
      .create({ Name: 'X', StageName: 'Prospecting', CloseDate: '2030-01-01', ...fields })
      .then(
        (r) => r as Result,
        (e: unknown) => e as { name: string; message: string },
      );
    if ('success' in err) {
      expect(err.success).toBe(false);
      expect(err.errors[0]?.statusCode ?? err.errors[0]?.errorCode).toBe(code);
      expect(err.errors[0]?.message).toContain(message);
    } else {
      expect(err.name).toBe(code);
      expect(err.message).toContain(message);
    }
    expect(emu.control.records('Opportunity')).toHaveLength(0);
  });

  it('runs /composite with references and rolls back with allOrNone', async () => {
    const body = (allOrNone: boolean, stage: string): string =>
      JSON.stringify({
        allOrNone,
        compositeRequest: [
          { method: 'POST', url: '/services/data/v62.0/sobjects/Account', referenceId: 'acct', body: { Name: 'Ref Co' } },
          { method: 'POST', url: '/services/data/v62.0/sobjects/Opportunity', referenceId: 'opp', body: { Name: 'Ref deal', StageName: stage, CloseDate: '2030-01-01', AccountId: '@{acct.id}' } },
          { method: 'GET', url: '/services/data/v62.0/query?q=SELECT+Account.Name+FROM+Opportunity', referenceId: 'q' },
        ],
      });
    type Composite = { compositeResponse: { httpStatusCode: number; referenceId: string; body: unknown }[] };
    const ok = await conn.request<Composite>({ method: 'POST', url: '/composite', body: body(true, 'Prospecting'), headers: { 'content-type': 'application/json' } });
    expect(ok.compositeResponse.map((r) => r.httpStatusCode)).toEqual([201, 201, 200]);
    expect(ok.compositeResponse[2]?.body).toMatchObject({ totalSize: 1, records: [{ Account: { Name: 'Ref Co' } }] });

    emu.control.reset();
    const bad = await conn.request<Composite>({ method: 'POST', url: '/composite', body: body(true, 'Nope'), headers: { 'content-type': 'application/json' } });
    expect(bad.compositeResponse.map((r) => r.httpStatusCode)).toEqual([400, 400, 400]);
    expect(bad.compositeResponse[0]?.body).toEqual([{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }]);
    expect(emu.control.records('Account')).toHaveLength(0);
  });

  it('runs sObject Collections inside /composite, each record with its own result, and allows at most 5 of them', async () => {
    const acme = (await conn.sobject('Account').create({ Name: 'Collected Co' })) as Result;
    const other = (await conn.sobject('Account').create({ Name: 'Other Co' })) as Result;
    type Composite = { compositeResponse: { httpStatusCode: number; referenceId: string; body: unknown }[] };
    const post = (compositeRequest: unknown[]) =>
      conn.request<Composite>({ method: 'POST', url: '/composite', body: JSON.stringify({ allOrNone: false, collateSubrequests: false, compositeRequest }), headers: { 'content-type': 'application/json' } });
    const answer = await post([
      { method: 'PATCH', url: '/services/data/v62.0/composite/sobjects', referenceId: 'accounts', body: { allOrNone: false, records: [{ attributes: { type: 'Account' }, Id: acme.id, BillingCity: 'Lyon' }, { attributes: { type: 'Account' }, Id: other.id, Payment_Terms__c: 'Net 99' }] } },
      { method: 'PATCH', url: '/services/data/v62.0/composite/sobjects/Account/QuickBooks_Customer_Id__c', referenceId: 'named', body: { allOrNone: false, records: [{ attributes: { type: 'Account' }, QuickBooks_Customer_Id__c: '77', Name: 'Upserted Co' }] } },
    ]);
    expect(answer.compositeResponse.map((r) => [r.referenceId, r.httpStatusCode])).toEqual([['accounts', 200], ['named', 200]]);
    const [updated, refused] = answer.compositeResponse[0]!.body as Result[];
    expect(updated).toEqual({ id: acme.id, success: true, errors: [] });
    expect(refused).toMatchObject({ success: false, errors: [{ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST' }] });
    expect(answer.compositeResponse[1]!.body).toEqual([{ id: expect.any(String), success: true, errors: [], created: true }]);
    expect(emu.control.record('Account', acme.id as string)).toMatchObject({ BillingCity: 'Lyon' });

    const six = Array.from({ length: 6 }, (_v, i) => ({ method: 'PATCH', url: '/services/data/v62.0/composite/sobjects', referenceId: `c${i}`, body: { allOrNone: false, records: [{ attributes: { type: 'Account' }, Id: acme.id, BillingCity: `City ${i}` }] } }));
    await expect(post(six)).rejects.toMatchObject({ errorCode: 'INVALID_INPUT' });
  });

  it('counts API calls in Sforce-Limit-Info and /limits', async () => {
    await conn.query('SELECT Id FROM Account');
    await conn.query('SELECT Id FROM Account');
    expect(conn.limitInfo.apiUsage).toEqual({ used: 2, limit: 100000 });
    const limits = await conn.request<{ DailyApiRequests: { Max: number; Remaining: number } }>('/limits');
    expect(limits.DailyApiRequests).toEqual({ Max: 100000, Remaining: 100000 - 3 });
  });
});
