import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { AppError } from '../errors';

/**
 * Bearer-key check for calls from Salesforce (Named Credential). Up to two keys are accepted so the
 * secret can be rotated without downtime. Keys are compared as SHA-256 digests with timingSafeEqual,
 * so neither the key nor its length leaks through timing.
 */
export function requireApiKey(keys: string[]): RequestHandler {
  const digests = keys.map((key) => createHash('sha256').update(key).digest());
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (!match) {
      next(new AppError('UNAUTHORIZED', 'Missing bearer key.', { fix: 'Send `Authorization: Bearer <key>` (the Named Credential QuickBooks_Middleware does this).' }));
      return;
    }
    const presented = createHash('sha256').update(match[1]!.trim()).digest();
    let ok = false;
    for (const digest of digests) ok = timingSafeEqual(presented, digest) || ok;
    if (!ok) {
      next(new AppError('UNAUTHORIZED', 'The bearer key is not valid.', { fix: 'Set the current key on the External Credential QuickBooks_Middleware (see LEDGERLINE_API_KEYS).' }));
      return;
    }
    next();
  };
}
