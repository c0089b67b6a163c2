import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

/**
 * Admin pages and the QBO connect flow are opened in a browser, which cannot add a bearer header:
 * they take HTTP Basic credentials (any user name, the admin key as password) or the bearer key.
 */
export function requireAdmin(keys: string[]): RequestHandler {
  const digests = keys.map((key) => createHash('sha256').update(key).digest());
  const accepted = (secret: string): boolean => {
    const presented = createHash('sha256').update(secret).digest();
    let ok = false;
    for (const digest of digests) ok = timingSafeEqual(presented, digest) || ok;
    return ok;
  };
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const bearer = /^Bearer\s+(.+)$/i.exec(header)?.[1];
    const basic = /^Basic\s+(.+)$/i.exec(header)?.[1];
    const password = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':').slice(1).join(':') : undefined;
    const secret = bearer ?? password;
    if (secret && accepted(secret.trim())) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="Ledgerline admin", charset="UTF-8"');
    next(new AppError('UNAUTHORIZED', 'Admin credentials required.', { fix: 'Sign in with an admin key (LEDGERLINE_ADMIN_KEYS) as the password; the Salesforce API key is not an admin key.' }));
  };
}
