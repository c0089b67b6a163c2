/**
 * Configuration of a middleware that talks to the QBO emulator only (no Salesforce, no sweeps): for tests
 * that drive the product's QBO side (tokens, batches) through createLedgerline.
 */
import { loadConfig, type Config } from '../../src/config';
import type { QboEmulator } from '@ledgerline/emulators/quickbooks';
import { emulatorSettings } from '../../src/demo/stack';

export function qboOnlyConfig(options: { databaseUrl: string; qbo: QboEmulator; encryptionKey: string; apiKeyPrefix: string }): Config {
  return loadConfig({
    DATABASE_URL: options.databaseUrl,
    LEDGERLINE_API_KEYS: `${options.apiKeyPrefix}-${'k'.repeat(32)}`,
    LEDGERLINE_ADMIN_KEYS: `${options.apiKeyPrefix}-${'a'.repeat(32)}`,
    LEDGERLINE_ENCRYPTION_KEY: options.encryptionKey,
    ...emulatorSettings({ qbo: options.qbo, publicUrl: 'http://127.0.0.1:1' }),
    SWEEP_INTERVAL_SECONDS: '0',
    CDC_INTERVAL_SECONDS: '0',
  });
}
