import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStore } from '../store';
import { runCli } from './main';

/** Key rotation end to end on a SQLite file: tokens sealed with the old key, `rotate-key`, then the old key is gone. */
describe('npm run cli -- rotate-key', () => {
  let dir: string;
  const oldKey = randomBytes(32).toString('base64');
  const newKey = randomBytes(32).toString('base64');
  const tokens = (n: number) => ({ accessToken: `access-${n}`, refreshToken: `refresh-${n}`, accessTokenExpiresAt: new Date(Date.now() + 3_600_000), refreshTokenExpiresAt: new Date(Date.now() + 86_400_000) });

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-rotate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function cli(args: string[], env: Record<string, string>) {
    let out = '';
    let err = '';
    const code = await runCli(args, { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } as never, env, cwd: dir });
    return { code, out, err };
  }

  it('re-seals every token with the new key, so the old key can be dropped', async () => {
    const url = `sqlite:${path.join(dir, 'ledgerline.db')}`;
    const before = await openStore(url, { encryptionKey: oldKey });
    await before.connections.connect({ realmId: '101', billingEntity: 'Default', ...tokens(1) });
    await before.connections.connect({ realmId: '202', billingEntity: 'EMEA', ...tokens(2) });
    await before.close();

    const env = { DATABASE_URL: url, LEDGERLINE_API_KEYS: 'k'.repeat(40), LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40), LEDGERLINE_ENCRYPTION_KEY: newKey, LEDGERLINE_DECRYPTION_KEYS: oldKey, LOG_LEVEL: 'silent' };
    const first = await cli(['rotate-key'], env);
    expect(first).toMatchObject({ code: 0, err: '' });
    expect(first.out).toMatch(/Re-sealed the tokens of 2 of 2 QuickBooks companies with key id \S{8}/);
    expect(first.out).not.toContain(newKey);
    expect((await cli(['rotate-key'], env)).out).toMatch(/of 0 of 2|Re-sealed the tokens of 0 of 2/);

    const after = await openStore(url, { encryptionKey: newKey });
    try {
      expect((await after.connections.get('101'))?.refreshToken).toBe('refresh-1');
      expect((await after.connections.get('202'))?.accessToken).toBe('access-2');
      const { rows } = await after.db.query<{ access_token_sealed: string }>('select access_token_sealed from qbo_connections');
      expect(rows.every((r) => r.access_token_sealed.startsWith('v2:'))).toBe(true);
    } finally {
      await after.close();
    }
    const oldOnly = await openStore(url, { encryptionKey: oldKey });
    try {
      await expect(oldOnly.connections.get('101')).rejects.toThrow(/could not be decrypted/);
    } finally {
      await oldOnly.close();
    }
  });

  it('names the missing key when a token was sealed with a key it was not given', async () => {
    const url = `sqlite:${path.join(dir, 'other.db')}`;
    const store = await openStore(url, { encryptionKey: oldKey });
    await store.connections.connect({ realmId: '303', billingEntity: 'Default', ...tokens(3) });
    await store.close();
    const result = await cli(['rotate-key'], { DATABASE_URL: url, LEDGERLINE_API_KEYS: 'k'.repeat(40), LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40), LEDGERLINE_ENCRYPTION_KEY: newKey, LOG_LEVEL: 'silent' });
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/LEDGERLINE_DECRYPTION_KEYS/);
    expect(result.err).not.toContain('refresh-3');
  });
});
