import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors';
import type { ReconciliationReport } from '../services/operations';

/**
 * `GET /api/v1/reconciliation[?realm=<id>]` (admin): won deals without an invoice, invoices without a deal,
 * deal amounts that differ from their invoices, customers linked to several Accounts.
 */
export function reconciliationRoutes(report: Pick<ReconciliationReport, 'run'>, adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/api/v1/reconciliation', adminAuth, async (req, res, next) => {
    try {
      const realm = req.query.realm;
      if (realm !== undefined && (typeof realm !== 'string' || !/^\d{1,30}$/.test(realm))) {
        throw new AppError('BAD_REQUEST', 'realm must be a QuickBooks company id (digits).', { fix: 'Send ?realm=<realmId>, or leave it out for every company.' });
      }
      res.json(await report.run(realm));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
