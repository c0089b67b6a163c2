import type { FieldFunctionExpression, Query } from '@jetstreamapp/soql-parser-js';
import type { ObjectDef } from '../schema/types';
import type { SfRecord } from '../store';
import { malformed } from './errors';
import { type FieldPath, type PathEnv, readPath, resolvePath } from './paths';
import type { QueryOutput, Row } from './output';

/** COUNT() and the simple aggregate functions, with optional GROUP BY on plain fields. */

export function isAggregateQuery(q: Query): boolean {
  const hasFn = (q.fields ?? []).some((f) => f.type === 'FieldFunctionExpression' && f.isAggregateFn);
  return hasFn || q.groupBy !== undefined;
}

export function aggregateRows(penv: PathEnv, obj: ObjectDef, q: Query, rows: SfRecord[]): QueryOutput {
  const fields = q.fields ?? [];
  const only = fields[0];
  if (fields.length === 1 && only?.type === 'FieldFunctionExpression' && only.functionName.toUpperCase() === 'COUNT' && only.parameters.length === 0) {
    const start = q.offset ?? 0;
    const n = Math.max(0, Math.min(rows.length - start, q.limit ?? Infinity));
    return { totalSize: n, rows: [] };
  }
  const groupBy = q.groupBy ? (Array.isArray(q.groupBy) ? q.groupBy : [q.groupBy]) : [];
  const groupPaths = groupBy.map((g) => {
    if (!('field' in g)) throw malformed(penv.soql, 'GROUP', 'GROUP BY functions are not supported by the emulator');
    return resolvePath(penv, obj, g.field, q.sObjectAlias);
  });
  const groups = new Map<string, SfRecord[]>();
  for (const r of rows) {
    const key = JSON.stringify(groupPaths.map((p) => readPath(penv, r, p)));
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  if (!groupPaths.length && !groups.size) groups.set('[]', []);
  let expr = 0;
  const columns = fields.map((f) => {
    if (f.type === 'Field') return { name: f.alias ?? resolvePath(penv, obj, f.field, q.sObjectAlias).leaf.name, path: resolvePath(penv, obj, f.field, q.sObjectAlias) };
    if (f.type === 'FieldFunctionExpression' && f.isAggregateFn) return { name: f.alias ?? `expr${expr++}`, fn: f, path: fnPath(penv, obj, f, q.sObjectAlias) };
    throw malformed(penv.soql, 'SELECT', 'unsupported aggregate select item');
  });
  const out: Row[] = [];
  for (const group of groups.values()) {
    const row: Row = { attributes: { type: 'AggregateResult' } };
    for (const c of columns) {
      row[c.name] = 'fn' in c && c.fn ? applyFn(penv, c.fn.functionName.toUpperCase(), group, c.path) : group[0] && c.path ? readPath(penv, group[0], c.path) : null;
    }
    out.push(row);
  }
  const start = q.offset ?? 0;
  const limited = out.slice(start, q.limit === undefined ? undefined : start + q.limit);
  return { totalSize: limited.length, rows: limited };
}

function fnPath(penv: PathEnv, obj: ObjectDef, f: FieldFunctionExpression, alias?: string): FieldPath | undefined {
  const p = f.parameters[0];
  return typeof p === 'string' ? resolvePath(penv, obj, p, alias) : undefined;
}

function applyFn(penv: PathEnv, fn: string, rows: SfRecord[], path: FieldPath | undefined): unknown {
  if (fn === 'COUNT' && !path) return rows.length;
  const values = path ? rows.map((r) => readPath(penv, r, path)).filter((v) => v !== null && v !== undefined) : [];
  switch (fn) {
    case 'COUNT':
      return values.length;
    case 'COUNT_DISTINCT':
      return new Set(values.map((v) => String(v).toLowerCase())).size;
    case 'SUM':
      return values.length ? values.reduce<number>((s, v) => s + Number(v), 0) : null;
    case 'AVG':
      return values.length ? values.reduce<number>((s, v) => s + Number(v), 0) / values.length : null;
    case 'MIN':
    case 'MAX': {
      if (!values.length) return null;
      const sorted = [...values].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a) < String(b) ? -1 : 1));
      return fn === 'MIN' ? sorted[0] : sorted[sorted.length - 1];
    }
    default:
      throw malformed(penv.soql, fn, `unsupported aggregate function ${fn}`);
  }
}
