import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Timing-safe membership test of a presented secret in a key list (compared as SHA-256 digests). */
export function keyMatcher(keys: string[]): (secret: string) => boolean {
  const digests = keys.map((key) => createHash('sha256').update(key).digest());
  return (secret) => {
    const presented = createHash('sha256').update(secret).digest();
    let ok = false;
    for (const digest of digests) ok = timingSafeEqual(presented, digest) || ok;
    return ok;
  };
}

/** The secret of `Authorization: Bearer <key>` or the password of `Authorization: Basic …`. */
export function presentedSecret(req: Request): string | undefined {
  const header = req.get('authorization') ?? '';
  const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
  const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
  const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
  return (bearer ?? password)?.trim() || undefined;
}

/**
 * Admin pages and the QBO connect flow are opened in a browser, which cannot add a bearer header:
 * they take HTTP Basic credentials (any user name, the admin key as password) or the bearer key.
 *
 * A browser re-sends cached Basic credentials with any request, a cross-site form's included, so a
 * state-changing request must also come from this service's own pages (`sameOrigin`) and carry JSON,
 * which no cross-site form can send and cross-site scripts cannot send without a CORS preflight.
 */
export function requireAdmin(keys: string[]): RequestHandler {
  const accepted = keyMatcher(keys);
  return (req, res, next) => {
    if (!SAFE_METHODS.has(req.method)) {
      const refusal = crossSiteRefusal(req) ?? notJsonRefusal(req);
      if (refusal) {
        next(refusal);
        return;
      }
    }
    const secret = presentedSecret(req);
    if (secret && accepted(secret)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="Ledgerline admin", charset="UTF-8"');
    next(new AppError('UNAUTHORIZED', 'Admin credentials required.', { fix: 'Sign in with an admin key (LEDGERLINE_ADMIN_KEYS) as the password; the Salesforce API key is not an admin key.' }));
  };
}

/**
 * A browser says where a request comes from: `Sec-Fetch-Site` (set by the browser, not by pages) or,
 * in older browsers, `Origin`. Requests with neither come from tools (curl, scripts), not from a page.
 */
function crossSiteRefusal(req: Request): AppError | undefined {
  const site = req.get('sec-fetch-site');
  const origin = req.get('origin');
  let ok = true;
  if (site !== undefined) ok = site === 'same-origin' || site === 'none';
  else if (origin !== undefined) ok = originHost(origin) === req.get('host');
  if (ok) return undefined;
  return new AppError('FORBIDDEN', `Refused a ${req.method} to ${req.path} sent from another site (${(origin ?? site ?? '').slice(0, 100)}).`, {
    fix: 'Use the operations page of this service (/ops) or the admin API from a script; other sites cannot make admin changes.',
  });
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function notJsonRefusal(req: Request): AppError | undefined {
  if (req.is('application/json')) return undefined;
  return new AppError('BAD_REQUEST', `${req.method} ${req.path} takes a JSON body only.`, {
    status: 415,
    fix: 'Send Content-Type: application/json with a JSON object (`{}` when there is nothing to say).',
  });
}
