import { Router, type RequestHandler } from 'express';
import type { CatalogGaps } from '../services/catalog-gaps';

/** `GET /api/v1/catalog` (admin): QuickBooks items with no product and billable products with no item. */
export function catalogRoutes(gaps: () => Promise<CatalogGaps | null>, adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/api/v1/catalog', adminAuth, async (_req, res, next) => {
    try {
      res.json((await gaps()) ?? { itemsWithoutProduct: [], productsWithoutItem: [], note: 'No QuickBooks company is connected.' });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
