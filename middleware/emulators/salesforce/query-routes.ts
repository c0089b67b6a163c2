import type { ApiRouter, Handler } from './api';
import { SfApiError } from './errors';
import { runQuery } from './soql/execute';

/** GET /query, /queryAll and /query/<locator>-<offset>. */

const run =
  (includeDeleted: boolean): Handler =>
  (state, req) => {
    const soql = req.query.q;
    if (!soql) throw new SfApiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    const result = runQuery(state.queryEnv(req.version, true), soql, includeDeleted);
    const batch = batchSize(req.headers['sforce-query-options'], state.batchSize);
    return { status: 200, body: state.cursors.first(req.version, result.rows, result.totalSize, batch) };
  };

const more: Handler = (state, req, params) => {
  const page = state.cursors.next(req.version, params.locator as string);
  if (!page) throw new SfApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  return { status: 200, body: page };
};

/** `Sforce-Query-Options: batchSize=500` (200..2000), like the platform. */
function batchSize(header: string | undefined, fallback: number): number {
  const m = /batchSize=(\d+)/i.exec(header ?? '');
  if (!m) return fallback;
  return Math.min(2000, Math.max(200, Number(m[1])));
}

export function registerQueryRoutes(router: ApiRouter): void {
  router.add('GET', '/query', run(false)).add('GET', '/queryAll', run(true)).add('GET', '/query/:locator', more).add('GET', '/queryAll/:locator', more);
}
