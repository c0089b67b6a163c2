import { Router, type RequestHandler } from 'express';
import type { CatalogGaps } from '../services/accounts';

/**
 * `GET /api/v1/catalog` (admin): QuickBooks items with no product and billable products with no item. The
 * default company's lists stay at the top level (as before several companies were listed); `companies`
 * holds every connected company's, the default first.
 */
export function catalogRoutes(gaps: () => Promise<CatalogGaps[]>, adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/api/v1/catalog', adminAuth, async (_req, res, next) => {
    try {
      const companies = await gaps();
      const first = companies[0];
      res.json(first ? { ...first, companies } : { itemsWithoutProduct: [], productsWithoutItem: [], companies: [], note: 'No QuickBooks company is connected.' });
    } catch (error) {
      next(error);
    }
  });
  return router;
}
