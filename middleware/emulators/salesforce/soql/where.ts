import type { Condition, ValueQueryCondition, WhereClause } from '@jetstreamapp/soql-parser-js';
import { SfApiError } from '../errors';
import { toId18 } from '../ids';
import type { FieldDef, ObjectDef } from '../schema/types';
import type { SfRecord } from '../store';
import { parseDateTime } from '../values';
import { queryError } from './errors';
import { type DateRange, type Literal, dateLiteralRange, isRange, unquote } from './literals';
import { type FieldPath, type PathEnv, readPath, resolvePath } from './paths';

/**
 * The parser gives WHERE as a chain with paren counts; we rebuild a tree (NOT > AND > OR)
 * and compile each condition against the schema, so type errors surface before any row is read.
 */

export type Predicate = (rec: SfRecord) => boolean;
export interface WhereEnv extends PathEnv {
  now: Date;
  alias?: string;
  /** Runs a semi-join subquery and returns its single column. */
  subquery: (q: ValueQueryCondition['valueQuery']) => unknown[];
}

type Token = { t: '(' } | { t: ')' } | { t: 'AND' } | { t: 'OR' } | { t: 'NOT' } | { t: 'cond'; c: Condition | ValueQueryCondition };

function flatten(w: WhereClause | undefined, out: Token[] = []): Token[] {
  if (!w) return out;
  const left = w.left as (Condition & { field?: string; fn?: unknown; openParen?: number; closeParen?: number }) | null;
  if (left) {
    for (let i = 0; i < (left.openParen ?? 0); i++) out.push({ t: '(' });
    if ('field' in left || 'fn' in left) out.push({ t: 'cond', c: left });
    for (let i = 0; i < (left.closeParen ?? 0); i++) out.push({ t: ')' });
  }
  const op = (w as { operator?: string }).operator;
  if (op === 'AND' || op === 'OR' || op === 'NOT') out.push({ t: op });
  flatten((w as { right?: WhereClause }).right, out);
  return out;
}

export function compileWhere(env: WhereEnv, obj: ObjectDef, where: WhereClause | undefined): Predicate {
  if (!where) return () => true;
  const tokens = flatten(where);
  let i = 0;
  const orExpr = (): Predicate => {
    const parts = [andExpr()];
    while (tokens[i]?.t === 'OR') {
      i++;
      parts.push(andExpr());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (r) => parts.some((p) => p(r));
  };
  const andExpr = (): Predicate => {
    const parts = [notExpr()];
    while (tokens[i]?.t === 'AND') {
      i++;
      parts.push(notExpr());
    }
    return parts.length === 1 ? (parts[0] as Predicate) : (r) => parts.every((p) => p(r));
  };
  const notExpr = (): Predicate => {
    if (tokens[i]?.t === 'NOT') {
      i++;
      const inner = notExpr();
      return (r) => !inner(r);
    }
    const tok = tokens[i++];
    if (tok?.t === '(') {
      const inner = orExpr();
      i++;
      return inner;
    }
    if (tok?.t === 'cond') return compileCondition(env, obj, tok.c);
    throw new SfApiError(400, 'MALFORMED_QUERY', 'unexpected token in WHERE clause');
  };
  return orExpr();
}

function compileCondition(env: WhereEnv, obj: ObjectDef, c: Condition | ValueQueryCondition): Predicate {
  if (!('field' in c)) throw queryError('MALFORMED_QUERY', env.soql, 'WHERE', 'functions in WHERE are not supported by the emulator');
  const path = resolvePath(env, obj, c.field, env.alias);
  const op = c.operator;
  let values: Literal[];
  if ('valueQuery' in c && c.valueQuery) {
    values = env.subquery(c.valueQuery).map((v) => (typeof v === 'string' ? (toId18(v) ?? v) : (v as Literal)));
  } else {
    const raw = (c as { value: string | string[] }).value;
    const types = (c as { literalType?: string | string[] }).literalType;
    const list = Array.isArray(raw) ? raw : [raw];
    values = list.map((v, k) => literal(env, path.leaf, v, Array.isArray(types) ? (types[k] as string) : (types as string)));
  }
  const cmp = comparator(path.leaf);
  return (rec) => test(op, readPath(env, rec, path), values, cmp, path);
}

function literal(env: WhereEnv, f: FieldDef, raw: string, type: string): Literal {
  const quoted = type === 'STRING';
  const expect = (kind: string, shouldQuote: boolean): void => {
    if (quoted !== shouldQuote && type !== 'NULL') {
      throw queryError('INVALID_FIELD', env.soql, raw, `value of filter criterion for field '${f.name}' must be of type ${kind} and should ${shouldQuote ? '' : 'not '}be enclosed in quotes`);
    }
  };
  if (type === 'NULL') return null;
  switch (f.type) {
    case 'date':
    case 'datetime': {
      expect(f.type === 'date' ? 'date' : 'dateTime', false);
      if (type === 'DATE_LITERAL' || type === 'DATE_N_LITERAL') {
        const r = dateLiteralRange(raw, env.now);
        if (!r) throw queryError('MALFORMED_QUERY', env.soql, raw, `unexpected token: ${raw}`);
        return r;
      }
      const d = type === 'DATE' ? new Date(`${raw}T00:00:00Z`) : parseDateTime(raw);
      if (!d || Number.isNaN(d.getTime())) throw queryError('MALFORMED_QUERY', env.soql, raw, `unexpected token: ${raw}`);
      if (f.type === 'date' && type !== 'DATE') throw queryError('INVALID_FIELD', env.soql, raw, `value of filter criterion for field '${f.name}' must be of type date and should not be enclosed in quotes`);
      return d;
    }
    case 'boolean':
      expect('boolean', false);
      return raw.toUpperCase() === 'TRUE';
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      expect(f.type === 'int' ? 'integer' : 'double', false);
      return Number(raw.replace(/^[A-Z]{3}/, ''));
    case 'id':
    case 'reference': {
      expect('string', true);
      const v = unquote(raw);
      const id = toId18(v);
      if (!id && v !== '') throw queryError('INVALID_QUERY_FILTER_OPERATOR', env.soql, raw, `invalid ID field: ${v}`);
      return id ?? '';
    }
    default:
      expect('string', true);
      return unquote(raw);
  }
}

type Cmp = (a: unknown, b: Literal) => number;

function comparator(f: FieldDef): Cmp {
  if (f.type === 'date' || f.type === 'datetime') {
    return (a, b) => toMs(f, a) - (b instanceof Date ? b.getTime() : Number(b));
  }
  if (['int', 'double', 'currency', 'percent'].includes(f.type)) return (a, b) => Number(a) - Number(b);
  if (f.type === 'boolean') return (a, b) => (a === b ? 0 : 1);
  return (a, b) => {
    const x = String(a).toLowerCase();
    const y = String(b).toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  };
}

function toMs(f: FieldDef, v: unknown): number {
  if (typeof v !== 'string') return NaN;
  return f.type === 'date' ? new Date(`${v}T00:00:00Z`).getTime() : (parseDateTime(v)?.getTime() ?? NaN);
}

function test(op: string, value: unknown, values: Literal[], cmp: Cmp, path: FieldPath): boolean {
  const eq = (b: Literal): boolean => {
    if (b === null) return value === null;
    if (value === null) return false;
    if (isRange(b)) return inRange(path, value, b);
    return cmp(value, b) === 0;
  };
  const first = values[0] as Literal;
  switch (op) {
    case '=':
      return eq(first);
    case '!=':
      return !eq(first);
    case 'IN':
      return values.some(eq);
    case 'NOT IN':
      return !values.some(eq);
    case 'LIKE':
      return value !== null && likeRegex(String(first)).test(String(value));
    case 'INCLUDES':
    case 'EXCLUDES': {
      const have = new Set(String(value ?? '').toLowerCase().split(';'));
      const any = values.some((v) => String(v).toLowerCase().split(';').every((x) => have.has(x)));
      return op === 'INCLUDES' ? value !== null && any : !any;
    }
    default: {
      if (value === null || first === null) return false;
      if (isRange(first)) {
        const ms = toMs(path.leaf, value);
        if (op === '<') return ms < first.start.getTime();
        if (op === '<=') return ms < first.end.getTime();
        if (op === '>') return ms >= first.end.getTime();
        return ms >= first.start.getTime();
      }
      const d = cmp(value, first);
      return op === '<' ? d < 0 : op === '<=' ? d <= 0 : op === '>' ? d > 0 : d >= 0;
    }
  }
}

function inRange(path: FieldPath, value: unknown, r: DateRange): boolean {
  const ms = toMs(path.leaf, value);
  return ms >= r.start.getTime() && ms < r.end.getTime();
}

function likeRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) re += (pattern[++i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 'is');
}
