import express, { Router } from 'express';
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
}

/** The contract Apex calls through the Named Credential (DESIGN §4). Routes stay short. */
export function syncRoutes(service: SyncRequests, auth: express.RequestHandler, bodyLimit: string): Router {
  const router = Router();
  router.use('/api/v1', auth);
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
  router.get('/api/v1/opportunities/:id/preview', async (req, res) => {
    const id = parse(salesforceId, req.params.id, 'opportunity id');
    res.json(await service.preview(id));
  });
  router.get('/api/v1/opportunities/:id/billing', async (req, res) => {
    const id = parse(salesforceId, req.params.id, 'opportunity id');
    res.json(await service.billing(id));
  });
  return router;
}
