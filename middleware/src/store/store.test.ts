import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../errors';
import { manualClock, NO_REALM, openStore, type Store } from './index';
import { MIGRATIONS } from './migrations';
import { createTestDatabase, testDialects, type TestDatabase } from './test-databases';

describe('openStore', () => {
  it('creates parent folders for a SQLite file and turns on WAL and foreign keys', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-store-'));
    const file = join(dir, 'nested', 'deeper', 'ledgerline.db');
    const store = await openStore(`sqlite:${file}`);
    try {
      expect(existsSync(file)).toBe(true);
      const [mode] = (await store.db.query<{ journal_mode: string }>('pragma journal_mode')).rows;
      const [fk] = (await store.db.query<{ foreign_keys: number }>('pragma foreign_keys')).rows;
      const [busy] = (await store.db.query<{ timeout: number }>('pragma busy_timeout')).rows;
      expect(mode?.journal_mode).toBe('wal');
      expect(fk?.foreign_keys).toBe(1);
      expect(busy?.timeout).toBeGreaterThan(0);
      expect(store.description).toBe(`sqlite:${file}`);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects a URL it does not understand, naming the variable', async () => {
    await expect(openStore('mysql://localhost/db')).rejects.toThrow(/DATABASE_URL/);
    await expect(openStore('sqlite:')).rejects.toBeInstanceOf(AppError);
  });

  it('refuses to touch tokens without an encryption key, and a malformed key at open', async () => {
    const store = await openStore('sqlite::memory:');
    try {
      await expect(store.connections.get('1')).resolves.toBeUndefined();
      await expect(
        store.connections.connect({
          realmId: '1',
          billingEntity: 'US',
          accessToken: 'a',
          refreshToken: 'r',
          accessTokenExpiresAt: new Date(),
          refreshTokenExpiresAt: new Date(),
        }),
      ).rejects.toThrow(/LEDGERLINE_ENCRYPTION_KEY/);
    } finally {
      await store.close();
    }
    await expect(openStore('sqlite::memory:', { encryptionKey: 'dG9vLXNob3J0' })).rejects.toThrow(/32 bytes/);
  });
});

describe.each(testDialects())('store on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  const clock = manualClock();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url, { now: clock });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('applies every migration once, and a second open finds nothing to do', async () => {
    const { rows } = await store.db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const again = await openStore(database.url);
    try {
      const count = await again.db.query<{ n: number }>('select count(*) as n from schema_migrations');
      expect(count.rows[0]?.n).toBe(MIGRATIONS.length);
    } finally {
      await again.close();
    }
  });

  it('answers ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('keeps sync cursors per realm and name, with compare-and-set', async () => {
    expect(await store.cursors.get('123', 'qbo.cdc')).toBeUndefined();
    expect(await store.cursors.compareAndSet('123', 'qbo.cdc', undefined, '2025-01-01T00:00:00Z')).toBe(true);
    expect(await store.cursors.compareAndSet('123', 'qbo.cdc', undefined, '1999-01-01T00:00:00Z')).toBe(false);
    expect(await store.cursors.compareAndSet('123', 'qbo.cdc', 'stale', '2025-02-01T00:00:00Z')).toBe(false);
    expect(await store.cursors.compareAndSet('123', 'qbo.cdc', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')).toBe(true);
    await store.cursors.set(NO_REALM, 'sf.closed-won-sweep', '0065g00000AAAAA');
    clock.advance(1000);
    await store.cursors.set(NO_REALM, 'sf.closed-won-sweep', '0065g00000BBBBB');
    expect((await store.cursors.get('123', 'qbo.cdc'))?.value).toBe('2025-02-01T00:00:00Z');
    const sweep = await store.cursors.get(NO_REALM, 'sf.closed-won-sweep');
    expect(sweep?.value).toBe('0065g00000BBBBB');
    expect(sweep?.updatedAt).toEqual(clock());
  });

  it('stores settings as JSON values', async () => {
    expect(await store.settings.get('sync.paused')).toBeUndefined();
    await store.settings.set('sync.paused', false);
    await store.settings.set('sync.paused', { until: '2025-03-01' });
    expect(await store.settings.get('sync.paused')).toEqual({ until: '2025-03-01' });
    expect(await store.settings.remove('sync.paused')).toBe(true);
    expect(await store.settings.remove('sync.paused')).toBe(false);
  });
});
