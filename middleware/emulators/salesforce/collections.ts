import { type ApiRouter, type ApiRequest, type ApiResponse, type Handler, objectBody } from './api';
import { DmlError, type RecordError, SfApiError, lockError, rolledBack } from './errors';
import { toId18 } from './ids';
import type { ObjectDef } from './schema/types';
import { enqueued, recordBody } from './sobjects';
import type { EmulatorState } from './state';
import type { DmlContext } from './dml-context';

/** sObject Collections: /composite/sobjects create, update, upsert, delete and retrieve (≤ 200 records). */

const MAX_RECORDS = 200;

export interface RecordResult {
  id?: string | null;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}


function records(body: Record<string, unknown>): Record<string, unknown>[] {
  const list = body.records;
  if (!Array.isArray(list)) throw new SfApiError(400, 'JSON_PARSER_ERROR', 'records: a JSON array is required');
  if (list.length > MAX_RECORDS) throw new SfApiError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
  return list.map((r) => objectBody(r));
}

function typeOf(state: EmulatorState, rec: Record<string, unknown>, fallback?: ObjectDef): ObjectDef {
  const attrs = rec.attributes as { type?: string } | undefined;
  if (!attrs?.type && fallback) return fallback;
  const obj = attrs?.type ? state.schema.object(attrs.type) : undefined;
  if (!obj) throw new SfApiError(400, 'INVALID_TYPE', attrs?.type ? `sObject type '${attrs.type}' is not supported.` : 'Must specify a type in attributes');
  return obj;
}

/** Runs one operation per record; with allOrNone the first failure rolls back all of them. */
function runAll(
  state: EmulatorState,
  req: ApiRequest,
  allOrNone: boolean,
  ids: (string | null)[],
  op: (i: number, ctx: DmlContext) => { id: string; created?: boolean },
  withCreated: boolean,
): RecordResult[] {
  const ctx = state.apiContext(req.userId);
  const locked = state.pickLocks(req, ids);
  const failure = (i: number, e: unknown): RecordResult => {
    if (!(e instanceof DmlError)) throw e;
    return { ...(ids[i] ? { id: ids[i] } : {}), success: false, errors: e.errors, ...(withCreated ? { created: false } : {}) };
  };
  try {
    return state.transaction(ctx, () => {
      const out = ids.map((_id, i): RecordResult => {
        if (locked.has(i)) return failure(i, new DmlError([lockError()]));
        const r = state.attempt(() => op(i, ctx));
        if (!r.ok) return failure(i, r.error);
        return { id: r.value.id, success: true, errors: [], ...(withCreated ? { created: r.value.created === true } : {}) };
      });
      if (allOrNone && out.some((r) => !r.success)) throw new RollBack(out);
      return out;
    });
  } catch (e) {
    if (!(e instanceof RollBack)) throw e;
    // allOrNone: failing records keep their errors, the others say they were rolled back.
    return e.results.map((r, i) => (r.success ? { ...(ids[i] ? { id: ids[i] } : {}), success: false, errors: [rolledBack()], ...(withCreated ? { created: false } : {}) } : r));
  }
}

class RollBack extends Error {
  constructor(readonly results: RecordResult[]) {
    super('rolled back');
  }
}

const ok = (body: RecordResult[]): ApiResponse => ({ status: 200, body });

const create: Handler = (state, req) => {
  const body = objectBody(req.body);
  const recs = records(body);
  const types = recs.map((r) => typeOf(state, r));
  recs.forEach((r, i) => state.dml.checkColumns(types[i] as ObjectDef, r));
  const results = runAll(state, req, body.allOrNone === true, recs.map(() => null), (i, ctx) => ({ id: state.dml.insert(types[i] as ObjectDef, recs[i] as Record<string, unknown>, ctx) }), false);
  return ok(results.map((r, i) => (r.success && r.id ? { ...r, errors: enqueued(state, types[i] as ObjectDef, r.id) } : r)));
};

const update: Handler = (state, req) => {
  const body = objectBody(req.body);
  const recs = records(body);
  const types = recs.map((r) => typeOf(state, r));
  recs.forEach((r, i) => state.dml.checkColumns(types[i] as ObjectDef, r));
  // Field names are case-insensitive: jsforce sends the id as "id".
  const idOf = (r: Record<string, unknown>): unknown => r[Object.keys(r).find((k) => k.toLowerCase() === 'id') ?? 'Id'];
  const ids = recs.map((r) => {
    const v = idOf(r);
    return typeof v === 'string' ? (toId18(v) ?? v) : null;
  });
  return ok(
    runAll(state, req, body.allOrNone === true, ids, (i, ctx) => {
      const id = ids[i];
      if (!id) throw DmlError.of('MISSING_ARGUMENT', 'Id not specified in an update call', []);
      const fields = Object.fromEntries(Object.entries(recs[i] as Record<string, unknown>).filter(([k]) => k.toLowerCase() !== 'id'));
      state.dml.update(types[i] as ObjectDef, id, fields, ctx);
      return { id: state.dml.existing(types[i] as ObjectDef, id).Id };
    }, false),
  );
};

const upsert: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const field = state.dml.externalIdField(obj, p.field as string);
  const body = objectBody(req.body);
  const recs = records(body);
  recs.forEach((r) => {
    typeOf(state, r, obj);
    state.dml.checkColumns(obj, r);
  });
  return ok(
    runAll(state, req, body.allOrNone === true, recs.map(() => null), (i, ctx) => {
      const rec = recs[i] as Record<string, unknown>;
      const key = Object.keys(rec).find((k) => k.toLowerCase() === field.name.toLowerCase());
      const value = key ? rec[key] : undefined;
      if (value === undefined || value === null || value === '') {
        throw DmlError.of('MISSING_ARGUMENT', `${field.name} not specified`, []);
      }
      return state.dml.upsert(obj, field.name, String(value), rec, ctx);
    }, true),
  );
};

const destroy: Handler = (state, req) => {
  const ids = (req.query.ids ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ids.length > MAX_RECORDS) throw new SfApiError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
  const norm = ids.map((id) => toId18(id) ?? id);
  return ok(
    runAll(state, req, req.query.allOrNone === 'true', norm, (i, ctx) => {
      const id = norm[i] as string;
      const obj = state.schema.objectByPrefix(id.slice(0, 3));
      if (!obj || !toId18(id)) throw DmlError.of('MALFORMED_ID', `malformed id ${id}`, []);
      state.dml.delete(obj, id, ctx);
      return { id };
    }, false),
  );
};

const retrieve: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const body = req.method === 'POST' ? objectBody(req.body) : { ids: (req.query.ids ?? '').split(','), fields: (req.query.fields ?? '').split(',') };
  const ids = Array.isArray(body.ids) ? (body.ids as string[]) : [];
  const fields = Array.isArray(body.fields) ? (body.fields as string[]).filter(Boolean) : [];
  if (!fields.length) throw new SfApiError(400, 'MALFORMED_QUERY', 'The fields parameter is required');
  return {
    status: 200,
    body: ids.map((id) => {
      const id18 = toId18(id);
      const rec = id18 ? state.store.get(obj.name, id18) : undefined;
      return rec ? recordBody(state, req.version, obj, rec, fields, state.access) : null;
    }),
  };
};

export function registerCollectionRoutes(router: ApiRouter): void {
  router
    .add('POST', '/composite/sobjects', create)
    .add('PATCH', '/composite/sobjects', update)
    .add('DELETE', '/composite/sobjects', destroy)
    .add('POST', '/composite/sobjects/:type', retrieve)
    .add('GET', '/composite/sobjects/:type', retrieve)
    .add('PATCH', '/composite/sobjects/:type/:field', upsert);
}
