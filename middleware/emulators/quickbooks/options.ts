/**
 * Every knob of the emulator. Items the reference material could not confirm (reference/FACTS.md [U]) are
 * options here, with the default we believe closest to the real service.
 */
export type WebhookFormat = 'cloudevents' | 'legacy';

export interface WebhookOptions {
  url: string;
  verifierToken: string;
  format: WebhookFormat;
  /** Events raised within this window go out in one notification. */
  batchWindowMs: number;
  /** Delays between attempts after a non-2xx or network error; its length bounds the retries. */
  retryDelaysMs: number[];
  /** Give up on one attempt after this long (Intuit expects an answer within 3 s). */
  timeoutMs: number;
  /** Maximum events per notification (Intuit: up to 100). */
  maxEventsPerNotification: number;
}

export interface LimitOptions {
  enabled: boolean;
  requestsPerMinute: number;
  concurrentPerRealm: number;
  batchPerMinute: number;
  maxBatchItems: number;
  /** 'xml' is what the recorded fixtures show; 'json' puts the same fault in the JSON envelope. */
  throttleBody: 'xml' | 'json';
}

export interface OAuthClientRegistration {
  clientId: string;
  clientSecret: string;
  /** Empty means any redirect URI is accepted. */
  redirectUris: string[];
}

export interface OAuthOptions {
  clients: OAuthClientRegistration[];
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  refreshTokenHardTtlSec: number;
  /** The previous refresh token keeps working this long after a new one was issued (Intuit: 24 h). */
  refreshGraceMs: number;
  authorizationCodeTtlMs: number;
  /** 'strict': only tokens issued by this emulator; 'any': any non-empty bearer token (benchmarks). */
  apiAuth: 'strict' | 'any';
}

export interface EmulatorOptions {
  port: number;
  host: string;
  realms: string[];
  /** Realms are created with the default seed on first use (authorize, control, token issue). */
  autoCreateRealms: boolean;
  now?: () => number;
  timeZone: string;
  homeCurrency: string;
  multiCurrency: boolean;
  automatedSalesTax: boolean;
  taxRatePercent: number;
  /** Foreign currency → home-currency rate, used when multicurrency is on. */
  exchangeRates: Record<string, number>;
  displayNameMaxLength: number;
  nameUniqueCaseInsensitive: boolean;
  /** Reject unknown top-level properties with 2010 as QBO does. */
  strictProperties: boolean;
  /** Reject lines whose Amount differs from Qty × UnitPrice. */
  strictLineAmounts: boolean;
  /** Company preference "warn about duplicate document numbers" (6140). */
  duplicateDocNumberCheck: boolean;
  firstDocNumber: number;
  defaultMaxResults: number;
  caseInsensitiveStringMatch: boolean;
  /**
   * Fields on which `IN (…)` is refused as an invalid query (4001). Intuit documents IN, but not for which
   * fields ([U]); empty by default. Lets tests show what a client does where QuickBooks refuses it.
   */
  inRefusedOn: string[];
  cdcMaxLookbackDays: number;
  /** What CDC does with a changedSince older than the look-back: fault, or clamp silently. */
  cdcTooOld: 'fault' | 'clamp';
  /** Lost-response fault: commit, then 'hang-up' (destroy the socket) or answer '500'. */
  lostResponseMode: 'hang-up' | '500';
  /** Added to every API request (ms), or a [min, max] range. */
  latencyMs: number | [number, number];
  limits: LimitOptions;
  oauth: OAuthOptions;
  webhooks?: WebhookOptions;
  /** Log one line per request to stderr. */
  verbose: boolean;
}

export type EmulatorOptionsInput = Partial<Omit<EmulatorOptions, 'limits' | 'oauth' | 'webhooks'>> & {
  limits?: Partial<LimitOptions>;
  oauth?: Partial<OAuthOptions>;
  webhooks?: Partial<WebhookOptions> & { url: string; verifierToken: string };
};

export const DEFAULT_REALM = '9341453008787101';
export const DEFAULT_CLIENT: OAuthClientRegistration = {
  clientId: 'emulator-client-id',
  clientSecret: 'emulator-client-secret',
  redirectUris: [],
};

export function resolveOptions(input: EmulatorOptionsInput = {}): EmulatorOptions {
  const { limits, oauth, webhooks, ...rest } = input;
  return {
    port: 0,
    host: '127.0.0.1',
    realms: [DEFAULT_REALM],
    autoCreateRealms: true,
    timeZone: 'America/Los_Angeles',
    homeCurrency: 'USD',
    multiCurrency: false,
    automatedSalesTax: true,
    taxRatePercent: 8,
    exchangeRates: { EUR: 1.08, GBP: 1.27, CAD: 0.73, AUD: 0.66 },
    displayNameMaxLength: 500,
    nameUniqueCaseInsensitive: true,
    strictProperties: true,
    strictLineAmounts: true,
    duplicateDocNumberCheck: false,
    firstDocNumber: 1001,
    defaultMaxResults: 100,
    caseInsensitiveStringMatch: true,
    inRefusedOn: [],
    cdcMaxLookbackDays: 30,
    cdcTooOld: 'fault',
    lostResponseMode: 'hang-up',
    latencyMs: 0,
    verbose: false,
    ...rest,
    limits: {
      enabled: true,
      requestsPerMinute: 500,
      concurrentPerRealm: 10,
      batchPerMinute: 40,
      maxBatchItems: 30,
      throttleBody: 'xml',
      ...limits,
    },
    oauth: {
      clients: [DEFAULT_CLIENT],
      accessTokenTtlSec: 3600,
      refreshTokenTtlSec: 8726400,
      refreshTokenHardTtlSec: 5 * 365 * 24 * 3600,
      refreshGraceMs: 24 * 3600 * 1000,
      authorizationCodeTtlMs: 5 * 60 * 1000,
      apiAuth: 'strict',
      ...oauth,
    },
    webhooks: webhooks
      ? {
          format: 'cloudevents',
          batchWindowMs: 50,
          retryDelaysMs: [100, 200, 400, 800],
          timeoutMs: 3000,
          maxEventsPerNotification: 100,
          ...webhooks,
        }
      : undefined,
  };
}
