import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { rateLimit } from './rate-limit';
import { z } from 'zod';
import { jsonBody, parse, salesforceId } from './validation';

export const syncRequestSchema = z
  .object({
    opportunityIds: z.array(z.string()).min(1, 'send at least one id').max(200, 'send at most 200 ids per request'),
    reason: z.enum(['closed_won', 'retry', 'sweep', 'backfill']).default('closed_won'),
  })
  .strict();

export interface SyncAccepted {
  accepted: Array<{ opportunityId: string; jobId: string; state: string }>;
  rejected: Array<{ opportunityId: string; error: string }>;
}

export interface SyncRequests {
  /** Persists one job per valid id (one live job per Opportunity) before the 202 is sent. */
  request(opportunityIds: string[], reason: string): Promise<SyncAccepted['accepted']>;
  preview(opportunityId: string): Promise<unknown>;
  billing(opportunityId: string): Promise<unknown>;
  /** The PDF of one of the Opportunity's invoices, as QuickBooks prints it. */
  invoicePdf(opportunityId: string, invoiceId: string): Promise<Buffer>;
}

export const invoicePdfParams = z.object({ id: salesforceId, invoiceId: z.string().regex(/^\d{1,20}$/, 'a QuickBooks invoice id is 1 to 20 digits') }).strict();

/** The contract Apex calls through the Named Credential (DESIGN §4). Routes stay short. */
export function syncRoutes(service: SyncRequests, auth: express.RequestHandler, bodyLimit: string, previewPerMinute = 0): Router {
  const router = Router();
  router.use('/api/v1', auth);
  // A preview costs QuickBooks and Salesforce calls from the budgets invoicing shares: each key gets a quota.
  const previewQuota: express.RequestHandler =
    previewPerMinute > 0
      ? rateLimit({ perMinute: previewPerMinute, burst: Math.max(1, Math.ceil(previewPerMinute / 2)), name: 'preview', keyOf: keyDigest, per: { noun: 'key', setting: 'PREVIEW_PER_MINUTE' } })
      : (_req, _res, next) => next();
  router.post('/api/v1/sync/opportunities', express.json({ limit: bodyLimit }), async (req, res) => {
    const body = parse(syncRequestSchema, jsonBody(req), 'request body');
    const rejected: SyncAccepted['rejected'] = [];
    const valid: string[] = [];
    for (const id of body.opportunityIds) {
      const check = salesforceId.safeParse(id);
      if (!check.success) rejected.push({ opportunityId: String(id).slice(0, 40), error: 'Not a Salesforce Opportunity id (15 or 18 characters, prefix 006).' });
      else if (!id.startsWith('006')) rejected.push({ opportunityId: id, error: 'Not an Opportunity id (Opportunity ids start with 006).' });
      else if (!valid.includes(id)) valid.push(id);
    }
    const accepted = valid.length > 0 ? await service.request(valid, body.reason) : [];
    const payload: SyncAccepted = { accepted, rejected };
    res.status(accepted.length > 0 ? 202 : 400).json(payload);
  });
  router.get('/api/v1/opportunities/:id/preview', previewQuota, async (req, res) => {
    const id = parse(salesforceId, req.params.id, 'opportunity id');
    res.json(await service.preview(id));
  });
  router.get('/api/v1/opportunities/:id/billing', async (req, res) => {
    const id = parse(salesforceId, req.params.id, 'opportunity id');
    res.json(await service.billing(id));
  });
  router.get('/api/v1/opportunities/:id/invoices/:invoiceId/pdf', async (req, res) => {
    const { id, invoiceId } = parse(invoicePdfParams, { id: req.params.id, invoiceId: req.params.invoiceId }, 'path');
    const pdf = await service.invoicePdf(id, invoiceId);
    res.status(200).set({ 'content-type': 'application/pdf', 'content-disposition': `inline; filename="invoice-${invoiceId}.pdf"`, 'cache-control': 'no-store' }).end(pdf);
  });
  return router;
}

/** The bucket of the key the request was authenticated with (a digest: the key itself is never kept). */
function keyDigest(req: express.Request): string {
  return createHash('sha256').update(req.get('authorization') ?? '').digest('base64url');
}
