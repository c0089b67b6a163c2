import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { compareShape, type ShapeOptions } from '@ledgerline/emulators/salesforce/shape';
import { generateRsaKeyPair, signJwtAssertion } from '@ledgerline/emulators/salesforce/test-kit';

/** The emulator's wire responses have the shape of the real samples (copied from the reference shelf). */

const sample = (name: string): unknown => JSON.parse(readFileSync(join(__dirname, 'fixtures/salesforce', name), 'utf8'));
const CLIENT_ID = 'conformance-client';
const CLIENT_SECRET = 'conformance-secret';
// Newer token responses also carry token_type and scope (the sample predates them).
const TOKEN_EXTRAS: ShapeOptions = { allowExtraKeys: { $: ['token_type', 'scope'] } };

describe('Salesforce emulator: conformance with real response samples', () => {
  const keys = generateRsaKeyPair();
  let emu: SalesforceEmulator;
  let paged: SalesforceEmulator;
  let token: string;
  let pagedToken: string;

  const call = async (base: string, bearer: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown; type: string | null }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${bearer}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, json: (await res.json()) as unknown, type: res.headers.get('content-type') };
  };
  const api = (method: string, path: string, body?: unknown): ReturnType<typeof call> => call(emu.url, token, method, `/services/data/v62.0${path}`, body);

  beforeAll(async () => {
    emu = await startSalesforceEmulator({
      auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, publicKey: keys.publicKey },
      schemaExtensions: { Account: [{ name: 'Legacy_Key__c', type: 'string', length: 20, externalId: true, label: 'Legacy Key' }] },
    });
    paged = await startSalesforceEmulator({ batchSize: 1 });
    token = emu.control.createSession().accessToken;
    pagedToken = paged.control.createSession().accessToken;
  });
  afterAll(async () => {
    await emu.close();
    await paged.close();
  });

  it('JWT bearer token response ~ restforce_auth_success_response.json', async () => {
    const assertion = signJwtAssertion({ iss: CLIENT_ID, sub: 'integration@ledgerline.example', aud: emu.url }, keys.privateKey);
    const res = await fetch(`${emu.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }) });
    expect(res.status).toBe(200);
    expect(compareShape(await res.json(), sample('restforce_auth_success_response.json'), TOKEN_EXTRAS)).toEqual([]);
  });

  it('client credentials token response ~ restforce_refresh_success_response.json', async () => {
    const res = await fetch(`${emu.url}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }) });
    expect(compareShape(await res.json(), sample('restforce_refresh_success_response.json'), TOKEN_EXTRAS)).toEqual([]);
  });

  it('expired session ~ restforce_expired_session_response.json (401, JSON)', async () => {
    const res = await call(emu.url, 'expired', 'GET', '/services/data/v62.0/query?q=SELECT+Id+FROM+Account');
    expect(res.status).toBe(401);
    expect(res.type).toMatch(/^application\/json(;|$)/);
    expect(res.json).toEqual(sample('restforce_expired_session_response.json'));
  });

  it('create ~ restforce_sobject_create_success_response.json; unknown field ~ restforce_sobject_write_error_response.json', async () => {
    const ok = await api('POST', '/sobjects/Account', { Name: 'Shape Co' });
    expect(ok.status).toBe(201);
    expect(compareShape(ok.json, sample('restforce_sobject_create_success_response.json'))).toEqual([]);
    const bad = await api('POST', '/sobjects/Account', { Name: 'Shape Co', foo: 1 });
    expect(bad.status).toBe(400);
    expect(compareShape(bad.json, sample('restforce_sobject_write_error_response.json'))).toEqual([]);
    expect(bad.json).toEqual([{ message: "No such column 'foo' on sobject of type Account", errorCode: 'INVALID_FIELD' }]);
  });

  it('upsert created ~ restforce_sobject_upsert_created_success_response.json (before v46; v46+ adds created)', async () => {
    const old = await call(emu.url, token, 'PATCH', '/services/data/v45.0/sobjects/Account/Legacy_Key__c/L-1', { Name: 'Old API' });
    expect(old.status).toBe(201);
    expect(compareShape(old.json, sample('restforce_sobject_upsert_created_success_response.json'))).toEqual([]);
    const updatedOld = await fetch(`${emu.url}/services/data/v45.0/sobjects/Account/Legacy_Key__c/L-1`, { method: 'PATCH', headers: { Authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"Name":"Again"}' });
    expect(updatedOld.status).toBe(204);
    const fresh = await api('PATCH', '/sobjects/Account/Legacy_Key__c/L-2', { Name: 'New API' });
    expect(fresh.status).toBe(201);
    expect(compareShape(fresh.json, sample('restforce_sobject_upsert_created_success_response.json'), { allowExtraKeys: { $: ['created'] } })).toEqual([]);
    const again = await api('PATCH', '/sobjects/Account/Legacy_Key__c/L-2', { Name: 'New API 2' });
    expect(again.status).toBe(200);
    expect(again.json).toMatchObject({ created: false, success: true });
  });

  it('upsert on a bad external id field ~ restforce_sobject_upsert_error_response.json', async () => {
    const res = await api('PATCH', '/sobjects/Account/Namez/foo', { Name: 'x' });
    expect(res.status).toBe(404);
    expect(res.json).toEqual(sample('restforce_sobject_upsert_error_response.json'));
  });

  it('upsert matching several records ~ restforce_sobject_upsert_multiple_error_response.json (HTTP 300)', async () => {
    emu.control.seed({ Account: [{ Name: 'Twin 1', Legacy_Key__c: 'TWIN' }, { Name: 'Twin 2', Legacy_Key__c: 'TWIN' }] });
    const res = await api('PATCH', '/sobjects/Account/Legacy_Key__c/TWIN', { Name: 'x' });
    expect(res.status).toBe(300);
    expect(compareShape(res.json, sample('restforce_sobject_upsert_multiple_error_response.json'))).toEqual([]);
    expect((res.json as string[]).every((u) => /^\/services\/data\/v62\.0\/sobjects\/Account\/001[a-zA-Z0-9]{15}$/.test(u))).toBe(true);
  });

  it('query paging ~ plugin-data queryMore pages and restforce paginated pages', async () => {
    paged.control.seed({ Contact: [{ FirstName: 'Caroline', LastName: 'Roth' }, { FirstName: 'Dalil', LastName: 'Djidel' }] });
    const first = await call(paged.url, pagedToken, 'GET', '/services/data/v51.0/query?q=SELECT+Id,+Name+FROM+Contact');
    expect(compareShape(first.json, sample('plugin-data_queryMore_first_page.json'))).toEqual([]);
    const next = (first.json as { nextRecordsUrl: string }).nextRecordsUrl;
    expect(next).toMatch(/^\/services\/data\/v51\.0\/query\/01g[a-zA-Z0-9]{15}-1$/);
    const second = await call(paged.url, pagedToken, 'GET', next);
    expect(compareShape(second.json, sample('plugin-data_queryMore_second_page.json'))).toEqual([]);

    const rename: ShapeOptions = { renameKeys: { Text_Label: 'Name' } };
    const rfFirst = await call(paged.url, pagedToken, 'GET', '/services/data/v51.0/query?q=SELECT+Name+FROM+Contact');
    expect(compareShape(rfFirst.json, sample('restforce_sobject_query_paginated_first_page_response.json'), rename)).toEqual([]);
    const rfLast = await call(paged.url, pagedToken, 'GET', (rfFirst.json as { nextRecordsUrl: string }).nextRecordsUrl);
    expect(compareShape(rfLast.json, sample('restforce_sobject_query_paginated_last_page_response.json'), rename)).toEqual([]);
  });

  it('child subquery ~ plugin-data_subQuery_queryResult.json (null when empty)', async () => {
    const { Account: accounts = [] } = emu.control.seed({ Account: [{ Name: 'With contact' }, { Name: 'Without contact' }] });
    emu.control.seed({ Contact: [{ LastName: 'Only', AccountId: accounts[0] }] });
    const res = await api('GET', `/query?q=${encodeURIComponent("SELECT Name, (SELECT LastName FROM Contacts) FROM Account WHERE Name LIKE 'With%'")}`);
    expect(compareShape(res.json, sample('plugin-data_subQuery_queryResult.json'))).toEqual([]);
    const records = (res.json as { records: { Contacts: unknown }[] }).records;
    expect(records.map((r) => r.Contacts === null)).toEqual([false, true]);
  });

  it('empty result ~ plugin-data_emptyQuery_queryResult.json', async () => {
    const res = await api('GET', `/query?q=${encodeURIComponent("SELECT Id FROM Account WHERE Name = 'nobody'")}`);
    expect(res.json).toEqual(sample('plugin-data_emptyQuery_queryResult.json'));
  });
});
