import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from 'express';
import type { Logger } from '../logger';
import { AppError, toAppError } from '../errors';
import { rateLimit } from './rate-limit';

export interface AppDeps {
  logger: Logger;
  bodyLimit?: string;
  /** Extra routers mounted by main.ts (sync API, webhooks, OAuth, admin). */
  routers?: express.Router[];
  /** Readiness probe: resolves when the store and tokens are usable. */
  ready?: () => Promise<{ ok: boolean; checks: Record<string, unknown> }>;
  /** Per-address request limit on the public endpoints (/webhooks, /oauth, /api); 0 or unset: none. */
  rateLimitPerMinute?: number;
  /** Express `trust proxy`: which proxies' X-Forwarded-For names the client (TRUST_PROXY); default none. */
  trustProxy?: TrustProxy;
  /** True when the request carries a valid admin key: only admins see the details of /readyz. */
  isAdmin?: (req: Request) => boolean;
  /** True when the request carries a valid API or admin key: such requests skip the per-address limiter. */
  authenticated?: (req: Request) => boolean;
}

export type TrustProxy = false | number | string[];

/** Builds the Express app. Routes stay short; anything they throw is rendered by one error handler. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityHeaders);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  // Public readiness is the status alone; the checks name companies and entities, so only admins see them.
  app.get('/readyz', async (req, res) => {
    const result = deps.ready ? await deps.ready() : { ok: true, checks: {} };
    const details = deps.isAdmin?.(req) ? { checks: result.checks } : {};
    res.status(result.ok ? 200 : 503).json({ status: result.ok ? 'ready' : 'not ready', ...details });
  });

  if (deps.rateLimitPerMinute && deps.rateLimitPerMinute > 0) {
    const rejected = (status: number): boolean => status === 401 || status === 403;
    for (const prefix of ['/webhooks', '/oauth', '/api']) {
      const counts = prefix === '/oauth' ? undefined : rejected;
      app.use(prefix, rateLimit({ perMinute: deps.rateLimitPerMinute, name: prefix.slice(1), logger: deps.logger, ...(counts ? { counts } : {}), ...(deps.authenticated ? { trusted: deps.authenticated } : {}) }));
    }
  }
  for (const router of deps.routers ?? []) app.use(router);

  app.use((req, _res, next) => {
    next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}.`, { fix: 'Check the path against /openapi.json.' }));
  });
  app.use(errorHandler(deps.logger));
  return app;
}

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'");
  next();
};

/** Renders every error as `{ error: { code, message, fix } }`; 5xx details stay in the log. */
export function errorHandler(logger: Logger, now: () => number = Date.now): ErrorRequestHandler {
  const sampled = rejectionSampler(now);
  return (err, req, res, _next) => {
    const error = fromExpressError(err);
    if (error.status >= 500) logger.error({ err: error, path: req.path }, 'request failed');
    else {
      const suppressed = sampled(`${error.status}:${error.code}`);
      if (suppressed !== null) logger.warn({ code: error.code, path: req.path, reason: error.message, ...(suppressed > 0 ? { suppressed } : {}) }, 'request rejected');
    }
    if (res.headersSent) return;
    const message = error.status >= 500 ? 'Internal error; the operator can find it in the log.' : error.message;
    res.status(error.status).json({ error: { code: error.code, message, ...(error.fix ? { fix: error.fix } : {}) } });
  };
}

const SAMPLE_WINDOW_MS = 10_000;

/**
 * Rejections are logged once per kind (status and code) every ten seconds, with the number left out since:
 * a flood of bad keys writes a few lines, not one per request.
 */
function rejectionSampler(now: () => number): (kind: string) => number | null {
  const kinds = new Map<string, { at: number; suppressed: number }>();
  return (kind) => {
    const t = now();
    const seen = kinds.get(kind);
    if (seen && t - seen.at < SAMPLE_WINDOW_MS) {
      seen.suppressed += 1;
      return null;
    }
    if (!seen && kinds.size >= 100) kinds.clear();
    kinds.set(kind, { at: t, suppressed: 0 });
    return seen?.suppressed ?? 0;
  };
}

/** body-parser raises plain errors with `type` and `status`; give them our shape and a fix. */
function fromExpressError(err: unknown): AppError {
  const e = err as { type?: string; status?: number; message?: string };
  if (e && e.type === 'entity.too.large') {
    return new AppError('PAYLOAD_TOO_LARGE', 'Request body is larger than the limit.', {
      fix: 'Send at most 200 ids per request.',
    });
  }
  if (e && e.type === 'entity.parse.failed') {
    return new AppError('BAD_REQUEST', 'Request body is not valid JSON.', { fix: 'Send a JSON object.' });
  }
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && !(err instanceof AppError)) {
    return new AppError('BAD_REQUEST', e.message ?? 'Bad request.', { status: e.status });
  }
  return toAppError(err);
}
