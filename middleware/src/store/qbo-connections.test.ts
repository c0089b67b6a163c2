import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AppError } from '../errors';
import { manualClock, openStore, type ConnectInput, type Store } from './index';
import { createTestDatabase, testDialects, type TestDatabase } from './test-databases';

const ACCESS = 'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.access-plaintext-7f3a';
const REFRESH = 'AB11774930882refresh-plaintext-9c2e';

function input(overrides: Partial<ConnectInput> = {}): ConnectInput {
  return {
    realmId: '9341453145470955',
    billingEntity: 'Ledgerline US',
    companyName: 'Ledgerline Inc.',
    accessToken: ACCESS,
    refreshToken: REFRESH,
    accessTokenExpiresAt: new Date('2025-01-01T01:00:00.000Z'),
    refreshTokenExpiresAt: new Date('2025-04-10T00:00:00.000Z'),
    ...overrides,
  };
}

describe.each(testDialects())('QBO connections on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  const key = randomBytes(32).toString('base64');
  const clock = manualClock();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url, { encryptionKey: key, now: clock });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('stores tokens encrypted: the raw row holds v2 seals with the key id, not the tokens', async () => {
    const saved = await store.connections.connect(input());
    expect(saved).toMatchObject({ accessToken: ACCESS, refreshToken: REFRESH, status: 'connected', version: 1 });
    const { rows } = await store.db.query<Record<string, unknown>>('select * from qbo_connections');
    const raw = JSON.stringify(rows);
    expect(raw).not.toContain('access-plaintext');
    expect(raw).not.toContain('refresh-plaintext');
    expect(rows[0]?.access_token_sealed).toMatch(/^v2:[A-Za-z0-9_-]{8}:[^:]+:[^:]+:[^:]+$/);
    expect(rows[0]?.refresh_token_sealed).toMatch(/^v2:/);
  });

  if (dialect === 'sqlite') {
    it('leaves no token plaintext anywhere in the database files (main file and WAL)', () => {
      const path = database.url.slice('sqlite:'.length);
      const dir = dirname(path);
      const bytes = readdirSync(dir).map((name) => readFileSync(join(dir, name)).toString('latin1')).join('');
      expect(bytes).toContain('Ledgerline US'); // the files do hold the row…
      expect(bytes).not.toContain('access-plaintext'); // …but not the tokens
      expect(bytes).not.toContain('refresh-plaintext');
    });
  }

  it('reads back through the same key, by realm and by billing entity', async () => {
    expect((await store.connections.get('9341453145470955'))?.refreshToken).toBe(REFRESH);
    expect((await store.connections.getByBillingEntity('Ledgerline US'))?.realmId).toBe('9341453145470955');
    expect(await store.connections.get('missing')).toBeUndefined();
  });

  it('cannot read the tokens with another key, but can still list companies', async () => {
    const other = await openStore(database.url, { encryptionKey: randomBytes(32) });
    try {
      await expect(other.connections.get('9341453145470955')).rejects.toThrow(/could not be decrypted/);
      expect((await other.connections.list()).map((c) => c.billingEntity)).toEqual(['Ledgerline US']);
      expect(JSON.stringify(await other.connections.list())).not.toContain('plaintext');
    } finally {
      await other.close();
    }
  });

  it('saves rotated tokens with optimistic concurrency: a stale version gets a retryable CONFLICT', async () => {
    const current = await store.connections.get('9341453145470955');
    if (!current) throw new Error('connection missing');
    clock.advance(60_000);
    const rotated = {
      accessToken: 'access-2',
      refreshToken: 'refresh-2',
      accessTokenExpiresAt: new Date('2025-01-01T02:00:00.000Z'),
      refreshTokenExpiresAt: new Date('2025-04-11T00:00:00.000Z'),
    };
    const saved = await store.connections.saveTokens(current.realmId, rotated, current.version);
    expect(saved).toMatchObject({ refreshToken: 'refresh-2', version: current.version + 1 });
    expect(saved.refreshTokenIssuedAt).toEqual(clock());

    const stale = store.connections.saveTokens(current.realmId, { ...rotated, refreshToken: 'refresh-stale' }, current.version);
    await expect(stale).rejects.toMatchObject({ code: 'CONFLICT', retryable: true });
    expect((await store.connections.get(current.realmId))?.refreshToken).toBe('refresh-2');
    await expect(store.connections.saveTokens('nope', rotated, 1)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names a company without touching its tokens or their version', async () => {
    const before = await store.connections.get('9341453145470955');
    if (!before) throw new Error('connection missing');
    await store.connections.setCompanyName(before.realmId, "O'Brien & Co (US)");
    const after = await store.connections.get(before.realmId);
    expect(after).toMatchObject({ companyName: "O'Brien & Co (US)", refreshToken: before.refreshToken, accessToken: before.accessToken, version: before.version });
  });

  it('records refresh failures and reconnects back to connected', async () => {
    const failed = await store.connections.setStatus('9341453145470955', 'refresh_failed', 'invalid_grant');
    expect(failed).toMatchObject({ status: 'refresh_failed', lastError: 'invalid_grant' });
    expect(failed).not.toHaveProperty('accessToken');
    const again = await store.connections.connect(input({ accessToken: 'access-3', refreshToken: 'refresh-3' }));
    expect(again).toMatchObject({ status: 'connected', lastError: null, refreshToken: 'refresh-3' });
    expect(again.version).toBeGreaterThan(failed.version);
    await expect(store.connections.setStatus('nope', 'revoked')).rejects.toBeInstanceOf(AppError);
  });

  it('keeps billing entities unique across companies', async () => {
    await expect(store.connections.connect(input({ realmId: '555' }))).rejects.toMatchObject({ kind: 'unique_violation' });
    await store.connections.connect(input({ realmId: '555', billingEntity: 'Ledgerline UK' }));
    expect((await store.connections.list()).map((c) => c.billingEntity)).toEqual(['Ledgerline UK', 'Ledgerline US']);
    expect(await store.connections.remove('555')).toBe(true);
  });
});
