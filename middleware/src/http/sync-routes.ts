import { createHash } from 'node:crypto';
import express, { Router } from 'express';
import { rateLimit } from './rate-limit';
import { z } from 'zod';
import type { SyncAccepted, SyncRequests } from '../services/invoicing';
import { EMAIL_PATTERN } from '../sync/delivery';
import { jsonBody, parse, salesforceId } from './validation';

export const syncRequestSchema = z
  .object({
    opportunityIds: z.array(z.string()).min(1, 'send at least one id').max(200, 'send at most 200 ids per request'),
    reason: z.enum(['closed_won', 'retry', 'sweep', 'backfill']).default('closed_won'),
  })
  .strict();


export const invoicePdfParams = z.object({ id: salesforceId, invoiceId: z.string().regex(/^\d{1,20}$/, 'a QuickBooks invoice id is 1 to 20 digits') }).strict();

export const invoiceSendSchema = z
  .object({
    sendTo: z
      .string()
      .trim()
      .max(100, 'at most 100 characters')
      .regex(EMAIL_PATTERN, 'must be one e-mail address, like billing@example.com')
      .optional()
      .describe("One address; without it QuickBooks sends to the invoice's billing e-mail (BillEmail), and with it that address becomes the invoice's BillEmail."),
    requestedBy: z
      .object({
        userId: salesforceId.refine((id) => id.startsWith('005'), 'must be a Salesforce User id (005…)'),
        // The audit log's actor: a name with a line break or control character could forge another entry's text.
        name: z.string().trim().min(1).max(121).regex(/^[^\p{Cc}\u2028\u2029]+$/u, 'must be a name on one line, without control characters').optional(),
      })
      .strict()
      .describe('The Salesforce user who pressed Send (written to the audit log).'),
  })
  .strict();

export const invoiceSendResultSchema = z.object({
  opportunityId: z.string(),
  invoiceId: z.string(),
  docNumber: z.string().nullable(),
  sentTo: z.string().nullable().describe("The invoice's BillEmail after the send"),
  emailStatus: z.string().nullable().describe('QuickBooks EmailStatus (EmailSent after a send)'),
  deliveryTime: z.string().nullable().describe('QuickBooks DeliveryInfo.DeliveryTime, with the company offset'),
});

/** The contract Apex calls through the Named Credential (DESIGN §4). Routes stay short. */
export function syncRoutes(service: SyncRequests, auth: express.RequestHandler, bodyLimit: string, previewPerMinute = 0, sendPerMinute = 0): Router {
  const router = Router();
  router.use('/api/v1', auth);
  // A preview costs QuickBooks and Salesforce calls from the budgets invoicing shares: each key gets a quota.
  const previewQuota: express.RequestHandler =
    previewPerMinute > 0
      ? rateLimit({ perMinute: previewPerMinute, burst: Math.max(1, Math.ceil(previewPerMinute / 2)), name: 'preview', keyOf: keyDigest, per: { noun: 'key', setting: 'PREVIEW_PER_MINUTE' } })
      : (_req, _res, next) => next();
  // Each send has QuickBooks e-mail an invoice to any one address: a key gets a quota, so it is no mail relay.
  const sendQuota: express.RequestHandler =
    sendPerMinute > 0
      ? rateLimit({ perMinute: sendPerMinute, burst: Math.max(1, Math.ceil(sendPerMinute / 2)), name: 'invoice-send', keyOf: keyDigest, per: { noun: 'key', setting: 'SEND_PER_MINUTE' } })
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
  router.post('/api/v1/opportunities/:id/invoices/:invoiceId/send', sendQuota, express.json({ limit: bodyLimit }), async (req, res) => {
    const { id, invoiceId } = parse(invoicePdfParams, { id: req.params.id, invoiceId: req.params.invoiceId }, 'path');
    const body = parse(invoiceSendSchema, jsonBody(req), 'request body');
    res.status(200).json(await service.sendInvoice({ opportunityId: id, invoiceId, sendTo: body.sendTo, requestedBy: body.requestedBy }));
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
