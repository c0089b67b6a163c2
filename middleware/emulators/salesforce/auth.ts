import { X509Certificate, createHmac, createPublicKey, randomBytes, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import express, { type RequestHandler, type Router } from 'express';
import type { SessionStore, Session } from './sessions';
import type { EmulatorState } from './state';

/** OAuth 2.0 token endpoint (JWT bearer, client credentials), revoke, and the identity URL. */

export interface AuthOptions {
  /** Connected app consumer key (JWT `iss`, client_credentials client_id). */
  clientId?: string;
  /** Consumer secret for client_credentials (and the response signature). */
  clientSecret?: string;
  /** PEM public key or X.509 certificate that verifies JWT assertions. */
  publicKey?: string;
  /** Extra accepted JWT audiences; the emulator's own URL, login. and test.salesforce.com always are. */
  audiences?: string[];
  /** The user that client_credentials runs as (default: the integration user). */
  runAsUsername?: string;
}

interface AuthDeps {
  state: EmulatorState;
  sessions: SessionStore;
  options: AuthOptions;
  baseUrl: () => string;
  latestVersion: string;
  integrationUsername: string;
}

class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

function loadKey(pem: string | undefined): KeyObject | null {
  if (!pem) return null;
  return pem.includes('BEGIN CERTIFICATE') ? new X509Certificate(pem).publicKey : createPublicKey(pem);
}

const secretFallback = randomBytes(32);

function tokenResponse(deps: AuthDeps, session: Session): Record<string, string> {
  const base = deps.baseUrl();
  const id = `${base}/id/${deps.state.orgId}/${session.userId}`;
  const issuedAt = String(session.issuedAt);
  const signature = createHmac('sha256', deps.options.clientSecret ?? secretFallback).update(id + issuedAt).digest('base64');
  return { access_token: session.token, signature, scope: 'api', instance_url: base, id, token_type: 'Bearer', issued_at: issuedAt };
}

function jwtBearer(deps: AuthDeps, assertion: string | undefined): Session {
  const parts = (assertion ?? '').split('.');
  if (parts.length !== 3) throw new OAuthError('invalid_grant', 'invalid assertion');
  let header: { alg?: string };
  let claims: { iss?: string; sub?: string; aud?: string | string[]; exp?: number };
  try {
    header = JSON.parse(Buffer.from(parts[0] as string, 'base64url').toString('utf8')) as typeof header;
    claims = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw new OAuthError('invalid_grant', 'invalid assertion');
  }
  if (!deps.options.clientId || claims.iss !== deps.options.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  const key = loadKey(deps.options.publicKey);
  const signed = Buffer.from(`${parts[0]}.${parts[1]}`);
  if (!key || header.alg !== 'RS256' || !verify('RSA-SHA256', signed, key, Buffer.from(parts[2] as string, 'base64url'))) {
    throw new OAuthError('invalid_grant', 'invalid assertion');
  }
  const audiences = new Set([deps.baseUrl(), 'https://login.salesforce.com', 'https://test.salesforce.com', ...(deps.options.audiences ?? [])].map((a) => a.replace(/\/$/, '')));
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.some((a) => typeof a === 'string' && audiences.has(a.replace(/\/$/, '')))) throw new OAuthError('invalid_grant', 'audience is invalid');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= deps.state.now().getTime()) throw new OAuthError('invalid_grant', 'expired authorization code');
  const userId = claims.sub ? deps.state.usersByName.get(claims.sub.toLowerCase()) : undefined;
  if (!userId || !claims.sub) throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
  return deps.sessions.issue(userId, claims.sub, deps.state.now().getTime());
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function clientCredentials(deps: AuthDeps, body: Record<string, string>, authorization: string | undefined): Session {
  let { client_id: id, client_secret: secret } = body;
  if (authorization?.startsWith('Basic ')) {
    const [u, p] = Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(':');
    id = decodeURIComponent(u ?? '');
    secret = decodeURIComponent(p ?? '');
  }
  if (!deps.options.clientId || id !== deps.options.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
  if (!deps.options.clientSecret || !secret || !sameSecret(secret, deps.options.clientSecret)) throw new OAuthError('invalid_client', 'invalid client credentials');
  const username = deps.options.runAsUsername ?? deps.integrationUsername;
  const userId = deps.state.usersByName.get(username.toLowerCase());
  if (!userId) throw new OAuthError('invalid_grant', 'no client credentials user enabled');
  return deps.sessions.issue(userId, username, deps.state.now().getTime());
}

export function authRouter(deps: AuthDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false });
  router.post('/services/oauth2/token', form, (req, res) => {
    const body = (req.body ?? {}) as Record<string, string>;
    try {
      let session: Session;
      if (body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') session = jwtBearer(deps, body.assertion);
      else if (body.grant_type === 'client_credentials') session = clientCredentials(deps, body, req.headers.authorization);
      else throw new OAuthError('unsupported_grant_type', 'grant type not supported');
      res.status(200).json(tokenResponse(deps, session));
    } catch (e) {
      if (!(e instanceof OAuthError)) throw e;
      res.status(400).json({ error: e.error, error_description: e.description });
    }
  });
  router.post('/services/oauth2/revoke', form, (req, res) => {
    const token = String((req.body as Record<string, string> | undefined)?.token ?? req.query.token ?? '');
    if (deps.sessions.revoke(token)) res.status(200).end();
    else res.status(400).json({ error: 'unsupported_token_type', error_description: 'this token type is not supported' });
  });
  router.get('/id/:orgId/:userId', requireSession(deps.sessions), (req, res) => {
    const user = deps.state.store.get('User', String(req.params.userId));
    if (!user || req.params.orgId !== deps.state.orgId) {
      res.status(404).json([{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
      return;
    }
    res.json(identity(deps, user));
  });
  return router;
}

function identity(deps: AuthDeps, user: Record<string, unknown>): Record<string, unknown> {
  const base = deps.baseUrl();
  const v = deps.latestVersion;
  const data = (p: string): string => `${base}/services/data/v{version}/${p}`;
  return {
    id: `${base}/id/${deps.state.orgId}/${String(user.Id)}`,
    asserted_user: true,
    user_id: user.Id,
    organization_id: deps.state.orgId,
    username: user.Username,
    nick_name: String(user.Username).split('@')[0],
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName ?? null,
    last_name: user.LastName,
    timezone: 'GMT',
    active: true,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: user.LastModifiedDate,
    urls: {
      rest: data(''),
      sobjects: data('sobjects/'),
      query: data('query/'),
      limits: data('limits/'),
      profile: `${base}/${String(user.Id)}`,
    },
    latest_api_version: v,
  };
}

/** Bearer check for the REST API: 401 INVALID_SESSION_ID in the real shape. */
export function requireSession(sessions: SessionStore): RequestHandler {
  return (req, res, next) => {
    const header = req.headers.authorization ?? '';
    const token = /^(Bearer|OAuth) (.+)$/i.exec(header)?.[2];
    const session = token ? sessions.get(token) : undefined;
    if (!session) {
      res.status(401).type('application/json;charset=UTF-8').send(JSON.stringify([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]));
      return;
    }
    res.locals.session = session;
    next();
  };
}
