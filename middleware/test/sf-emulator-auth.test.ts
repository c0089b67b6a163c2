import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { generateRsaKeyPair, signJwtAssertion } from '@ledgerline/emulators/salesforce/test-kit';

const VERSION = '62.0';
const CLIENT_ID = 'test-consumer-key';
const CLIENT_SECRET = 'test-consumer-secret';
const USERNAME = 'integration@ledgerline.example';

describe('Salesforce emulator: OAuth through jsforce', () => {
  const keys = generateRsaKeyPair();
  const otherKeys = generateRsaKeyPair();
  let emu: SalesforceEmulator;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({ auth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, publicKey: keys.publicKey }, integrationUsername: USERNAME });
  });
  afterAll(() => emu.close());

  const jwtLogin = async (claims: Partial<{ iss: string; sub: string; aud: string; exp: number }>, key = keys.privateKey): Promise<Connection> => {
    const conn = new Connection({ loginUrl: emu.url, version: VERSION });
    const assertion = signJwtAssertion({ iss: CLIENT_ID, sub: USERNAME, aud: emu.url, ...claims }, key);
    await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
    return conn;
  };

  it('logs in with the JWT bearer flow and the token works for the REST API and the id URL', async () => {
    const conn = await jwtLogin({});
    expect(conn.instanceUrl).toBe(emu.url);
    expect(conn.userInfo?.id).toBe(emu.control.integrationUserId);
    expect(conn.userInfo?.organizationId).toMatch(/^00D[a-zA-Z0-9]{15}$/);
    const result = await conn.query<{ Username: string }>("SELECT Username FROM User WHERE Username = 'integration@ledgerline.example'");
    expect(result.records.map((r) => r.Username)).toEqual([USERNAME]);
    const identity = await conn.identity();
    expect(identity.user_id).toBe(emu.control.integrationUserId);
    expect(identity.username).toBe(USERNAME);
  });

  it('accepts login.salesforce.com as the audience too', async () => {
    await expect(jwtLogin({ aud: 'https://login.salesforce.com' })).resolves.toBeInstanceOf(Connection);
  });

  it.each([
    ['a signature from another key', {}, 'other', 'invalid_grant', 'invalid assertion'],
    ['an unknown consumer key', { iss: 'someone-else' }, 'own', 'invalid_client_id', 'client identifier invalid'],
    ['a foreign audience', { aud: 'https://evil.example.com' }, 'own', 'invalid_grant', 'audience is invalid'],
    ['an expired assertion', { exp: Math.floor(Date.now() / 1000) - 10 }, 'own', 'invalid_grant', 'expired authorization code'],
    ['an unknown user', { sub: 'nobody@example.com' }, 'own', 'invalid_grant', "user hasn't approved this consumer"],
  ])('rejects %s with the real OAuth error', async (_label, claims, key, error, description) => {
    await expect(jwtLogin(claims, key === 'other' ? otherKeys.privateKey : keys.privateKey)).rejects.toMatchObject({ name: error, message: description });
  });

  it('answers OAuth errors in the {error, error_description} shape', async () => {
    const res = await fetch(`${emu.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=password' });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
  });

  it('logs in with client credentials and rejects a wrong secret', async () => {
    const conn = new Connection({ oauth2: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, loginUrl: emu.url }, version: VERSION });
    await conn.authorize({ grant_type: 'client_credentials' });
    expect(conn.accessToken).toMatch(/^00D[a-zA-Z0-9]{12}!AR/);
    const limits = await conn.request<{ DailyApiRequests: { Max: number } }>('/limits');
    expect(limits.DailyApiRequests.Max).toBe(100000);

    const bad = new Connection({ oauth2: { clientId: CLIENT_ID, clientSecret: 'wrong', loginUrl: emu.url }, version: VERSION });
    await expect(bad.authorize({ grant_type: 'client_credentials' })).rejects.toMatchObject({ name: 'invalid_client', message: 'invalid client credentials' });
  });

  it('signs the token response like the platform: base64 HMAC-SHA256 of id + issued_at', async () => {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: CLIENT_SECRET });
    const res = await fetch(`${emu.url}/services/oauth2/token`, { method: 'POST', body });
    const token = (await res.json()) as Record<string, string>;
    const { createHmac } = await import('node:crypto');
    expect(token.signature).toBe(createHmac('sha256', CLIENT_SECRET).update(`${token.id}${token.issued_at}`).digest('base64'));
    expect(token.id).toBe(`${emu.url}/id/${token.id?.split('/')[4]}/${emu.control.integrationUserId}`);
    expect(token.token_type).toBe('Bearer');
  });

  it('turns away an unknown token with 401 INVALID_SESSION_ID', async () => {
    const conn = new Connection({ instanceUrl: emu.url, accessToken: '00Dxx!nonsense', version: VERSION });
    await expect(conn.query('SELECT Id FROM Account')).rejects.toMatchObject({ name: 'INVALID_SESSION_ID', errorCode: 'INVALID_SESSION_ID' });
  });
});
