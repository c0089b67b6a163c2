import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import { idChecksum } from '../salesforce/ids';

/** Parses a request part with a zod schema; a failure is a 400 that names each bad field. */
export function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map((issue) => `${issue.path.join('.') || what}: ${issue.message}`);
  throw new AppError('BAD_REQUEST', `Invalid ${what}: ${problems.join('; ')}`, { fix: 'Correct the named fields; see /openapi.json.' });
}

export function jsonBody(req: Request): unknown {
  if (!req.is('application/json')) {
    throw new AppError('BAD_REQUEST', 'Expected a JSON body.', { status: 415, fix: 'Send Content-Type: application/json.' });
  }
  return req.body;
}

export const salesforceId = z
  .string()
  .regex(/^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/, 'must be a 15- or 18-character Salesforce id')
  .refine((id) => id.length === 15 || idChecksum(id.slice(0, 15)) === id.slice(15), 'the last 3 characters are not the checksum of the first 15 (copy the whole id again)');
