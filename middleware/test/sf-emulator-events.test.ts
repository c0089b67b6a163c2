import { Connection } from 'jsforce';
import { startSalesforceEmulator, type PlatformEventMessage, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';

const VERSION = '62.0';
const EVENT = 'Ledgerline_Billing_Update__e';

type Result = { id?: string; success: boolean; errors: { statusCode?: string; message: string; fields?: string[] }[] };

describe('Salesforce emulator: platform events published through jsforce', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;
  const received: PlatformEventMessage[] = [];

  beforeAll(async () => {
    emu = await startSalesforceEmulator();
    conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
    emu.control.subscribeEvents((message) => received.push(message), `/event/${EVENT}`);
  });
  afterAll(() => emu.close());
  beforeEach(() => {
    emu.control.reset();
    received.length = 0;
  });

  it('publishes one event through REST sobjects: an e00 id, success, OPERATION_ENQUEUED with the UUID, delivered to subscribers', async () => {
    const result = (await conn.sobject(EVENT).create({ Opportunity_Ids__c: '006000000000001AAA', Account_Ids__c: '', Change_Kinds__c: 'payment' })) as Result;
    expect(result).toEqual({ id: expect.stringMatching(/^e00[a-zA-Z0-9]{12}[A-Z0-5]{3}$/), success: true, errors: [{ statusCode: 'OPERATION_ENQUEUED', message: expect.stringMatching(/^[0-9a-f-]{36}$/), fields: [] }] });
    expect(received).toHaveLength(1);
    expect(received[0]).toEqual({
      channel: `/event/${EVENT}`,
      data: {
        schema: expect.any(String),
        payload: { Opportunity_Ids__c: '006000000000001AAA', Account_Ids__c: null, Change_Kinds__c: 'payment', CreatedDate: expect.any(String), CreatedById: expect.stringMatching(/^005/) },
        event: { replayId: expect.any(Number), EventUuid: result.errors[0]!.message },
      },
    });
  });

  it('publishes several events in one sObject-collection call and through /composite, with increasing replay ids', async () => {
    const results = (await conn.sobject(EVENT).create([{ Change_Kinds__c: 'invoice' }, { Change_Kinds__c: 'error' }], { allOrNone: false })) as Result[];
    expect(results.map((r) => [r.success, r.id?.slice(0, 3), r.errors[0]?.statusCode])).toEqual([
      [true, 'e00', 'OPERATION_ENQUEUED'],
      [true, 'e00', 'OPERATION_ENQUEUED'],
    ]);
    await conn.request({ method: 'POST', url: `/services/data/v${VERSION}/composite`, body: JSON.stringify({ compositeRequest: [{ method: 'POST', url: `/services/data/v${VERSION}/sobjects/${EVENT}`, referenceId: 'e1', body: { Change_Kinds__c: 'receivables' } }] }), headers: { 'content-type': 'application/json' } });
    expect(received.map((m) => m.data.payload.Change_Kinds__c)).toEqual(['invoice', 'error', 'receivables']);
    const replayIds = received.map((m) => m.data.event.replayId);
    expect(replayIds).toEqual([replayIds[0], replayIds[0]! + 1, replayIds[0]! + 2]);
    expect(emu.control.events(`/event/${EVENT}`)).toHaveLength(3);
  });

  it('checks fields against force-app like any object: unknown names and too-long values are refused, nothing is delivered', async () => {
    await expect(conn.sobject(EVENT).create({ Opportunity__c: 'x' })).rejects.toMatchObject({ name: 'INVALID_FIELD' });
    const tooLong = (await conn.sobject(EVENT).create([{ Change_Kinds__c: 'x'.repeat(256) }], { allOrNone: false })) as Result[];
    expect(tooLong[0]).toMatchObject({ success: false, errors: [{ statusCode: 'STRING_TOO_LONG' }] });
    const rolledBack = (await conn.sobject(EVENT).create([{ Change_Kinds__c: 'invoice' }, { Change_Kinds__c: 'y'.repeat(256) }], { allOrNone: true })) as Result[];
    expect(rolledBack.map((r) => r.success)).toEqual([false, false]);
    expect(received).toEqual([]);
  });

  it('publishes an event created through the control API at once', () => {
    const id = emu.control.create(EVENT, { Account_Ids__c: '001000000000001AAA', Change_Kinds__c: 'receivables' });
    expect(id.slice(0, 3)).toBe('e00');
    expect(received.map((m) => m.data.payload.Account_Ids__c)).toEqual(['001000000000001AAA']);
  });

  it('cannot be queried, updated or deleted, and describe says so', async () => {
    await expect(conn.query(`SELECT Id FROM ${EVENT}`)).rejects.toMatchObject({ name: 'INVALID_TYPE' });
    const describe = await conn.sobject(EVENT).describe();
    expect(describe).toMatchObject({ keyPrefix: 'e00', createable: true, queryable: false, updateable: false, deletable: false });
    expect(describe.fields.map((f) => f.name)).toEqual(expect.arrayContaining(['ReplayId', 'EventUuid', 'Opportunity_Ids__c', 'Account_Ids__c', 'Change_Kinds__c']));
  });

  it('refuses publishes past the hourly allocation with LIMIT_EXCEEDED, and /limits shows it', async () => {
    emu.control.setEventAllocation({ limit: 2, used: 1 });
    const results = (await conn.sobject(EVENT).create([{ Change_Kinds__c: 'invoice' }, { Change_Kinds__c: 'payment' }], { allOrNone: false })) as Result[];
    expect(results.map((r) => (r.success ? 'ok' : r.errors[0]?.statusCode))).toEqual(['ok', 'LIMIT_EXCEEDED']);
    await expect(conn.sobject(EVENT).create({ Change_Kinds__c: 'payment' })).rejects.toMatchObject({ name: 'LIMIT_EXCEEDED' });
    const limits = (await conn.request(`/services/data/v${VERSION}/limits`)) as Record<string, { Max: number; Remaining: number }>;
    expect(limits.HourlyPublishedPlatformEvents).toEqual({ Max: 2, Remaining: 0 });
    expect(received).toHaveLength(1);
  });
});
