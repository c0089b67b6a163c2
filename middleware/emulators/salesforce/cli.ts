import { readFileSync } from 'node:fs';
import { startSalesforceEmulator } from './server';

/**
 * Standalone emulator: `npm run emulator:sf` (repository root). Settings from the environment:
 * SF_EMULATOR_PORT (default 0 = free port), SF_EMULATOR_HOST, SF_EMULATOR_CLIENT_ID,
 * SF_EMULATOR_CLIENT_SECRET, SF_EMULATOR_PUBLIC_KEY (PEM text or a file path), SF_EMULATOR_USERNAME,
 * SF_EMULATOR_METADATA_DIR, SF_EMULATOR_CALLOUT_URL, SF_EMULATOR_CALLOUT_API_KEY, SF_EMULATOR_SEED (JSON file),
 * SF_EMULATOR_PERMISSION_SETS (comma-separated permission sets of the API users; `none` for none).
 */

function pem(value: string | undefined): string | undefined {
  if (!value) return undefined;
  return value.includes('-----BEGIN') ? value : readFileSync(value, 'utf8');
}

function permissionSets(value: string): string[] {
  return value.trim().toLowerCase() === 'none' ? [] : value.split(',').map((s) => s.trim()).filter(Boolean);
}

async function main(): Promise<void> {
  const env = process.env;
  const emulator = await startSalesforceEmulator({
    port: Number(env.SF_EMULATOR_PORT ?? 0),
    host: env.SF_EMULATOR_HOST ?? '127.0.0.1',
    ...(env.SF_EMULATOR_METADATA_DIR ? { metadataDir: env.SF_EMULATOR_METADATA_DIR } : {}),
    ...(env.SF_EMULATOR_USERNAME ? { integrationUsername: env.SF_EMULATOR_USERNAME } : {}),
    auth: {
      clientId: env.SF_EMULATOR_CLIENT_ID ?? 'ledgerline-local-client',
      ...(env.SF_EMULATOR_CLIENT_SECRET ? { clientSecret: env.SF_EMULATOR_CLIENT_SECRET } : {}),
      ...(pem(env.SF_EMULATOR_PUBLIC_KEY) ? { publicKey: pem(env.SF_EMULATOR_PUBLIC_KEY) } : {}),
    },
    ...(env.SF_EMULATOR_CALLOUT_URL ? { callout: { url: env.SF_EMULATOR_CALLOUT_URL, ...(env.SF_EMULATOR_CALLOUT_API_KEY ? { apiKey: env.SF_EMULATOR_CALLOUT_API_KEY } : {}) } } : {}),
    ...(env.SF_EMULATOR_PERMISSION_SETS !== undefined ? { permissionSets: permissionSets(env.SF_EMULATOR_PERMISSION_SETS) } : {}),
    ...(env.SF_EMULATOR_SEED ? { seed: JSON.parse(readFileSync(env.SF_EMULATOR_SEED, 'utf8')) as Record<string, Record<string, unknown>[]> } : {}),
  });
  const session = emulator.control.createSession();
  process.stdout.write(`Salesforce emulator listening on ${emulator.url}\n`);
  process.stdout.write(`Control API: ${emulator.url}/__control  (a ready access token: POST /__control/sessions)\n`);
  process.stdout.write(`Integration user id: ${session.userId}\n`);
  const stop = (): void => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`Salesforce emulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
