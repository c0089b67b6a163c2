import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { ALL_GROUPS, loadSettingsFor, missingSettings } from '../src/config-groups';

/**
 * Settings are asked for by what uses them, all at once: `jobs` needs only the store; `match` names every
 * missing variable in one message; the middleware itself checks Salesforce's settings at start-up.
 */
describe('settings per entry point', () => {
  let dir: string;
  const storeOnly = () => ({ DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}`, LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'), LOG_LEVEL: 'silent' });
  const cli = async (env: NodeJS.ProcessEnv, ...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: dir });
    return { code, stdout, stderr };
  };

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-cli-settings-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('`jobs` runs with the store settings alone', async () => {
    expect(await cli(storeOnly(), 'jobs')).toMatchObject({ code: 0, stdout: 'No jobs.\n' });
  });

  it('`jobs` without any setting names only what it needs', async () => {
    const { code, stderr } = await cli({ LOG_LEVEL: 'silent' }, 'jobs');
    expect(code).toBe(1);
    expect(stderr).toContain('npm run cli -- jobs needs settings that are not set: LEDGERLINE_ENCRYPTION_KEY.');
    expect(stderr).not.toMatch(/LEDGERLINE_API_KEYS|QBO_CLIENT_ID|SALESFORCE_CLIENT_ID/);
  });

  it('`health` runs with the store settings alone and names the missing Salesforce settings in its report', async () => {
    const { code, stdout } = await cli(storeOnly(), 'health');
    expect(code).toBe(1); // no company connected, Salesforce not configured: status error, reported
    expect(stdout).toContain('Salesforce: NOT AUTHENTICATED');
    expect(stdout).toMatch(/! Salesforce: authentication failed: .*Salesforce settings are missing: SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET/);
  });

  it('`match` names every missing variable in one message', async () => {
    const { code, stderr } = await cli({ LOG_LEVEL: 'silent' }, 'match');
    expect(code).toBe(1);
    expect(stderr).toContain('npm run cli -- match needs settings that are not set: LEDGERLINE_ENCRYPTION_KEY, QBO_CLIENT_ID, QBO_CLIENT_SECRET, QBO_REDIRECT_URI, SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET (client credentials) or SALESFORCE_PRIVATE_KEY with SALESFORCE_USERNAME (JWT bearer).');
  });

  it('the middleware checks Salesforce settings at start-up, naming them with any invalid value', () => {
    const env = { LEDGERLINE_API_KEYS: 'k'.repeat(40), LEDGERLINE_ADMIN_KEYS: 'a'.repeat(40), LEDGERLINE_ENCRYPTION_KEY: 'short', QBO_CLIENT_ID: 'id', QBO_CLIENT_SECRET: 'secret', QBO_REDIRECT_URI: 'https://billing.example.com/oauth/quickbooks/callback' };
    expect(() => loadSettingsFor(env, ALL_GROUPS, 'The middleware')).toThrow(
      expect.objectContaining({
        code: 'CONFIG_INVALID',
        message: expect.stringMatching(/^The middleware needs settings that are not set: SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET .*\. Invalid: LEDGERLINE_ENCRYPTION_KEY: must be 32 bytes/),
      }),
    );
    const complete = { ...env, LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'), SALESFORCE_CLIENT_ID: 'app', SALESFORCE_CLIENT_SECRET: 'app-secret' };
    expect(loadSettingsFor(complete, ALL_GROUPS, 'The middleware').SALESFORCE_CLIENT_ID).toBe('app');
  });

  it('the HTTP server needs both kinds of key; a CLI command needs neither', () => {
    expect(missingSettings({}, ['api'])).toEqual(['LEDGERLINE_API_KEYS', 'LEDGERLINE_ADMIN_KEYS']);
    const store = { LEDGERLINE_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };
    expect(loadSettingsFor(store, ['store'], 'jobs').LEDGERLINE_ADMIN_KEYS).toHaveLength(1);
  });
});
