/** Runs a parsed QBO query against one realm and shapes the QueryResponse as QBO does. */
import { faults } from './faults';
import { clone, readPath, type Entity } from './json';
import { findEntity } from './entities/registry';
import type { EntityContext } from './entities/context';
import type { EntityDef } from './entities/types';
import { parseQuery, type Condition, type QueryValue } from './query-parser';

const DATE_LIKE = /^\d{4}-\d{2}-\d{2}/;

function resolveField(def: EntityDef, field: string): string {
  if (!def.queryable) return field;
  const match = def.queryable.find((q) => q.toLowerCase() === field.toLowerCase());
  if (!match) throw faults.invalidQuery(`property '${field}' is not queryable`);
  return match;
}

function compare(actual: unknown, literal: QueryValue, caseInsensitive: boolean): number | undefined {
  if (actual === undefined || actual === null) return undefined;
  if (typeof actual === 'boolean') {
    const b = typeof literal === 'boolean' ? literal : String(literal).toLowerCase() === 'true';
    return actual === b ? 0 : actual ? 1 : -1;
  }
  if (typeof actual === 'number') {
    const n = Number(literal);
    return Number.isNaN(n) ? undefined : Math.sign(actual - n);
  }
  const a = String(actual);
  const l = String(literal);
  if (DATE_LIKE.test(a) && DATE_LIKE.test(l)) {
    const da = Date.parse(a.length === 10 ? `${a}T00:00:00Z` : a);
    const dl = Date.parse(l.length === 10 ? `${l}T00:00:00Z` : l);
    if (!Number.isNaN(da) && !Number.isNaN(dl)) return Math.sign(da - dl);
  }
  if (/^\d+$/.test(a) && /^\d+$/.test(l)) return Math.sign(Number(a) - Number(l));
  const x = caseInsensitive ? a.toLowerCase() : a;
  const y = caseInsensitive ? l.toLowerCase() : l;
  return x === y ? 0 : x < y ? -1 : 1;
}

function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const body = pattern.split('%').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, caseInsensitive ? 'is' : 's');
}

function matches(record: Entity, condition: Condition, caseInsensitive: boolean): boolean {
  const actual = readPath(record, condition.field);
  const [first] = condition.values;
  switch (condition.op) {
    case 'IN':
      return condition.values.some((v) => compare(actual, v, caseInsensitive) === 0);
    case 'LIKE':
      return actual !== undefined && likeToRegExp(String(first), caseInsensitive).test(String(actual));
    default: {
      const c = compare(actual, first!, caseInsensitive);
      if (c === undefined) return false;
      return { '=': c === 0, '!=': c !== 0, '<': c < 0, '>': c > 0, '<=': c <= 0, '>=': c >= 0 }[condition.op];
    }
  }
}

/** Returns the `QueryResponse` object (without `time`). */
export function executeQuery(ctx: EntityContext, text: string): Entity {
  const query = parseQuery(text);
  const def = findEntity(query.entity);
  if (!def) throw faults.invalidQuery(`invalid context declaration: ${query.entity}`);
  const where = query.where.map((c) => ({ ...c, field: resolveField(def, c.field) }));
  const refusedIn = where.find((c) => c.op === 'IN' && ctx.options.inRefusedOn.some((f) => f.toLowerCase() === c.field.toLowerCase()));
  if (refusedIn) throw faults.invalidQuery(`operator IN is not supported for property '${refusedIn.field}'`);
  const ci = ctx.options.caseInsensitiveStringMatch;
  let rows: Entity[] = ctx.store.scan(def.name).filter((r) => where.every((c) => matches(r, c, ci)));
  const mentionsActive = where.some((c) => c.field.toLowerCase() === 'active');
  if (def.kind === 'list' && !mentionsActive) rows = rows.filter((r) => r.Active !== false);
  if (query.select.kind === 'count') return { totalCount: rows.length };
  const order = query.orderBy.length ? query.orderBy : [{ field: 'Id', desc: false }];
  rows.sort((a, b) => {
    for (const o of order) {
      const c = compare(readPath(a, o.field), readPath(b, o.field) as QueryValue, ci) ?? 0;
      if (c !== 0) return o.desc ? -c : c;
    }
    return 0;
  });
  const start = query.startPosition ?? 1;
  const max = query.maxResults ?? ctx.options.defaultMaxResults;
  // Only the page that is answered is copied out of the store.
  let page = rows.slice(start - 1, start - 1 + max).map((r) => clone(r));
  if (page.length === 0) return {};
  const select = query.select;
  if (select.kind === 'fields') {
    page = page.map((r) => {
      const out: Entity = { domain: 'QBO', sparse: true };
      for (const f of select.fields) {
        const key = Object.keys(r).find((k) => k.toLowerCase() === f.toLowerCase());
        if (key) out[key] = r[key];
      }
      return out;
    });
  }
  return { [def.name]: page, startPosition: start, maxResults: page.length };
}
