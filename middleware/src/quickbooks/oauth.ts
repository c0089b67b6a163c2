import { randomBytes } from 'node:crypto';
import OAuthClient from 'intuit-oauth';
import { AppError } from '../errors';
import { tokensFromIntuit, type QboTokens, type TokenRefresher } from './tokens';

export interface IntuitOAuthOptions {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  environment: 'sandbox' | 'production';
  /** Override of Intuit's OAuth hosts (emulator, tests): the paths stay Intuit's. */
  oauthBaseUrl?: string;
  now?: () => number;
}

export const ACCOUNTING_SCOPE = 'com.intuit.quickbooks.accounting';

/** Intuit's endpoint paths, placed on one base URL when an emulator stands in for Intuit. */
export function intuitEndpoints(base: string) {
  const root = base.replace(/\/$/, '');
  return {
    authorizeEndpoint: `${root}/connect/oauth2`,
    tokenEndpoint: `${root}/oauth2/v1/tokens/bearer`,
    revokeEndpoint: `${root}/v2/oauth2/tokens/revoke`,
    userInfoEndpoint: `${root}/v1/openid_connect/userinfo`,
  };
}

/**
 * intuit-oauth behind our own small interface: the connect URL, the code exchange, refresh and revoke.
 * Its endpoint URLs are static fields of the library, so an override applies to the whole process.
 */
export class IntuitOAuth implements TokenRefresher {
  private readonly now: () => number;

  constructor(private readonly options: IntuitOAuthOptions) {
    this.now = options.now ?? Date.now;
    if (options.oauthBaseUrl) this.client().setAuthorizeURLs(intuitEndpoints(options.oauthBaseUrl));
  }

  private client(): OAuthClient {
    return new OAuthClient({
      clientId: this.options.clientId,
      clientSecret: this.options.clientSecret,
      environment: this.options.environment,
      redirectUri: this.options.redirectUri,
    });
  }

  /** A fresh unguessable state for the connect redirect; the caller stores it and checks it on return. */
  static newState(): string {
    return randomBytes(24).toString('base64url');
  }

  authorizeUrl(state: string): string {
    return this.client().authorizeUri({ scope: [ACCOUNTING_SCOPE], state });
  }

  /** Exchanges the code in Intuit's redirect for tokens; returns the company (realm) it connected. */
  async exchange(callbackUrl: string): Promise<{ realmId: string; tokens: QboTokens }> {
    const realmId = new URL(callbackUrl, 'http://localhost').searchParams.get('realmId');
    if (!realmId) throw new AppError('BAD_REQUEST', 'Intuit did not say which company was connected (no realmId).', { fix: 'Start again from /oauth/quickbooks/connect.' });
    try {
      const response = await this.client().createToken(callbackUrl);
      return { realmId, tokens: tokensFromIntuit(response.getJson(), this.now()) };
    } catch (error) {
      throw intuitError(error, 'exchanging the authorization code');
    }
  }

  async refresh(refreshToken: string): Promise<QboTokens> {
    try {
      const response = await this.client().refreshUsingToken(refreshToken);
      return tokensFromIntuit(response.getJson(), this.now());
    } catch (error) {
      throw intuitError(error, 'refreshing the access token');
    }
  }

  async revoke(token: string): Promise<void> {
    try {
      await this.client().revoke({ refresh_token: token });
    } catch (error) {
      throw intuitError(error, 'revoking the token');
    }
  }
}

/** Keeps Intuit's `error` code (invalid_grant …) where the token manager looks for it. */
function intuitError(error: unknown, what: string): Error {
  const e = error as { error?: string; error_description?: string; message?: string };
  const wrapped = new AppError('QBO_AUTH', `Intuit refused ${what}: ${e.error || e.message || 'unknown error'}${e.error_description ? ` (${e.error_description})` : ''}.`, {
    retryable: !e.error,
    cause: error,
  });
  return Object.assign(wrapped, { error: e.error });
}
