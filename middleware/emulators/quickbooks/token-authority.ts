/**
 * Issues and checks OAuth 2.0 codes and tokens the way Intuit does: 1 h access tokens, rolling
 * refresh tokens with rotation (the previous one keeps working for a grace period), a hard cap,
 * and revocation of the whole connection.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { OAuthOptions } from './options';

export interface TokenResponse {
  token_type: 'bearer';
  expires_in: number;
  refresh_token: string;
  x_refresh_token_expires_in: number;
  access_token: string;
  id_token?: string;
  x_refresh_token_hard_expires_in?: number;
}

export type OAuthErrorCode = 'invalid_grant' | 'invalid_client' | 'invalid_request' | 'unsupported_grant_type' | 'unauthorized_client';

export class OAuthError extends Error {
  constructor(readonly error: OAuthErrorCode, readonly description?: string) {
    super(error);
  }
}

interface Grant {
  clientId: string;
  realmId: string;
  scope: string;
  hardExpiresAt: number;
  revoked: boolean;
  currentRefresh: string;
}

interface RefreshInfo {
  grant: Grant;
  expiresAt: number;
  supersededAt?: number;
}

interface AccessInfo {
  grant: Grant;
  expiresAt: number;
}

interface CodeInfo {
  clientId: string;
  redirectUri: string;
  realmId: string;
  scope: string;
  expiresAt: number;
  used: boolean;
}

export type AccessCheck = { ok: true; realmId: string } | { ok: false; reason: 'expired' | 'invalid' };

const random = (bytes: number) => randomBytes(bytes).toString('base64url');

export class TokenAuthority {
  private readonly codes = new Map<string, CodeInfo>();
  private readonly refreshTokens = new Map<string, RefreshInfo>();
  private readonly accessTokens = new Map<string, AccessInfo>();

  constructor(private readonly options: OAuthOptions, private readonly now: () => number) {}

  client(clientId: string, clientSecret: string | undefined): { clientId: string; clientSecret: string; redirectUris: string[] } {
    const client = this.options.clients.find((c) => c.clientId === clientId);
    if (!client || (clientSecret !== undefined && client.clientSecret !== clientSecret)) throw new OAuthError('invalid_client');
    return client;
  }

  issueCode(clientId: string, redirectUri: string, realmId: string, scope: string): string {
    const code = `AB11${random(30)}`;
    this.codes.set(code, { clientId, redirectUri, realmId, scope, expiresAt: this.now() + this.options.authorizationCodeTtlMs, used: false });
    return code;
  }

  exchangeCode(clientId: string, code: string | undefined, redirectUri: string | undefined, includeHard: boolean): TokenResponse {
    if (!code) throw new OAuthError('invalid_request', 'code is required');
    const info = this.codes.get(code);
    if (!info || info.used || info.expiresAt < this.now() || info.clientId !== clientId) throw new OAuthError('invalid_grant');
    if (redirectUri !== info.redirectUri) throw new OAuthError('invalid_grant', 'redirect_uri does not match');
    info.used = true;
    return this.issueForNewGrant(clientId, info.realmId, info.scope, includeHard);
  }

  /** A connection without the authorize dance (tests, demo, benchmarks). */
  issueForNewGrant(clientId: string, realmId: string, scope = 'com.intuit.quickbooks.accounting openid', includeHard = false): TokenResponse {
    const grant: Grant = { clientId, realmId, scope, hardExpiresAt: this.now() + this.options.refreshTokenHardTtlSec * 1000, revoked: false, currentRefresh: '' };
    grant.currentRefresh = this.newRefreshToken(grant);
    return this.response(grant, includeHard);
  }

  refresh(clientId: string, refreshToken: string | undefined, includeHard: boolean): TokenResponse {
    if (!refreshToken) throw new OAuthError('invalid_request', 'refresh_token is required');
    const info = this.refreshTokens.get(refreshToken);
    const now = this.now();
    if (!info || info.grant.revoked || info.grant.clientId !== clientId) throw new OAuthError('invalid_grant');
    if (info.expiresAt <= now || info.grant.hardExpiresAt <= now) throw new OAuthError('invalid_grant');
    if (info.supersededAt !== undefined && info.supersededAt + this.options.refreshGraceMs <= now) throw new OAuthError('invalid_grant');
    const grant = info.grant;
    if (info.supersededAt === undefined) {
      info.supersededAt = now;
      grant.currentRefresh = this.newRefreshToken(grant);
    }
    return this.response(grant, includeHard);
  }

  /** Revoking either token ends the whole connection. Unknown tokens are accepted silently. */
  revoke(clientId: string, token: string | undefined): void {
    if (!token) throw new OAuthError('invalid_request', 'token is required');
    const grant = this.refreshTokens.get(token)?.grant ?? this.accessTokens.get(token)?.grant;
    if (grant && grant.clientId === clientId) grant.revoked = true;
  }

  checkAccess(token: string): AccessCheck {
    const info = this.accessTokens.get(token);
    if (!info || info.grant.revoked) return { ok: false, reason: 'invalid' };
    if (info.expiresAt <= this.now()) return { ok: false, reason: 'expired' };
    return { ok: true, realmId: info.grant.realmId };
  }

  /** Makes an access token (or all of them) expire now. */
  expireAccessTokens(token?: string): number {
    let n = 0;
    for (const [t, info] of this.accessTokens) {
      if (token === undefined || t === token) {
        info.expiresAt = Math.min(info.expiresAt, this.now());
        n++;
      }
    }
    return n;
  }

  private newRefreshToken(grant: Grant): string {
    const token = `AB11${Math.floor(this.now() / 1000)}${random(24)}`;
    this.refreshTokens.set(token, { grant, expiresAt: this.now() + this.options.refreshTokenTtlSec * 1000 });
    return token;
  }

  private response(grant: Grant, includeHard: boolean): TokenResponse {
    const now = this.now();
    const access = `eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..${random(16)}.${random(96)}.${random(16)}`;
    this.accessTokens.set(access, { grant, expiresAt: now + this.options.accessTokenTtlSec * 1000 });
    const refresh = this.refreshTokens.get(grant.currentRefresh)!;
    refresh.expiresAt = now + this.options.refreshTokenTtlSec * 1000;
    const rtSeconds = Math.floor((Math.min(refresh.expiresAt, grant.hardExpiresAt) - now) / 1000);
    const body: TokenResponse = {
      token_type: 'bearer',
      expires_in: this.options.accessTokenTtlSec,
      refresh_token: grant.currentRefresh,
      x_refresh_token_expires_in: rtSeconds,
      access_token: access,
    };
    if (grant.scope.split(/\s+/).includes('openid')) body.id_token = this.idToken(grant, now);
    if (includeHard) body.x_refresh_token_hard_expires_in = Math.floor((grant.hardExpiresAt - now) / 1000);
    return body;
  }

  private idToken(grant: Grant, now: number): string {
    const secret = this.options.clients.find((c) => c.clientId === grant.clientId)?.clientSecret ?? '';
    const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const iat = Math.floor(now / 1000);
    const head = enc({ alg: 'HS256', typ: 'JWT' });
    const payload = enc({ sub: `emulator-user-${grant.realmId}`, aud: [grant.clientId], realmid: grant.realmId, auth_time: iat, iss: 'https://oauth.platform.intuit.com/op/v1', exp: iat + 3600, iat });
    const signature = createHmac('sha256', secret).update(`${head}.${payload}`).digest('base64url');
    return `${head}.${payload}.${signature}`;
  }
}
