import { randomBytes } from 'node:crypto';
import { createLedgerline, type Ledgerline } from '../src/container';
import { startQboEmulator, DEFAULT_CLIENT, DEFAULT_REALM, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { createLogger } from '../src/logger';
import { QboApi } from '../src/quickbooks/api';
import { IntuitOAuth } from '../src/quickbooks/oauth';
import { TokenManager, tokensFromIntuit, type TokenRepository } from '../src/quickbooks/tokens';
import { openStore, type Store } from '../src/store';
import { createTestDatabase, POSTGRES_TEST_URL_VARIABLE, type TestDatabase } from '../src/store/test-databases';
import { qboOnlyConfig } from './support/qbo-only-config';

/**
 * Two middleware instances on one PostgreSQL database, ten concurrent QuickBooks calls spread across them,
 * and an access token that has run out: Intuit's token endpoint must see exactly one refresh (its refresh
 * tokens rotate, so a second exchange would race the first). The emulator's token endpoint answers
 * slowly, so both instances are certain to want a refresh at the same time.
 */
const describePg = process.env[POSTGRES_TEST_URL_VARIABLE] ? describe : describe.skip;
const logger = createLogger({ level: 'silent' });
const ENCRYPTION_KEY = randomBytes(32).toString('base64');

describePg('token refresh across instances on PostgreSQL', () => {
  let db: TestDatabase;
  let qbo: QboEmulator;
  let instances: Ledgerline[] = [];

  beforeEach(async () => {
    db = await createTestDatabase('postgres');
    qbo = await startQboEmulator({ port: 0 });
  });
  afterEach(async () => {
    for (const instance of instances) await instance.stop(0);
    instances = [];
    await qbo.close();
    await db.drop();
  });

  const config = () => qboOnlyConfig({ databaseUrl: db.url, qbo, encryptionKey: ENCRYPTION_KEY, apiKeyPrefix: 'token-test-key' });

  async function connect(store: Store, accessExpiresInMs?: number): Promise<void> {
    const tokens = tokensFromIntuit(qbo.control.issueTokens(DEFAULT_REALM), Date.now());
    if (accessExpiresInMs !== undefined) tokens.accessTokenExpiresAt = new Date(Date.now() + accessExpiresInMs);
    await store.connections.connect({ realmId: DEFAULT_REALM, billingEntity: 'Default', ...tokens });
  }

  /** Every call to Intuit's token endpoint waits 400 ms; the emulator counts each one as `injected`. */
  function slowTokenEndpoint(): () => number {
    qbo.control.injectFault({ kind: 'slow', target: 'oauth', operation: 'token', delayMs: 400, times: 1000 });
    const before = qbo.control.counters().injected;
    return () => qbo.control.counters().injected - before;
  }

  async function tenCallers(apis: Array<Pick<QboApi, 'company'>>): Promise<string[]> {
    const calls = Array.from({ length: 10 }, (_, i) => apis[i % apis.length]!.company(DEFAULT_REALM).companyInfo<{ CompanyName: string }>());
    return (await Promise.all(calls)).map((info) => info.CompanyName);
  }

  it('refreshes an expired access token once for 10 concurrent callers on 2 instances', async () => {
    instances = [await createLedgerline(config(), { logger }), await createLedgerline(config(), { logger })];
    await connect(instances[0]!.store, -60_000);
    const refreshes = slowTokenEndpoint();
    const names = await tenCallers(instances.map((i) => i.qbo));
    expect(names).toHaveLength(10);
    expect(refreshes()).toBe(1);
    const stored = await instances[1]!.store.connections.get(DEFAULT_REALM);
    expect(stored!.accessTokenExpiresAt.getTime()).toBeGreaterThan(Date.now() + 30 * 60_000);
    expect(stored!.version).toBe(2);
  });

  it('refreshes once when QuickBooks rejects the token mid-run (401) on both instances', async () => {
    instances = [await createLedgerline(config(), { logger }), await createLedgerline(config(), { logger })];
    await connect(instances[0]!.store);
    await tenCallers(instances.map((i) => i.qbo)); // warm: both instances have used the token
    qbo.control.expireAccessTokens();
    const refreshes = slowTokenEndpoint();
    const names = await tenCallers(instances.map((i) => i.qbo));
    expect(names).toHaveLength(10);
    expect(refreshes()).toBe(1);
  });

  it('control: without the cross-instance lock the same run makes one exchange per instance', async () => {
    const stores = [await openStore(db.url, { encryptionKey: ENCRYPTION_KEY }), await openStore(db.url, { encryptionKey: ENCRYPTION_KEY })];
    try {
      await connect(stores[0]!, -60_000);
      const apis = stores.map((store) => {
        const repo: TokenRepository = { get: (r) => store.connections.get(r), saveTokens: (r, t, v) => store.connections.saveTokens(r, t, v), setStatus: (r, s, e) => store.connections.setStatus(r, s, e) };
        const oauth = new IntuitOAuth({ clientId: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret, redirectUri: 'http://127.0.0.1:1/cb', environment: 'sandbox', oauthBaseUrl: qbo.oauthUrl });
        return new QboApi({ clientId: DEFAULT_CLIENT.clientId, clientSecret: DEFAULT_CLIENT.clientSecret, environment: 'sandbox', apiBaseUrl: qbo.url, minorVersion: 75, timeoutMs: 10_000, maxConcurrentPerRealm: 8, requestsPerMinutePerRealm: 450 }, new TokenManager(repo, oauth, logger), logger);
      });
      const refreshes = slowTokenEndpoint();
      expect(await tenCallers(apis)).toHaveLength(10);
      expect(refreshes()).toBe(2);
    } finally {
      for (const store of stores) await store.close();
    }
  });
});
