/**
 * Configuration of a middleware that talks to the QBO emulator only (no Salesforce, no sweeps): for tests
 * that drive the product's QBO side (tokens, batches) through createLedgerline.
 */
import { loadConfig, type Config } from '../../src/config';
import { DEFAULT_CLIENT, type QboEmulator } from '../../src/emulators/quickbooks';

export function qboOnlyConfig(options: { databaseUrl: string; qbo: QboEmulator; encryptionKey: string; apiKeyPrefix: string }): Config {
  return loadConfig({
    DATABASE_URL: options.databaseUrl,
    LEDGERLINE_API_KEYS: `${options.apiKeyPrefix}-${'k'.repeat(32)}`,
    LEDGERLINE_ENCRYPTION_KEY: options.encryptionKey,
    QBO_CLIENT_ID: DEFAULT_CLIENT.clientId,
    QBO_CLIENT_SECRET: DEFAULT_CLIENT.clientSecret,
    QBO_REDIRECT_URI: 'http://127.0.0.1:1/oauth/quickbooks/callback',
    QBO_API_BASE_URL: options.qbo.url,
    QBO_OAUTH_BASE_URL: options.qbo.oauthUrl,
    SWEEP_INTERVAL_SECONDS: '0',
    CDC_INTERVAL_SECONDS: '0',
  });
}
