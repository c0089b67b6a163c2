import express, { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import type { OperationsService } from '../services/operations';
import { jsonBody, parse, salesforceId } from './validation';

const realmId = z.string().regex(/^\d{1,30}$/, 'must be a QuickBooks company id (digits)');
const jobId = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'must be a job id');

export const jobsQuerySchema = z
  .object({
    state: z.enum(['queued', 'running', 'completed', 'failed', 'dead', 'cancelled']).optional(),
    type: z.string().max(64).optional(),
    opportunityId: salesforceId.optional(),
    realmId: realmId.optional().describe('QuickBooks company (billing entity) id'),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const jobIdParams = z.object({ id: jobId }).strict();

export const retryAllSchema = z
  .object({
    state: z.enum(['dead', 'failed']).default('dead'),
    type: z.string().max(64).optional(),
  })
  .strict();

export const auditQuerySchema = z
  .object({
    record: z.string().min(1).max(64).regex(/^[A-Za-z0-9:_-]+$/, 'must be a Salesforce or QuickBooks record id').describe('Salesforce id (15 or 18) or QuickBooks id'),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
    beforeId: z.coerce.number().int().min(1).optional(),
  })
  .strict();

export const jobViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  state: z.enum(['queued', 'running', 'completed', 'failed', 'dead', 'cancelled']),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  opportunityId: z.string().nullable(),
  accountId: z.string().nullable(),
  realmId: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorCode: z.string().nullable(),
  runAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  result: z.unknown(),
});

export const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string(),
  actor: z.string(),
  action: z.string(),
  system: z.enum(['salesforce', 'quickbooks', 'middleware']),
  realmId: z.string().nullable(),
  salesforceId: z.string().nullable(),
  qboId: z.string().nullable(),
  field: z.string().nullable(),
  oldValue: z.string().nullable(),
  newValue: z.string().nullable(),
  jobId: z.string().nullable(),
  sourceEvent: z.string().nullable(),
});

const level = z.enum(['ok', 'warning', 'error']);
export const runSummarySchema = z.object({
  state: z.enum(['running', 'completed', 'failed']),
  since: z.string(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  current: z.string().nullable(),
  read: z.number().int(),
  total: z.number().int().nullable(),
  written: z.number().int(),
  refused: z.number().int(),
  deleted: z.number().int(),
  error: z.string().nullable(),
});
export const healthSchema = z.object({
  status: level,
  checkedAt: z.string(),
  companies: z.array(
    z.object({
      realmId: z.string(),
      billingEntity: z.string(),
      companyName: z.string().nullable(),
      status: level,
      connected: z.boolean(),
      connectionStatus: z.string(),
      lastError: z.string().nullable(),
      accessTokenExpiresAt: z.string(),
      accessTokenExpired: z.boolean(),
      refreshTokenIssuedAt: z.string(),
      refreshTokenAgeDays: z.number().int(),
      refreshTokenExpiresAt: z.string(),
      refreshTokenExpiresInDays: z.number().int(),
      warnings: z.array(z.string()),
      cdcCursor: z.string().nullable(),
      apiCallsToday: z.number().int(),
      historyImport: runSummarySchema.nullable(),
      reconciliation: runSummarySchema.nullable(),
    }),
  ),
  salesforce: z.object({ status: level, authenticated: z.boolean(), error: z.string().nullable(), apiUsage: z.object({ used: z.number(), limit: z.number() }).nullable() }),
  queue: z.object({ status: level, queued: z.number(), running: z.number(), failed: z.number(), dead: z.number(), completed: z.number(), oldestQueuedAgeSeconds: z.number(), warnings: z.array(z.string()) }),
  webhooks: z.object({ status: level, pending: z.number(), lagSeconds: z.number(), oldestPendingReceivedAt: z.string().nullable() }),
  problems: z.array(z.string()),
});

/** Admin operations (DESIGN §4): jobs, retries, audit trail, health. Each route checks the admin key itself. */
export function opsRoutes(ops: OperationsService, adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/api/v1/health', adminAuth, async (_req, res) => {
    res.json(await ops.health());
  });
  router.get('/api/v1/jobs', adminAuth, async (req, res) => {
    const query = parse(jobsQuerySchema, req.query, 'query');
    res.json({ jobs: await ops.jobs(query) });
  });
  router.post('/api/v1/jobs/retry-all', adminAuth, express.json({ limit: '4kb' }), async (req, res) => {
    const body = parse(retryAllSchema, req.body === undefined ? {} : jsonBody(req), 'request body');
    res.json(await ops.retryAll(body.state, 'admin-api', body.type));
  });
  router.get('/api/v1/jobs/:id', adminAuth, async (req, res) => {
    const { id } = parse(jobIdParams, req.params, 'path');
    const job = await ops.job(id);
    if (!job) throw new AppError('NOT_FOUND', `No job ${id}.`, { fix: 'List jobs with GET /api/v1/jobs.' });
    res.json(job);
  });
  router.post('/api/v1/jobs/:id/retry', adminAuth, express.json({ limit: '1kb' }), async (req, res) => {
    const { id } = parse(jobIdParams, req.params, 'path');
    parse(z.object({}).strict(), req.body ?? {}, 'request body');
    res.status(202).json(await ops.retry(id, 'admin-api'));
  });
  router.get('/api/v1/audit', adminAuth, async (req, res) => {
    const query = parse(auditQuerySchema, req.query, 'query');
    const entries = await ops.audit(query.record, { limit: query.limit, ...(query.beforeId ? { beforeId: query.beforeId } : {}) });
    res.json({ record: query.record, entries: entries.map((e) => ({ ...e, at: e.at.toISOString() })) });
  });
  return router;
}
