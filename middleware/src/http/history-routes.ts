import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import type { HistoryJobs } from '../services/history';
import { jsonBody, parse } from './validation';

const realmId = z.string().regex(/^\d{1,30}$/, 'must be a QuickBooks company id (digits)');

export const historyImportSchema = z
  .object({
    realmId: realmId.optional().describe('QuickBooks company; may be left out when only one is connected'),
    since: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD').optional().describe('first transaction date imported (default: IMPORT_MONTHS months back)'),
  })
  .strict();

export const reconcileSchema = z.object({ realmId: realmId.optional() }).strict();
export const historyQuerySchema = z.object({ realmId: realmId.optional() }).strict();

/**
 * History import and reconciliation (admin): `GET /api/v1/history-import` shows each company's latest runs,
 * `POST /api/v1/history-import` and `POST /api/v1/reconcile` queue one (202 with the job). POSTs take JSON
 * from this service's own pages or from scripts only (requireAdmin's cross-site rules).
 */
export function historyRoutes(history: HistoryJobs, adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/api/v1/history-import', adminAuth, async (req, res) => {
    const query = parse(historyQuerySchema, req.query, 'query');
    const realms = query.realmId ? [query.realmId] : await history.realms();
    res.json({ companies: await Promise.all(realms.map(async (id) => ({ realmId: id, ...(await history.status(id)) }))) });
  });
  router.post('/api/v1/history-import', adminAuth, express.json({ limit: '1kb' }), async (req, res) => {
    const body = parse(historyImportSchema, req.body === undefined ? {} : jsonBody(req), 'request body');
    const realm = body.realmId ?? (await history.onlyRealm());
    res.status(202).json(await history.requestImport({ realmId: realm, reason: 'on-demand', ...(body.since ? { since: body.since } : {}) }));
  });
  router.post('/api/v1/reconcile', adminAuth, express.json({ limit: '1kb' }), async (req, res) => {
    const body = parse(reconcileSchema, req.body === undefined ? {} : jsonBody(req), 'request body');
    const realm = body.realmId ?? (await history.onlyRealm());
    res.status(202).json(await history.requestReconcile(realm));
  });
  return router;
}
