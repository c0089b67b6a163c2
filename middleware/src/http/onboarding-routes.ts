import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { type ApplyFigures, type LinkSource, matchingReport, type MatchingRun, type SideFigures } from '../services/onboarding';
import { jsonBody, parse } from './validation';

export interface OnboardingApi {
  match(options: { realmId?: string }): Promise<MatchingRun>;
  apply(options: { realmId?: string; source: LinkSource; actor: string }): Promise<{ run: MatchingRun; figures: ApplyFigures }>;
}

/** An edited report of 50,000 Accounts is a few megabytes; this route alone accepts that much. */
export const ONBOARDING_BODY_LIMIT = '20mb';

const realmId = z.string().regex(/^\d{1,30}$/, 'must be a QuickBooks company id (digits)').optional();

/** Body of POST /api/v1/onboarding/match (exported for the OpenAPI document). */
export const onboardingMatchSchema = z
  .object({
    realmId,
    /** Rows per list in the answer (the CSV report has them all). */
    limit: z.number().int().min(1).max(1000).default(100),
    /** Answer with one CSV report instead of JSON. */
    report: z.enum(['customers', 'items']).optional(),
  })
  .strict();

/** Body of POST /api/v1/onboarding/apply: `{ exact: true }` or `{ decisions: "<edited report CSV>" }`. */
export const onboardingApplySchema = z.union([
  z.object({ realmId, exact: z.literal(true) }).strict(),
  z.object({ realmId, decisions: z.string().min(1, 'send the edited report as text') }).strict(),
]);

/** Admin API over the onboarding run: match (report, links nothing) and apply (exact matches or an edited report). */
export function onboardingRoutes(service: OnboardingApi, adminAuth: RequestHandler): Router {
  const router = Router();
  router.use('/api/v1/onboarding', adminAuth);
  router.post('/api/v1/onboarding/match', express.json({ limit: '16kb' }), async (req, res) => {
    const body = parse(onboardingMatchSchema, req.body === undefined ? {} : jsonBody(req), 'request body');
    const run = await service.match(body.realmId ? { realmId: body.realmId } : {});
    const report = matchingReport(run);
    if (body.report) {
      res.type('text/csv').attachment(`onboarding-${body.report}-${run.realmId}.csv`).send(body.report === 'customers' ? report.customersCsv : report.itemsCsv);
      return;
    }
    res.json({ realmId: run.realmId, summary: report.summary, ...proposals(run, body.limit) });
  });
  router.post('/api/v1/onboarding/apply', express.json({ limit: ONBOARDING_BODY_LIMIT }), async (req, res) => {
    const body = parse(onboardingApplySchema, jsonBody(req), 'request body');
    const source: LinkSource = 'exact' in body ? { exact: true } : { csv: body.decisions };
    const { figures } = await service.apply({ ...(body.realmId ? { realmId: body.realmId } : {}), source, actor: 'admin-api' });
    res.json({ realmId: figures.realmId, source: figures.source, customers: sideOut(figures.customers), items: sideOut(figures.items) });
  });
  return router;
}

function proposals(run: MatchingRun, limit: number) {
  const account = names(run.accounts, (a) => a.Name);
  const customer = names(run.customers, (c) => c.DisplayName);
  const product = names(run.products, (p) => p.Name);
  const item = names(run.items, (i) => i.Name);
  const c = run.customerResult;
  const i = run.itemResult;
  const list = <T, U>(rows: T[], map: (row: T) => U) => ({ total: rows.length, rows: rows.slice(0, limit).map(map) });
  return {
    counts: { accounts: run.accounts.length, customers: run.customers.length, products: run.products.length, items: run.items.length },
    customers: {
      exact: list(c.exact, (p) => ({ accountId: p.accountId, accountName: account(p.accountId), customerId: p.customerId, customerName: customer(p.customerId), score: p.score, reasons: p.reasons })),
      probable: list(c.probable, (p) => ({ accountId: p.accountId, accountName: account(p.accountId), customerId: p.customerId, customerName: customer(p.customerId), score: p.score, reasons: p.reasons, alternatives: p.alternatives })),
      duplicateAccounts: list(c.duplicateAccounts, (g) => g.ids.map((id) => ({ id, name: account(id) }))),
      duplicateCustomers: list(c.duplicateCustomers, (g) => g.ids.map((id) => ({ id, name: customer(id) }))),
      unmatchedAccounts: list(c.unmatchedAccounts, (u) => ({ id: u.id, name: account(u.id), nearest: u.nearest ?? null })),
      unmatchedCustomers: list(c.unmatchedCustomers, (u) => ({ id: u.id, name: customer(u.id), nearest: u.nearest ?? null })),
    },
    items: {
      exact: list(i.exact, (p) => ({ productId: p.productId, productName: product(p.productId), itemId: p.itemId, itemName: item(p.itemId), score: p.score, reasons: p.reasons })),
      probable: list(i.probable, (p) => ({ productId: p.productId, productName: product(p.productId), itemId: p.itemId, itemName: item(p.itemId), score: p.score, reasons: p.reasons })),
      duplicateProducts: list(i.duplicateProducts, (g) => g.ids.map((id) => ({ id, name: product(id) }))),
      duplicateItems: list(i.duplicateItems, (g) => g.ids.map((id) => ({ id, name: item(id) }))),
      unmatchedProducts: list(i.unmatchedProducts, (u) => ({ id: u.id, name: product(u.id) })),
      unmatchedItems: list(i.unmatchedItems, (u) => ({ id: u.id, name: item(u.id) })),
    },
  };
}

function names<T extends { Id: string }>(rows: T[], name: (row: T) => string): (id: string) => string {
  const byId = new Map(rows.map((r) => [r.Id, name(r)]));
  return (id) => byId.get(id) ?? '';
}

const MAX_LISTED = 1000;

function sideOut(s: SideFigures) {
  return {
    requested: s.requested,
    linked: s.linked.length,
    unchanged: s.unchanged,
    links: s.linked.slice(0, MAX_LISTED),
    refused: s.refused.slice(0, MAX_LISTED),
    failed: s.failed.slice(0, MAX_LISTED),
  };
}
