/** Intuit's OAuth 2.0 endpoints, at the same paths as the real hosts (token, revoke, authorize, userinfo). */
import express, { type Request, type Response, type Router } from 'express';
import { OAuthError, type TokenAuthority } from './token-authority';
import type { Realms } from './realms';
import type { EmulatorOptions } from './options';

export const OAUTH_PATHS = {
  authorize: '/connect/oauth2',
  token: '/oauth2/v1/tokens/bearer',
  revoke: '/v2/oauth2/tokens/revoke',
  userinfo: '/v1/openid_connect/userinfo',
  discovery: '/.well-known/openid_configuration',
  jwks: '/op/v1/jwks',
} as const;

function basicAuth(req: Request): { id: string; secret: string } | undefined {
  const header = req.get('authorization') ?? '';
  const m = /^Basic\s+(.+)$/i.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : { id: decoded.slice(0, i), secret: decoded.slice(i + 1) };
}

function bodyField(req: Request, name: string): string | undefined {
  const body: unknown = req.body;
  if (body && typeof body === 'object' && typeof (body as Record<string, unknown>)[name] === 'string') return (body as Record<string, string>)[name];
  return undefined;
}

function sendOAuthError(res: Response, error: unknown): void {
  if (!(error instanceof OAuthError)) throw error;
  const status = error.error === 'invalid_client' ? 401 : 400;
  const description = error.description ?? (error.error === 'invalid_grant' ? 'Token invalid' : error.error === 'invalid_client' ? 'Client authentication failed' : error.error);
  res.status(status).type('application/json').send(JSON.stringify({ error_description: description, error: error.error }));
}

function authenticateClient(authority: TokenAuthority, req: Request): string {
  const basic = basicAuth(req);
  const id = basic?.id ?? bodyField(req, 'client_id');
  const secret = basic?.secret ?? bodyField(req, 'client_secret');
  if (!id || secret === undefined) throw new OAuthError('invalid_client');
  return authority.client(id, secret).clientId;
}

export function oauthRouter(authority: TokenAuthority, realms: Realms, options: EmulatorOptions, baseUrl: () => string): Router {
  const router = express.Router();
  const forms = [express.urlencoded({ extended: false }), express.json()];

  router.get(OAUTH_PATHS.authorize, (req, res) => {
    const q = req.query as Record<string, string | undefined>;
    const redirectUri = q.redirect_uri;
    let client;
    try {
      client = authority.client(q.client_id ?? '', undefined);
    } catch {
      res.status(400).type('text/plain').send('invalid_client: unknown client_id');
      return;
    }
    if (!redirectUri || (client.redirectUris.length > 0 && !client.redirectUris.includes(redirectUri))) {
      res.status(400).type('text/plain').send('invalid_request: redirect_uri is not registered for this app');
      return;
    }
    const target = new URL(redirectUri);
    if (q.state !== undefined) target.searchParams.set('state', q.state);
    if (q.response_type !== 'code' || q.deny === '1') {
      target.searchParams.set('error', q.response_type !== 'code' ? 'unsupported_response_type' : 'access_denied');
      res.redirect(302, target.toString());
      return;
    }
    const realmId = q.realmId ?? options.realms[0] ?? realms.ids()[0] ?? '';
    if (!realms.ensure(realmId)) {
      res.status(400).type('text/plain').send(`unknown realm ${realmId}`);
      return;
    }
    const code = authority.issueCode(client.clientId, redirectUri, realmId, q.scope ?? '');
    target.searchParams.set('code', code);
    target.searchParams.set('realmId', realmId);
    res.redirect(302, target.toString());
  });

  router.post(OAUTH_PATHS.token, ...forms, (req, res) => {
    try {
      const clientId = authenticateClient(authority, req);
      const grantType = bodyField(req, 'grant_type');
      const includeHard = req.get('x-include-refresh-token-hard-expires-in') === 'true';
      let body;
      if (grantType === 'authorization_code') body = authority.exchangeCode(clientId, bodyField(req, 'code'), bodyField(req, 'redirect_uri'), includeHard);
      else if (grantType === 'refresh_token') body = authority.refresh(clientId, bodyField(req, 'refresh_token'), includeHard);
      else throw new OAuthError('unsupported_grant_type');
      res.status(200).type('application/json;charset=UTF-8').set('Cache-Control', 'no-store').send(JSON.stringify(body));
    } catch (error) {
      sendOAuthError(res, error);
    }
  });

  router.post(OAUTH_PATHS.revoke, ...forms, (req, res) => {
    try {
      authority.revoke(authenticateClient(authority, req), bodyField(req, 'token'));
      res.status(200).end();
    } catch (error) {
      sendOAuthError(res, error);
    }
  });

  router.get(OAUTH_PATHS.userinfo, (req, res) => {
    const token = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
    const check = authority.checkAccess(token);
    if (!check.ok) {
      res.status(401).json({ error: 'invalid_token' });
      return;
    }
    res.json({ sub: `emulator-user-${check.realmId}`, email: 'owner@ledgerline.example', emailVerified: true, givenName: 'Emulator', familyName: 'Owner' });
  });

  router.get(OAUTH_PATHS.discovery, (_req, res) => {
    const base = baseUrl();
    res.json({
      issuer: 'https://oauth.platform.intuit.com/op/v1',
      authorization_endpoint: base + OAUTH_PATHS.authorize,
      token_endpoint: base + OAUTH_PATHS.token,
      userinfo_endpoint: base + OAUTH_PATHS.userinfo,
      revocation_endpoint: base + OAUTH_PATHS.revoke,
      jwks_uri: base + OAUTH_PATHS.jwks,
      response_types_supported: ['code'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      scopes_supported: ['openid', 'email', 'profile', 'address', 'phone'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      claims_supported: ['aud', 'exp', 'iat', 'iss', 'realmid', 'sub'],
    });
  });

  router.get(OAUTH_PATHS.jwks, (_req, res) => {
    res.json({ keys: [] });
  });

  return router;
}
