/**
 * Standalone emulator: `npm run emulator:qbo -- [--port 4010] [--realm 123] ...` (repository root).
 * Prints the URLs, a ready access token for each realm, and runs until interrupted.
 */
import { parseArgs } from 'node:util';
import { startQboEmulator } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.QBO_EMULATOR_PORT ?? '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      realm: { type: 'string', multiple: true },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'webhook-url': { type: 'string' },
      'webhook-verifier': { type: 'string' },
      'webhook-format': { type: 'string', default: 'cloudevents' },
      'no-limits': { type: 'boolean', default: false },
      'any-token': { type: 'boolean', default: false },
      'latency-ms': { type: 'string', default: '0' },
      verbose: { type: 'boolean', default: false },
    },
  });
  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  const emulator = await startQboEmulator({
    port: Number(values.port),
    host: values.host,
    ...(values.realm?.length ? { realms: values.realm } : {}),
    latencyMs: Number(values['latency-ms']),
    verbose: values.verbose,
    limits: { enabled: !values['no-limits'] },
    oauth: {
      apiAuth: values['any-token'] ? 'any' : 'strict',
      ...(clientId && clientSecret ? { clients: [{ clientId, clientSecret, redirectUris: [] }] } : {}),
    },
    ...(values['webhook-url'] && values['webhook-verifier']
      ? { webhooks: { url: values['webhook-url'], verifierToken: values['webhook-verifier'], format: values['webhook-format'] === 'legacy' ? 'legacy' : 'cloudevents' } }
      : {}),
  });
  const lines = [
    `QuickBooks Online emulator listening on ${emulator.url}`,
    `  API base (QBO_API_BASE_URL):     ${emulator.url}   node-quickbooks V3_ENDPOINT_BASE_URL=${emulator.endpoints.apiBase}`,
    `  OAuth base (QBO_OAUTH_BASE_URL): ${emulator.oauthUrl}`,
    `  authorize ${emulator.endpoints.authorizeEndpoint}`,
    `  token     ${emulator.endpoints.tokenEndpoint}`,
    `  revoke    ${emulator.endpoints.revokeEndpoint}`,
    `  control   ${emulator.url}/__control`,
  ];
  for (const realm of emulator.control.realms()) {
    const tokens = emulator.control.issueTokens(realm);
    lines.push(`  realm ${realm}: access_token=${tokens.access_token.slice(0, 24)}… (full tokens: POST ${emulator.url}/__control/tokens {"realmId":"${realm}"})`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
