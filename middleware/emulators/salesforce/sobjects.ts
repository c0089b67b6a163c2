import { type ApiRouter, type Handler, objectBody } from './api';
import { describeGlobal, describeObject } from './describe';
import { DmlError, SfApiError, notFound } from './errors';
import { toId18 } from './ids';
import type { AccessPolicy } from './access';
import type { FieldDef, ObjectDef } from './schema/types';
import type { EmulatorState } from './state';
import type { SfRecord } from './store';

/** /sobjects resources: describe, create, read, update, delete, upsert and read by external id. */

/** A record as the API shows it; with `access`, as an API user sees it (fields it may not read left out). */
export function recordBody(state: EmulatorState, version: string, obj: ObjectDef, rec: SfRecord, fields?: string[], access?: AccessPolicy): Record<string, unknown> {
  const out: Record<string, unknown> = { attributes: { type: obj.name, url: `/services/data/v${version}/sobjects/${obj.name}/${rec.Id}` } };
  const visible = (f: FieldDef): boolean => !access || access.canRead(obj, f);
  const defs = fields
    ? fields.map((name) => {
        const f = state.schema.field(obj, name);
        return f && visible(f) ? f : badField(name, obj);
      })
    : obj.fields.filter(visible);
  for (const f of defs) out[f.name] = state.reader.read(obj, rec, f);
  return out;
}

function badField(name: string, obj: ObjectDef): never {
  throw new SfApiError(400, 'INVALID_FIELD', `No such column '${name}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
}

/**
 * A published platform event is queued for delivery: its save result says so with OPERATION_ENQUEUED and
 * the event's UUID in `errors`, although `success` is true.
 */
export function enqueued(state: EmulatorState, obj: ObjectDef, id: string): Array<{ statusCode: string; message: string; fields: string[] }> {
  if (!obj.platformEvent) return [];
  return [{ statusCode: 'OPERATION_ENQUEUED', message: String(state.store.get(obj.name, id)?.EventUuid ?? ''), fields: [] }];
}

const fieldList = (q: Record<string, string>): string[] | undefined => (q.fields ? q.fields.split(',').map((s) => s.trim()).filter(Boolean) : undefined);

/** Single-record DML errors: 404 for a record that is not there, otherwise 400 with the record errors. */
function single<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof DmlError && ['INVALID_CROSS_REFERENCE_KEY', 'MALFORMED_ID', 'ENTITY_IS_DELETED'].includes(e.errors[0]?.statusCode ?? '') && e.errors[0]?.fields.includes('Id')) throw notFound();
    if (e instanceof DmlError && e.errors[0]?.statusCode === 'INVALID_CROSS_REFERENCE_KEY' && e.errors[0].fields.length === 0) throw notFound();
    throw e;
  }
}

const create: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const ctx = state.apiContext(req.userId);
  const id = state.transaction(ctx, () => state.dml.insert(obj, objectBody(req.body), ctx));
  return { status: 201, body: { id, success: true, errors: enqueued(state, obj, id) }, headers: { Location: `/services/data/v${req.version}/sobjects/${obj.name}/${id}` } };
};

const read: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const id = toId18(p.id);
  const rec = id ? state.store.get(obj.name, id) : undefined;
  if (!rec) throw notFound();
  return { status: 200, body: recordBody(state, req.version, obj, rec, fieldList(req.query), state.access) };
};

const update: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const ctx = state.apiContext(req.userId);
  single(() => state.transaction(ctx, () => state.dml.update(obj, p.id as string, objectBody(req.body), ctx)));
  return { status: 204 };
};

const destroy: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const ctx = state.apiContext(req.userId);
  single(() => state.transaction(ctx, () => state.dml.delete(obj, p.id as string, ctx)));
  return { status: 204 };
};

const upsert: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const ctx = state.apiContext(req.userId);
  const field = state.dml.externalIdField(obj, p.field as string);
  const matches = state.dml.findBy(obj, field, p.value);
  if (matches.length > 1) return { status: 300, body: matches.map((m) => `/services/data/v${req.version}/sobjects/${obj.name}/${m.Id}`) };
  if (req.query.updateOnly === 'true' && !matches.length) throw notFound();
  const result = state.transaction(ctx, () => state.dml.upsert(obj, field.name, p.value as string, objectBody(req.body), ctx));
  const withCreated = Number(req.version) >= 46;
  if (result.created) {
    return { status: 201, body: { id: result.id, success: true, errors: [], ...(withCreated ? { created: true } : {}) }, headers: { Location: `/services/data/v${req.version}/sobjects/${obj.name}/${result.id}` } };
  }
  return withCreated ? { status: 200, body: { id: result.id, success: true, errors: [], created: false } } : { status: 204 };
};

const readByExternalId: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const field = state.dml.externalIdField(obj, p.field as string);
  const matches = state.dml.findBy(obj, field, p.value);
  if (matches.length > 1) return { status: 300, body: matches.map((m) => `/services/data/v${req.version}/sobjects/${obj.name}/${m.Id}`) };
  if (!matches[0]) throw notFound();
  return { status: 200, body: recordBody(state, req.version, obj, matches[0], fieldList(req.query), state.access) };
};

const deleteByExternalId: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const field = state.dml.externalIdField(obj, p.field as string);
  const matches = state.dml.findBy(obj, field, p.value);
  if (matches.length > 1) return { status: 300, body: matches.map((m) => `/services/data/v${req.version}/sobjects/${obj.name}/${m.Id}`) };
  if (!matches[0]) throw notFound();
  const ctx = state.apiContext(req.userId);
  state.transaction(ctx, () => state.dml.delete(obj, matches[0]!.Id, ctx));
  return { status: 204 };
};

const basicInfo: Handler = (state, req, p) => {
  const obj = state.dml.requireObject(p.type as string);
  const d = describeObject(state, req.version, obj);
  const { fields: _fields, childRelationships: _children, ...objectDescribe } = d;
  return { status: 200, body: { objectDescribe, recentItems: [] } };
};

export function registerSObjectRoutes(router: ApiRouter): void {
  router
    .add('GET', '/sobjects', (state, req) => ({ status: 200, body: describeGlobal(state, req.version) }))
    .add('GET', '/sobjects/:type', basicInfo)
    .add('POST', '/sobjects/:type', create)
    .add('GET', '/sobjects/:type/describe', (state, req, p) => ({ status: 200, body: describeObject(state, req.version, state.dml.requireObject(p.type as string)) }))
    .add('GET', '/sobjects/:type/:id', read)
    .add('PATCH', '/sobjects/:type/:id', update)
    .add('DELETE', '/sobjects/:type/:id', destroy)
    .add('GET', '/sobjects/:type/:field/:value', readByExternalId)
    .add('PATCH', '/sobjects/:type/:field/:value', upsert)
    .add('DELETE', '/sobjects/:type/:field/:value', deleteByExternalId);
}
