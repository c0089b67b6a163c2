import { type ApiRequest, type ApiResponse, type ApiRouter, objectBody } from './api';
import { SfApiError } from './errors';
import type { EmulatorState } from './state';

/**
 * POST /composite: up to 25 subrequests, of which at most 5 are queries or sObject Collections; @{ref.path}
 * references, optional allOrNone. Subrequests run in the order sent (as with `collateSubrequests: false`).
 */

const MAX_SUBREQUESTS = 25;
const MAX_QUERIES_AND_COLLECTIONS = 5;

interface SubRequest {
  method?: string;
  url?: string;
  referenceId?: string;
  body?: unknown;
  httpHeaders?: Record<string, string>;
}

interface SubResponse {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const halted = (referenceId: string, message: string): SubResponse => ({
  body: [{ errorCode: 'PROCESSING_HALTED', message }],
  httpHeaders: {},
  httpStatusCode: 400,
  referenceId,
});

class Unresolved extends Error {}

/** Replaces @{ref.id} / @{ref.records[0].Id} with values from earlier responses. */
function resolveRefs(value: unknown, bodies: Map<string, unknown>): unknown {
  if (typeof value === 'string') {
    return value.replace(/@\{([^}]+)\}/g, (_m, expr: string) => {
      const [ref = '', ...rest] = expr.split('.');
      if (!bodies.has(ref)) throw new Unresolved(`Invalid reference specified. No value for ${expr} found in ${ref}. Provided referenceId ('${ref}') was not found.`);
      let current: unknown = bodies.get(ref);
      for (const part of rest.join('.').split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '')) {
        current = current !== null && typeof current === 'object' ? (current as Record<string, unknown>)[part] : undefined;
      }
      if (current === undefined || current === null) throw new Unresolved(`Invalid reference specified. No value for ${expr} found in ${ref}.`);
      return String(current);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, bodies));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, bodies)]));
  return value;
}

export function registerComposite(router: ApiRouter): void {
  router.add('POST', '/composite', (state, req) => composite(router, state, req));
}

function composite(router: ApiRouter, state: EmulatorState, req: ApiRequest): ApiResponse {
  const body = objectBody(req.body);
  const subs = body.compositeRequest;
  if (!Array.isArray(subs) || subs.length === 0) throw new SfApiError(400, 'JSON_PARSER_ERROR', 'compositeRequest: a non-empty JSON array is required');
  if (subs.length > MAX_SUBREQUESTS) throw new SfApiError(400, 'INVALID_INPUT', `Composite API: maximum number of subrequests (${MAX_SUBREQUESTS}) exceeded`);
  const queries = (subs as SubRequest[]).filter((s) => /\/query(All)?([/?]|$)|\/composite\/sobjects([/?]|$)/.test(s.url ?? '')).length;
  if (queries > MAX_QUERIES_AND_COLLECTIONS) {
    throw new SfApiError(400, 'INVALID_INPUT', `Composite API: maximum number of query and sObject Collections subrequests (${MAX_QUERIES_AND_COLLECTIONS}) exceeded`);
  }
  const allOrNone = body.allOrNone === true;
  const bodies = new Map<string, unknown>();
  const out: SubResponse[] = [];
  const marker = state.store.savepoint();
  state.deferCallouts();
  let failed = false;
  for (const raw of subs as SubRequest[]) {
    const referenceId = String(raw.referenceId ?? '');
    if (failed && allOrNone) {
      out.push(halted(referenceId, 'The transaction was rolled back since another operation in the same transaction failed.'));
      continue;
    }
    let res: ApiResponse;
    try {
      const url = new URL(String(resolveRefs(raw.url ?? '', bodies)), 'http://composite.invalid');
      const m = /^\/services\/data\/v(\d+\.\d)(\/.*)$/.exec(url.pathname);
      if (!m) throw new SfApiError(400, 'INVALID_INPUT', `Invalid URL: ${raw.url ?? ''}`);
      res = router.dispatch(state, {
        method: String(raw.method ?? 'GET').toUpperCase(),
        path: m[2] as string,
        version: m[1] as string,
        query: Object.fromEntries(url.searchParams.entries()),
        body: resolveRefs(raw.body, bodies),
        headers: Object.fromEntries(Object.entries(raw.httpHeaders ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        userId: req.userId,
      });
    } catch (e) {
      if (e instanceof Unresolved) {
        out.push(halted(referenceId, e.message));
        failed = true;
        continue;
      }
      res = e instanceof SfApiError ? { status: e.status, body: e.toBody() } : { status: 500, body: [{ errorCode: 'UNKNOWN_EXCEPTION', message: String(e) }] };
    }
    if (res.status < 400) bodies.set(referenceId, res.body);
    else failed = true;
    out.push({ body: res.body ?? null, httpHeaders: res.headers ?? {}, httpStatusCode: res.status, referenceId });
  }
  if (failed && allOrNone) {
    state.store.rollbackTo(marker);
    state.flushCallouts(false);
    const rolled = out.map((r) => (r.httpStatusCode < 400 ? halted(r.referenceId, 'The transaction was rolled back since another operation in the same transaction failed.') : r));
    return { status: 200, body: { compositeResponse: rolled } };
  }
  state.store.release();
  state.flushCallouts(true);
  return { status: 200, body: { compositeResponse: out } };
}
