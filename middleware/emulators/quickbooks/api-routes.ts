/**
 * The /v3/company/{realmId} pipeline: counters → injected faults → bearer auth → throttles →
 * latency → requestid replay → dispatch → response (or a lost response).
 */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { formatResponseTime } from './clock';
import { classify } from './classify';
import { dispatch, type ApiResult } from './api-dispatch';
import { authFaultBody, faults, QboFault, throttleJson, throttleXml } from './faults';
import type { EmulatorDeps } from './deps';
import type { FaultRule } from './fault-injection';

/** Writes the body with exactly the Content-Type QBO sends (Express would rewrite the charset). */
function write(res: Response, status: number, contentType: string, payload: string): void {
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.end(payload);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function latency(value: number | [number, number]): number {
  return Array.isArray(value) ? value[0] + Math.random() * (value[1] - value[0]) : value;
}

export function apiRouter(deps: EmulatorDeps): Router {
  const router = express.Router({ mergeParams: true });
  const { options, counters } = deps;
  const time = () => formatResponseTime(deps.clock.now(), options.timeZone);

  function send(res: Response, result: ApiResult, lost?: FaultRule): void {
    if (lost) {
      const mode = lost.mode ?? options.lostResponseMode;
      if (mode === 'hang-up') {
        counters.status('hang-up');
        res.socket?.destroy();
        return;
      }
      result = { status: 500, body: faults.systemError().toBody() };
    }
    counters.status(result.status);
    if (result.raw) {
      res.status(result.status).type(result.contentType ?? 'application/octet-stream').send(result.raw);
      return;
    }
    const isFault = 'Fault' in result.body;
    write(res, result.status, isFault ? 'application/json' : 'application/json;charset=utf-8', JSON.stringify({ ...result.body, time: time() }));
  }

  function throttled(res: Response): void {
    counters.mark('throttled');
    counters.status(429);
    if (options.limits.throttleBody === 'xml') write(res, 429, 'application/xml', throttleXml(time()));
    else write(res, 429, 'application/json', JSON.stringify({ ...throttleJson(), time: time() }));
  }

  function authFault(res: Response, kind: 'expired' | 'invalid' | 'forbidden', token: string): void {
    const status = kind === 'forbidden' ? 403 : 401;
    counters.status(status);
    if (status === 401) res.set('WWW-Authenticate', 'Bearer realm="Intuit", error="invalid_token"');
    write(res, status, 'application/json', JSON.stringify(authFaultBody(kind, token, deps.clock.now())));
  }

  function resultOf(error: unknown): ApiResult {
    if (error instanceof QboFault) return { status: error.status, body: error.toBody() };
    if (options.verbose) console.error('[qbo-emulator] unexpected error', error);
    return { status: 500, body: faults.systemError().toBody() };
  }

  router.use(express.json({ limit: '10mb', type: ['application/json', 'application/*+json'] }));
  router.use(express.text({ type: ['application/text', 'text/plain'] }));
  router.use(express.urlencoded({ extended: false }));

  router.use(async (req: Request, res: Response) => {
    const realmId = String(req.params.realmId);
    const relative = req.path;
    const info = classify(req.method, relative, req.query as Record<string, unknown>, req.body);
    counters.request(info.endpoint, `${info.entity ?? '*'}.${info.operation}`, realmId);
    const finished = deps.load.arrived(realmId, info.operation === 'batch');
    res.on('close', finished);
    res.on('finish', finished);
    if (options.verbose) console.error(`[qbo-emulator] ${req.method} ${req.originalUrl}`);
    const token = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';

    const rule = deps.injector.take({ target: 'api', method: req.method, path: req.originalUrl, entity: info.entity, operation: info.operation, realmId });
    if (rule) counters.mark('injected');
    switch (rule?.kind) {
      case 'throttle':
        return throttled(res);
      case 'server-error':
        return send(res, { status: 500, body: faults.systemError().toBody() });
      case 'service-unavailable':
        return send(res, { status: 503, body: faults.serviceUnavailable().toBody() });
      case 'hang-up':
        counters.status('hang-up');
        res.socket?.destroy();
        return;
      case 'token-expired':
        return authFault(res, 'expired', token);
      case 'stale-sync-token':
        return send(res, resultOf(faults.staleObject()));
      case 'duplicate-name':
        return send(res, resultOf(faults.duplicateName()));
      default:
        break;
    }

    if (options.oauth.apiAuth === 'strict') {
      const check = deps.authority.checkAccess(token);
      if (!check.ok) return authFault(res, check.reason, token);
      if (check.realmId !== realmId) return authFault(res, 'forbidden', token);
    } else if (!token) return authFault(res, 'invalid', token);
    const store = options.oauth.apiAuth === 'strict' ? deps.realms.get(realmId) : deps.realms.ensure(realmId);
    const ctx = store ? deps.realms.context(realmId) : undefined;
    if (!ctx) return authFault(res, 'forbidden', token);

    const verdict = deps.limits.acquire(realmId, info.operation === 'batch');
    if (verdict !== 'ok') {
      deps.load.refused(realmId, verdict);
      return throttled(res);
    }
    let released = false;
    const release = () => {
      if (!released) deps.limits.release(realmId);
      released = true;
    };
    res.on('close', release);
    res.on('finish', release);

    // A slow rule with mode 'after-commit' writes first and answers late: the client may die before it
    // learns the outcome, the shape of "created, then the worker crashed".
    const afterCommit = rule?.kind === 'slow' && rule.mode === 'after-commit';
    const wait = (rule?.kind === 'slow' && !afterCommit ? (rule.delayMs ?? 5000) : 0) + latency(options.latencyMs);
    if (wait > 0) await sleep(wait);
    if (res.destroyed) return;

    const requestId = typeof req.query.requestid === 'string' ? req.query.requestid : undefined;
    const tooLong = requestId ? requestIdProblem(requestId, info.operation === 'batch', req.body) : undefined;
    if (tooLong) return send(res, resultOf(tooLong));
    const cacheKey = requestId && req.method === 'POST' ? requestId : undefined;
    const cached = cacheKey ? ctx.store.requestCache.get(cacheKey) : undefined;
    if (cached) {
      counters.mark('replayed');
      return send(res, { status: cached.status, body: cached.body as ApiResult['body'] }, rule?.kind === 'lost-response' ? rule : undefined);
    }
    let result: ApiResult;
    try {
      result = dispatch(ctx, req, relative, options.limits.maxBatchItems);
    } catch (error) {
      result = resultOf(error);
    }
    if (cacheKey && !result.raw && result.status < 500) ctx.store.requestCache.set(cacheKey, { status: result.status, body: result.body });
    if (afterCommit) {
      await sleep(rule.delayMs ?? 5000);
      if (res.destroyed) return;
    }
    send(res, result, rule?.kind === 'lost-response' ? rule : undefined);
  });

  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const detail = error instanceof Error ? error.message : String(error);
    const fault = new QboFault(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: `Invalid request body: ${detail}`, code: '2010' }]);
    counters.status(400);
    write(res, 400, 'application/json', JSON.stringify({ ...fault.toBody(), time: time() }));
  });

  return router;
}

/**
 * Intuit's documented limits on `requestid`: 50 characters, 36 on a batch, and with a batch requestid each
 * `bId` at most 10 characters. The fault QBO answers with is undocumented [U]; this one names the limit.
 */
function requestIdProblem(requestId: string, isBatch: boolean, body: unknown): QboFault | undefined {
  const max = isBatch ? 36 : 50;
  if (requestId.length > max) return faults.stringLength('requestid', max, requestId.length);
  if (!isBatch) return undefined;
  const items = (body as { BatchItemRequest?: unknown } | null)?.BatchItemRequest;
  const long = Array.isArray(items) ? items.map((i) => String((i as { bId?: unknown } | null)?.bId ?? '')).find((bId) => bId.length > 10) : undefined;
  return long !== undefined ? faults.stringLength('bId', 10, long.length) : undefined;
}
