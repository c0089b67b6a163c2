// Checks one SOQL query against the catalogue: objects, fields, relationship paths, and where each field's
// type allows it (filters, sorting, grouping, aggregate functions). Returns problems as { token, clause,
// message }; the stage turns token + clause into a line number.
import { createRequire } from 'node:module';
import { REPO_ROOT } from '../paths.mjs';
import path from 'node:path';
import { STANDARD_OBJECTS_FILE } from './catalogue.mjs';
import { withPlainBinds } from './binds.mjs';

const { parseQuery } = createRequire(path.join(REPO_ROOT, 'package.json'))('@jetstreamapp/soql-parser-js');
const STANDARD_FILE = path.relative(REPO_ROOT, STANDARD_OBJECTS_FILE);

const NUMERIC = new Set(['int', 'double', 'currency', 'percent']);
/** Types with no aggregate function at all (besides the long/rich text areas). */
const NOT_AGGREGATABLE = new Set([
  'boolean',
  'time',
  'address',
  'location',
  'encryptedstring',
  'multipicklist',
  'base64'
]);
/** Types describe reports as groupable: false. */
const NOT_GROUPABLE = new Set([
  'double',
  'currency',
  'percent',
  'datetime',
  'textarea',
  'multipicklist',
  'encryptedstring',
  'address',
  'location',
  'time',
  'base64'
]);
const DATE_FUNCTIONS =
  /^(CALENDAR_MONTH|CALENDAR_QUARTER|CALENDAR_YEAR|DAY_IN_MONTH|DAY_IN_WEEK|DAY_IN_YEAR|DAY_ONLY|FISCAL_MONTH|FISCAL_QUARTER|FISCAL_YEAR|HOUR_IN_DAY|WEEK_IN_MONTH|WEEK_IN_YEAR)$/i;
const AGGREGATES = /^(COUNT|COUNT_DISTINCT|SUM|AVG|MIN|MAX)$/i;

/** What a field is, in words, when its type forbids a use; undefined when nothing special. */
function unfilterableKind(field) {
  if (field.textKind === 'long' || (field.type === 'textarea' && (field.length ?? 255) > 255 && !field.textKind)) {
    return 'a long text area';
  }
  if (field.textKind === 'rich') return 'a rich text area';
  if (field.type === 'encryptedstring') return 'an encrypted field';
  if (field.type === 'address' || field.type === 'location') return `a compound ${field.type} field`;
  return undefined;
}

const CLAUSE_NAMES = { where: 'WHERE', having: 'HAVING', orderBy: 'ORDER BY', groupBy: 'GROUP BY' };

/**
 * @param {string} soql query text from Apex (without the brackets)
 * @param {import('./catalogue.mjs').Catalogue} catalogue
 * @returns {{ parseError?: string, problems: Array<{ token: string, clause?: string, message: string }> }}
 */
export function checkQuery(soql, catalogue) {
  let ast;
  try {
    // ignoreParseErrors given explicitly: otherwise the library builds a new parser for every query (slow).
    ast = parseQuery(withPlainBinds(soql), { allowApexBindVariables: true, ignoreParseErrors: false });
  } catch (err) {
    return { parseError: String(err.message).split('\n')[0].slice(0, 300), problems: [] };
  }
  const problems = [];
  checkSelect(ast, undefined, catalogue, problems);
  return { problems };
}

/** A query (top level, semi-join or child subquery). `parent` is set for a child subquery. */
function checkSelect(query, parent, catalogue, problems) {
  let obj;
  if (parent) {
    obj = catalogue.child(parent, query.relationshipName);
    if (!obj) {
      const hint = catalogue.object(query.relationshipName)
        ? ` (${query.relationshipName} is an object: a subquery names the child relationship, e.g. the plural or a __r name)`
        : '';
      problems.push({
        token: query.relationshipName,
        message: `unknown child relationship "${query.relationshipName}" on ${parent.name}${hint}`
      });
      return;
    }
  } else {
    obj = catalogue.object(query.sObject);
    if (!obj) {
      const fix = query.sObject.endsWith('__c')
        ? `objects/${query.sObject}/${query.sObject}.object-meta.xml defines it`
        : `if it is a standard object, add it to ${STANDARD_FILE}`;
      problems.push({ token: query.sObject, message: `unknown object "${query.sObject}" in FROM (${fix})` });
      return;
    }
  }
  const ctx = { obj, alias: query.sObjectAlias, catalogue, problems };
  for (const item of query.fields ?? []) checkSelectItem(item, ctx, catalogue, problems);
  walkCondition(query.where, 'where', ctx);
  walkCondition(query.having, 'having', ctx);
  for (const g of [query.groupBy ?? []].flat()) {
    if (g.field) use(ctx, g.field, 'groupBy');
    if (g.fn) checkFunction(g.fn, ctx, 'groupBy');
  }
  for (const o of query.orderBy ?? []) {
    if (o.field) use(ctx, o.field, 'orderBy');
    if (o.fn) checkFunction(o.fn, ctx, 'orderBy');
  }
}

function checkSelectItem(item, ctx, catalogue, problems) {
  switch (item.type) {
    case 'Field':
      use(ctx, item.field, 'select');
      break;
    case 'FieldRelationship':
      use(ctx, item.rawValue ?? [...item.relationships, item.field].join('.'), 'select');
      break;
    case 'FieldFunctionExpression':
      checkFunction(item, ctx, 'select');
      break;
    case 'FieldSubquery':
      checkSelect(item.subquery, ctx.obj, catalogue, problems);
      break;
    case 'FieldTypeof':
      checkTypeof(item, ctx);
      break;
    default:
      break;
  }
}

/** TYPEOF What WHEN Account THEN Name ... : each WHEN object and its fields. */
function checkTypeof(item, ctx) {
  const rel = ctx.catalogue.parent(ctx.obj, item.field);
  if (!rel) {
    ctx.problems.push({
      token: item.field,
      clause: 'select',
      message: `unknown relationship "${item.field}" on ${ctx.obj.name}`
    });
    return;
  }
  for (const cond of item.conditions) {
    const target = cond.objectType ? ctx.catalogue.object(cond.objectType) : rel.target;
    if (!target) {
      ctx.problems.push({
        token: cond.objectType,
        clause: 'select',
        message: `unknown object "${cond.objectType}" in TYPEOF`
      });
      continue;
    }
    for (const name of cond.fieldList) use({ ...ctx, obj: target, alias: undefined }, name, 'select');
  }
}

function walkCondition(node, clause, ctx) {
  for (let n = node; n; n = n.right) {
    const left = n.left;
    if (left?.field) use(ctx, left.field, clause);
    if (left?.fn) checkFunction(left.fn, ctx, clause);
    if (left?.valueQuery) checkSelect(left.valueQuery, undefined, ctx.catalogue, ctx.problems);
  }
}

function checkFunction(fn, ctx, clause) {
  const name = String(fn.functionName ?? fn.fn ?? '');
  // FIELDS(STANDARD) names no field; DISTANCE/GEOLOCATION take coordinates and units (not checked).
  if (/^(FIELDS|DISTANCE|GEOLOCATION)$/i.test(name)) return;
  const params = (fn.parameters ?? []).filter((p) => p !== undefined);
  // ROLLUP(f)/CUBE(f) group by f itself; a date function in GROUP BY groups a date/time, which is allowed.
  const paramClause = AGGREGATES.test(name)
    ? 'aggregate'
    : clause === 'groupBy' && !/^(ROLLUP|CUBE)$/i.test(name)
      ? 'groupByFunction'
      : clause;
  for (const p of params) {
    if (typeof p === 'object') {
      checkFunction(p, ctx, clause);
      continue;
    }
    const field = use(ctx, p, paramClause);
    if (!field) continue;
    const where = `${name}(${p})`;
    const kind = unfilterableKind(field);
    if (AGGREGATES.test(name)) {
      const upper = name.toUpperCase();
      const numericOnly = upper === 'SUM' || upper === 'AVG';
      if (numericOnly && !NUMERIC.has(field.type)) {
        ctx.problems.push({
          token: p,
          clause,
          message: `${upper}() needs a number, currency or percent field; ${describe(ctx, p)} is ${field.type} (use COUNT, MIN or MAX, or a numeric field)`
        });
      } else if (NOT_AGGREGATABLE.has(field.type) || kind) {
        ctx.problems.push({
          token: p,
          clause,
          message: `${where}: ${describe(ctx, p)} is ${kind ?? field.type} and no aggregate function accepts it`
        });
      }
    } else if (DATE_FUNCTIONS.test(name) && field.type !== 'date' && field.type !== 'datetime') {
      ctx.problems.push({
        token: p,
        clause,
        message: `${where}: ${describe(ctx, p)} is ${field.type}; date functions need a date or date/time field`
      });
    }
  }
}

const describe = (ctx, token) => `${ctx.obj.name}.${stripAlias(ctx, token)}`;

function stripAlias(ctx, token) {
  const parts = token.split('.');
  const first = parts[0].toLowerCase();
  if (parts.length > 1 && (first === ctx.alias?.toLowerCase() || first === ctx.obj.name.toLowerCase())) {
    // `Opportunity.Name` FROM Opportunity is the object's own field, unless Opportunity is also a relationship.
    if (first === ctx.alias?.toLowerCase() || !ctx.catalogue.parent(ctx.obj, parts[0])) return parts.slice(1).join('.');
  }
  return token;
}

/**
 * Resolves a field path on the query's object and checks it may be used in `clause`. Returns the field, or
 * undefined after recording why not.
 */
function use(ctx, token, clause) {
  const parts = stripAlias(ctx, token).split('.');
  let obj = ctx.obj;
  for (const rel of parts.slice(0, -1)) {
    const found = ctx.catalogue.parent(obj, rel);
    if (!found) {
      const field = ctx.catalogue.field(obj, rel);
      const hint =
        field?.type === 'reference'
          ? ` (${rel} is the id field; use its relationship name ${field.relationshipName ?? rel.replace(/__c$/, '__r')})`
          : '';
      ctx.problems.push({ token, clause, message: `unknown relationship "${rel}" on ${obj.name} in ${token}${hint}` });
      return undefined;
    }
    if (!found.target) {
      ctx.problems.push({
        token,
        clause,
        message: `relationship ${obj.name}.${rel} points at ${found.field.referenceTo?.[0]}, which is not in the catalogue (add it to ${STANDARD_FILE})`
      });
      return undefined;
    }
    obj = found.target;
  }
  const name = parts.at(-1);
  const field = ctx.catalogue.field(obj, name);
  if (!field) {
    const elsewhere = ctx.catalogue
      .objectsWithField(name, obj)
      .filter((o) => name.endsWith('__c') || ctx.catalogue.object(o)?.custom);
    const hint = elsewhere.length
      ? ` (${name} is a field of ${elsewhere.slice(0, 3).join(', ')})`
      : name.endsWith('__c')
        ? ` (objects/${obj.name}/fields/${name}.field-meta.xml defines it)`
        : ` (if it is a standard field, add it to ${STANDARD_FILE})`;
    ctx.problems.push({
      token,
      clause,
      message: `no field "${name}" on ${obj.name}${parts.length > 1 ? ` (in ${token})` : ''}${hint}`
    });
    return undefined;
  }
  const kind = unfilterableKind(field);
  const where = CLAUSE_NAMES[clause] ?? (clause === 'groupByFunction' ? 'GROUP BY' : undefined);
  if (kind && where) {
    const fix =
      clause === 'where' || clause === 'having'
        ? 'filter on another field, or select it and test it in Apex'
        : clause === 'orderBy'
          ? 'sort on another field'
          : 'group on another field';
    ctx.problems.push({
      token,
      clause,
      message: `${obj.name}.${field.name} is ${kind} and cannot be used in ${where}: ${fix}`
    });
  } else if (clause === 'groupBy' && (NOT_GROUPABLE.has(field.type) || field.formula || field.rollup)) {
    const what = field.formula ? 'a formula field' : field.rollup ? 'a roll-up summary field' : `of type ${field.type}`;
    ctx.problems.push({
      token,
      clause,
      message: `${obj.name}.${field.name} is ${what} and cannot be grouped: GROUP BY another field (a date function such as CALENDAR_MONTH() groups a date/time)`
    });
  }
  return field;
}
