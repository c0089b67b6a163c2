import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { AccountSyncRequests } from '../services/accounts';
import { jsonBody, parse, salesforceId } from './validation';

export const accountSyncRequestSchema = z
  .object({
    accountIds: z.array(z.string()).min(1, 'send at least one id').max(200, 'send at most 200 ids per request'),
    reason: z.enum(['account_changed', 'retry', 'backfill']).default('account_changed'),
  })
  .strict();

export const accountSyncResponseSchema = z.object({
  accepted: z.array(z.object({ accountId: z.string(), jobId: z.string(), state: z.string() })),
  rejected: z.array(z.object({ accountId: z.string(), error: z.string() })),
});


/** `POST /api/v1/sync/accounts`: the Account trigger's notice that Salesforce-owned customer fields changed. */
export function accountRoutes(service: AccountSyncRequests, auth: RequestHandler, bodyLimit: string): Router {
  const router = Router();
  router.post('/api/v1/sync/accounts', auth, express.json({ limit: bodyLimit }), async (req, res) => {
    const body = parse(accountSyncRequestSchema, jsonBody(req), 'request body');
    const rejected: Array<{ accountId: string; error: string }> = [];
    const valid: string[] = [];
    for (const id of body.accountIds) {
      if (!salesforceId.safeParse(id).success) rejected.push({ accountId: String(id).slice(0, 40), error: 'Not a Salesforce Account id (15 or 18 characters, prefix 001).' });
      else if (!id.startsWith('001')) rejected.push({ accountId: id, error: 'Not an Account id (Account ids start with 001).' });
      else if (!valid.includes(id)) valid.push(id);
    }
    const accepted = valid.length > 0 ? await service.request(valid, body.reason) : [];
    res.status(accepted.length > 0 ? 202 : 400).json({ accepted, rejected });
  });
  return router;
}
