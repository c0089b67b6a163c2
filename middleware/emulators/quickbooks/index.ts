/**
 * Local QuickBooks Online emulator for tests, the demo and benchmarks.
 *
 *   const qbo = await startQboEmulator({ port: 0 });
 *   QuickBooks.V3_ENDPOINT_BASE_URL = qbo.endpoints.apiBase;   // node-quickbooks
 *   oauthClient.setAuthorizeURLs(qbo.endpoints);                // intuit-oauth
 *   ...
 *   await qbo.close();
 */
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { createClock } from './clock';
import { createControl, type QboEmulatorControl } from './control';
import { Counters } from './counters';
import type { EmulatorDeps } from './deps';
import { FaultInjector } from './fault-injection';
import { Limits, LoadMeter } from './limits';
import { OAUTH_PATHS } from './oauth-routes';
import { resolveOptions, type EmulatorOptions, type EmulatorOptionsInput } from './options';
import { Realms } from './realms';
import { createApp } from './server';
import { TokenAuthority } from './token-authority';
import { WebhookNotifier } from './webhooks';

export interface QboEmulatorEndpoints {
  /** Value for node-quickbooks `QuickBooks.V3_ENDPOINT_BASE_URL` (ends with `/v3/company/`). */
  apiBase: string;
  authorizeEndpoint: string;
  tokenEndpoint: string;
  revokeEndpoint: string;
  userInfoEndpoint: string;
  discoveryEndpoint: string;
}

export interface QboEmulator {
  /** Origin of the QBO API (`QBO_API_BASE_URL`). */
  url: string;
  /** Origin of the OAuth endpoints (`QBO_OAUTH_BASE_URL`); the same server. */
  oauthUrl: string;
  port: number;
  endpoints: QboEmulatorEndpoints;
  options: EmulatorOptions;
  control: QboEmulatorControl;
  close(): Promise<void>;
}

export async function startQboEmulator(input: EmulatorOptionsInput = {}): Promise<QboEmulator> {
  const options = resolveOptions(input);
  const clock = createClock(options.now);
  const webhooks = new WebhookNotifier(options.webhooks);
  let url = '';
  const deps: EmulatorDeps = {
    options,
    clock,
    realms: new Realms(options, () => clock.now(), (event) => webhooks.record(event)),
    authority: new TokenAuthority(options.oauth, () => clock.now()),
    limits: new Limits(options.limits, () => clock.now()),
    load: new LoadMeter(),
    injector: new FaultInjector(),
    counters: new Counters(),
    webhooks,
    baseUrl: () => url,
  };
  const control = createControl(deps);
  const server: Server = createServer(createApp(deps, control));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `http://${options.host}:${port}`;
  return {
    url,
    oauthUrl: url,
    port,
    options,
    control,
    endpoints: {
      apiBase: `${url}/v3/company/`,
      authorizeEndpoint: url + OAUTH_PATHS.authorize,
      tokenEndpoint: url + OAUTH_PATHS.token,
      revokeEndpoint: url + OAUTH_PATHS.revoke,
      userInfoEndpoint: url + OAUTH_PATHS.userinfo,
      discoveryEndpoint: url + OAUTH_PATHS.discovery,
    },
    close: () =>
      new Promise<void>((resolve) => {
        webhooks.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type { EmulatorOptions, EmulatorOptionsInput } from './options';
export type { QboEmulatorControl, SeedData, PaymentRequest, PreferenceSettings } from './control';
export type { FaultRule, InjectedFaultKind } from './fault-injection';
export { signWebhookPayload, verifyWebhookSignature } from './webhook-signature';
export { DEFAULT_CLIENT, DEFAULT_REALM } from './options';
