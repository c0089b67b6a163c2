import { loadConfig } from './config';
import { AppError } from './errors';

const key = Buffer.alloc(32, 7).toString('base64');
const apiKey = 'k'.repeat(40);
const adminKey = 'a'.repeat(40);

describe('loadConfig', () => {
  it('applies defaults for an otherwise empty environment with the required secrets', () => {
    const cfg = loadConfig({ LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key });
    expect(cfg.PORT).toBe(3000);
    expect(cfg.DATABASE_URL).toBe('sqlite:./data/ledgerline.db');
    expect(cfg.LEDGERLINE_API_KEYS).toEqual([apiKey]);
    expect(cfg.QBO_ENVIRONMENT).toBe('sandbox');
  });

  it('reads LEDGERLINE_ROLE (default all) and refuses anything but web, worker or all', () => {
    const env = { LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key };
    expect(loadConfig(env).LEDGERLINE_ROLE).toBe('all');
    expect(loadConfig({ ...env, LEDGERLINE_ROLE: 'worker' }).LEDGERLINE_ROLE).toBe('worker');
    expect(() => loadConfig({ ...env, LEDGERLINE_ROLE: 'both' })).toThrow(/LEDGERLINE_ROLE: must be web, worker or all/);
  });

  it('accepts two keys during rotation and rejects a third', () => {
    const two = loadConfig({ LEDGERLINE_API_KEYS: `${apiKey}, ${'n'.repeat(40)}`, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key });
    expect(two.LEDGERLINE_API_KEYS).toHaveLength(2);
    expect(() =>
      loadConfig({ LEDGERLINE_API_KEYS: [apiKey, apiKey, apiKey].join(','), LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key }),
    ).toThrow(/LEDGERLINE_API_KEYS: at most two keys/);
  });

  it('names each bad variable and never echoes its value', () => {
    let caught: unknown;
    try {
      loadConfig({ LEDGERLINE_API_KEYS: 'short-secret-value', LEDGERLINE_ENCRYPTION_KEY: 'c2VjcmV0', PORT: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    const message = (caught as AppError).message;
    expect(message).toMatch(/LEDGERLINE_API_KEYS/);
    expect(message).toMatch(/LEDGERLINE_ENCRYPTION_KEY: must be 32 bytes/);
    expect(message).toMatch(/PORT/);
    expect(message).not.toContain('short-secret-value');
    expect(message).not.toContain('c2VjcmV0');
  });

  it('requires admin keys, and refuses an admin key that is also an API key', () => {
    expect(() => loadConfig({ LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ENCRYPTION_KEY: key })).toThrow(/LEDGERLINE_ADMIN_KEYS: /);
    let caught: unknown;
    try {
      loadConfig({ LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: `${adminKey},${apiKey}`, LEDGERLINE_ENCRYPTION_KEY: key });
    } catch (error) {
      caught = error;
    }
    expect((caught as AppError).message).toMatch(/LEDGERLINE_ADMIN_KEYS: an admin key must not also be an API key/);
    expect((caught as AppError).message).not.toContain(apiKey);
    expect(loadConfig({ LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key }).LEDGERLINE_ADMIN_KEYS).toEqual([adminKey]);
  });

  it('reads TRUST_PROXY as off, a hop count or proxy addresses, and refuses true', () => {
    const env = { LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key };
    expect(loadConfig(env).TRUST_PROXY).toBe(false);
    expect(loadConfig({ ...env, TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(loadConfig({ ...env, TRUST_PROXY: '10.0.0.0/8, loopback,2001:db8::/32' }).TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback', '2001:db8::/32']);
    expect(() => loadConfig({ ...env, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY: .*true is refused/);
    expect(() => loadConfig({ ...env, TRUST_PROXY: '10.0.0.0/33' })).toThrow(/TRUST_PROXY/);
  });

  it('keeps the audit log longest', () => {
    const env = { LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key };
    expect(loadConfig(env)).toMatchObject({ RETENTION_WEBHOOK_DAYS: 30, RETENTION_JOB_DAYS: 30, RETENTION_AUDIT_DAYS: 2555, RETENTION_INTERVAL_SECONDS: 3600 });
    expect(loadConfig({ ...env, RETENTION_AUDIT_DAYS: '0' }).RETENTION_AUDIT_DAYS).toBe(0);
    expect(() => loadConfig({ ...env, RETENTION_AUDIT_DAYS: '20' })).toThrow(/RETENTION_AUDIT_DAYS: the audit log must be kept at least as long/);
  });

  it('requires the QBO app settings together', () => {
    expect(() =>
      loadConfig({ LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key, QBO_CLIENT_ID: 'abc' }),
    ).toThrow(/QBO_CLIENT_ID: QBO_CLIENT_ID, QBO_CLIENT_SECRET and QBO_REDIRECT_URI must be set together/);
  });

  it('rejects a database URL of an unknown kind', () => {
    expect(() =>
      loadConfig({ LEDGERLINE_API_KEYS: apiKey, LEDGERLINE_ADMIN_KEYS: adminKey, LEDGERLINE_ENCRYPTION_KEY: key, DATABASE_URL: 'mysql://x' }),
    ).toThrow(/DATABASE_URL/);
  });
});

describe('SALESFORCE_MULTICURRENCY', () => {
  const base = { LEDGERLINE_API_KEYS: 'k'.repeat(40), LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40), LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') };
  it('is optional (the org is asked) and, when set, is true or false', () => {
    expect(loadConfig(base).SALESFORCE_MULTICURRENCY).toBeUndefined();
    expect(loadConfig({ ...base, SALESFORCE_MULTICURRENCY: '' }).SALESFORCE_MULTICURRENCY).toBeUndefined();
    expect(loadConfig({ ...base, SALESFORCE_MULTICURRENCY: 'true' }).SALESFORCE_MULTICURRENCY).toBe(true);
    expect(loadConfig({ ...base, SALESFORCE_MULTICURRENCY: 'false' }).SALESFORCE_MULTICURRENCY).toBe(false);
    expect(() => loadConfig({ ...base, SALESFORCE_MULTICURRENCY: 'yes' })).toThrow(/SALESFORCE_MULTICURRENCY/);
  });
});
