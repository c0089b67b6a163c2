import {
  type FieldType,
  type OrderByClause,
  type Query,
  type Subquery,
  parseQuery,
} from '@jetstreamapp/soql-parser-js';
import type { ObjectDef } from '../schema/types';
import type { SfRecord } from '../store';
import { aggregateRows, isAggregateQuery } from './aggregate';
import { badChildRelationship, malformed, notQueryable, unsupportedType } from './errors';
import { type FieldPath, type PathEnv, readPath, resolvePath } from './paths';
import type { QueryOutput, Row } from './output';
import { compileWhere } from './where';

export interface QueryEnv extends Omit<PathEnv, 'soql'> {
  now: Date;
  /** API version as in the URL without the v: "59.0". */
  version: string;
}

export type { QueryOutput, Row } from './output';

/** Parses and runs a SOQL query, returning every row (paging is the caller's job). */
export function runQuery(env: QueryEnv, soql: string, includeDeleted: boolean): QueryOutput {
  let q: Query;
  try {
    q = parseQuery(soql);
  } catch (e) {
    const found = /but found:? --?>? ?'([^']*)'/.exec((e as Error).message)?.[1] ?? '';
    throw malformed(soql, found || soql.trim().split(/\s+/).pop() || '', `unexpected token: ${found ? `'${found}'` : '<EOF>'}`);
  }
  const penv: PathEnv = { ...env, soql };
  const obj = q.sObject ? env.schema.object(q.sObject) : undefined;
  if (!obj) throw unsupportedType(soql, q.sObject ?? '');
  if (obj.platformEvent) throw notQueryable(soql, obj.name);
  const rows = select(env, penv, obj, q, env.store.all(obj.name, includeDeleted), includeDeleted);
  if (isAggregateQuery(q)) return aggregateRows(penv, obj, q, rows);
  const ordered = page(sortRows(penv, obj, rows, q.orderBy, q.sObjectAlias), q.offset, q.limit);
  const builders = compileFields(env, penv, obj, q.fields ?? [], q.sObjectAlias, includeDeleted);
  return { totalSize: ordered.length, rows: ordered.map((r) => buildRow(env, obj, r, builders)) };
}

function select(env: QueryEnv, penv: PathEnv, obj: ObjectDef, q: Query | Subquery, rows: SfRecord[], includeDeleted: boolean): SfRecord[] {
  const pred = compileWhere(
    {
      ...penv,
      now: env.now,
      ...(q.sObjectAlias ? { alias: q.sObjectAlias } : {}),
      subquery: (sub) => semiJoin(env, penv.soql, sub, includeDeleted),
    },
    obj,
    q.where,
  );
  return rows.filter(pred);
}

function semiJoin(env: QueryEnv, soql: string, sub: Query, includeDeleted: boolean): unknown[] {
  const obj = sub.sObject ? env.schema.object(sub.sObject) : undefined;
  if (!obj) throw unsupportedType(soql, sub.sObject ?? '');
  const penv: PathEnv = { ...env, soql };
  const fieldName = sub.fields?.[0] && 'field' in sub.fields[0] ? (sub.fields[0] as { field: string }).field : 'Id';
  const path = resolvePath(penv, obj, fieldName);
  return select(env, penv, obj, sub, env.store.all(obj.name, includeDeleted), includeDeleted).map((r) => readPath(penv, r, path));
}

function page<T>(rows: T[], offset?: number, limit?: number): T[] {
  const start = offset ?? 0;
  return rows.slice(start, limit === undefined ? undefined : start + limit);
}

export function sortRows(penv: PathEnv, obj: ObjectDef, rows: SfRecord[], orderBy: OrderByClause | OrderByClause[] | undefined, alias?: string): SfRecord[] {
  const clauses = orderBy ? (Array.isArray(orderBy) ? orderBy : [orderBy]) : [];
  if (!clauses.length) return rows;
  const keys = clauses.map((c) => {
    if (!('field' in c)) throw malformed(penv.soql, 'ORDER', 'ORDER BY functions are not supported by the emulator');
    const path = resolvePath(penv, obj, c.field, alias);
    const desc = c.order === 'DESC';
    const nullsFirst = c.nulls ? c.nulls === 'FIRST' : !desc;
    return { path, desc, nullsFirst };
  });
  const decorated = rows.map((r) => ({ r, v: keys.map((k) => readPath(penv, r, k.path)) }));
  decorated.sort((a, b) => {
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const x = a.v[i];
      const y = b.v[i];
      if (x === y) continue;
      if (x === null) return k.nullsFirst ? -1 : 1;
      if (y === null) return k.nullsFirst ? 1 : -1;
      const d = compareValues(x, y);
      if (d !== 0) return k.desc ? -d : d;
    }
    return 0;
  });
  return decorated.map((d) => d.r);
}

function compareValues(x: unknown, y: unknown): number {
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'boolean' && typeof y === 'boolean') return Number(x) - Number(y);
  const a = String(x).toLowerCase();
  const b = String(y).toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

type Builder =
  | { kind: 'path'; path: FieldPath }
  | { kind: 'child'; name: string; child: ObjectDef; fk: string; q: Subquery; builders: Builder[]; soql: string };

const PASS_THROUGH_FUNCTIONS = new Set(['TOLABEL', 'FORMAT', 'CONVERTCURRENCY']);

function compileFields(env: QueryEnv, penv: PathEnv, obj: ObjectDef, fields: FieldType[], alias: string | undefined, includeDeleted: boolean): Builder[] {
  const out: Builder[] = [];
  for (const f of fields) {
    if (f.type === 'Field' || f.type === 'FieldRelationship') {
      const raw = f.type === 'Field' ? f.field : [...f.relationships, f.field].join('.');
      out.push({ kind: 'path', path: resolvePath(penv, obj, raw, alias) });
    } else if (f.type === 'FieldFunctionExpression' && PASS_THROUGH_FUNCTIONS.has(f.functionName.toUpperCase()) && typeof f.parameters[0] === 'string') {
      out.push({ kind: 'path', path: resolvePath(penv, obj, f.parameters[0], alias) });
    } else if (f.type === 'FieldSubquery') {
      const rel = env.schema.childRelationship(obj, f.subquery.relationshipName);
      if (!rel) throw badChildRelationship(penv.soql, f.subquery.relationshipName);
      const child = env.schema.object(rel.childSObject) as ObjectDef;
      out.push({ kind: 'child', name: rel.relationshipName, child, fk: rel.field, q: f.subquery, builders: compileFields(env, penv, child, f.subquery.fields ?? [], f.subquery.sObjectPrefix?.[0], includeDeleted), soql: penv.soql });
    } else {
      throw malformed(penv.soql, 'SELECT', `the emulator does not support this select item: ${JSON.stringify(f)}`);
    }
  }
  return out;
}

export function attributes(env: QueryEnv, obj: ObjectDef, id: string): { type: string; url: string } {
  return { type: obj.name, url: `/services/data/v${env.version}/sobjects/${obj.name}/${id}` };
}

function buildRow(env: QueryEnv, obj: ObjectDef, rec: SfRecord, builders: Builder[]): Row {
  const row: Row = { attributes: attributes(env, obj, rec.Id) };
  for (const b of builders) {
    if (b.kind === 'child') {
      row[b.name] = childResult(env, rec, b);
      continue;
    }
    setPath(env, row, rec, b.path);
  }
  return row;
}

function setPath(env: QueryEnv, row: Row, rec: SfRecord, path: FieldPath): void {
  let target = row;
  let current: SfRecord | undefined = rec;
  for (const hop of path.hops) {
    const id: unknown = current[hop.field.name];
    current = typeof id === 'string' ? env.store.get(hop.target.name, id) : undefined;
    if (!current) {
      if (!(hop.relationshipName in target)) target[hop.relationshipName] = null;
      return;
    }
    const existing = target[hop.relationshipName] as Row | null | undefined;
    if (!existing) target[hop.relationshipName] = { attributes: attributes(env, hop.target, current.Id) };
    target = target[hop.relationshipName] as Row;
  }
  target[path.leaf.name] = env.reader.read(path.leafObject, current, path.leaf);
}

function childResult(env: QueryEnv, parent: SfRecord, b: Extract<Builder, { kind: 'child' }>): unknown {
  const penv: PathEnv = { ...env, soql: b.soql };
  const candidates = env.store.all(b.child.name).filter((c) => c[b.fk] === parent.Id);
  const rows = page(sortRows(penv, b.child, select(env, penv, b.child, b.q, candidates, false), b.q.orderBy), b.q.offset, b.q.limit);
  if (!rows.length) return null;
  return { totalSize: rows.length, done: true, records: rows.map((r) => buildRow(env, b.child, r, b.builders)) };
}
