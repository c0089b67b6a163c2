import type { FieldDef } from './schema/types';

/**
 * A small formula evaluator: the simple formula fields (IF, CASE, ISPICKVAL, TODAY, arithmetic, text) and
 * validation rules (ISCHANGED, ISNEW, PRIORVALUE, MOD, `$Permission`, `$Setup`). A formula field it does
 * not understand reads as null; a validation rule it does not understand stops the emulator at start
 * (see `compileFormula` and validation-rules.ts).
 */

type Value = string | number | boolean | Date | null;
type Node =
  | { k: 'lit'; v: Value }
  | { k: 'ref'; name: string }
  | { k: 'call'; name: string; args: Node[] }
  | { k: 'bin'; op: string; l: Node; r: Node }
  | { k: 'un'; op: string; e: Node };

const TOKEN = /\s*(?:(\/\*[\s\S]*?\*\/)|(\d+(?:\.\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_$][\w.$]*)|(<>|!=|==|<=|>=|&&|\|\||[-+*/&=<>!(),^]))/y;

function tokenize(src: string): string[] {
  const out: string[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < src.length && (m = TOKEN.exec(src))) {
    if (m[1]) continue;
    out.push(m[0].trim());
  }
  if (src.slice(TOKEN.lastIndex).trim()) throw new Error('formula syntax');
  return out;
}

const PRECEDENCE: Record<string, number> = { '||': 1, '&&': 2, '=': 3, '==': 3, '!=': 3, '<>': 3, '<': 4, '>': 4, '<=': 4, '>=': 4, '+': 5, '-': 5, '&': 5, '*': 6, '/': 6, '^': 7 };

function parse(tokens: string[]): Node {
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const expect = (t: string): void => {
    if (tokens[i++] !== t) throw new Error(`expected ${t}`);
  };
  const primary = (): Node => {
    const t = tokens[i++];
    if (t === undefined) throw new Error('unexpected end');
    if (t === '(') {
      const e = expr(0);
      expect(')');
      return e;
    }
    if (t === '-' || t === '!') return { k: 'un', op: t, e: primary() };
    if (/^\d/.test(t)) return { k: 'lit', v: Number(t) };
    if (/^['"]/.test(t)) return { k: 'lit', v: t.slice(1, -1).replace(/\\(.)/g, '$1') };
    const upper = t.toUpperCase();
    if (upper === 'TRUE' || upper === 'FALSE') return { k: 'lit', v: upper === 'TRUE' };
    if (upper === 'NULL') return { k: 'lit', v: null };
    if (peek() === '(') {
      i++;
      const args: Node[] = [];
      while (peek() !== ')') {
        args.push(expr(0));
        if (peek() === ',') i++;
      }
      i++;
      return { k: 'call', name: upper, args };
    }
    return { k: 'ref', name: t };
  };
  const expr = (min: number): Node => {
    let left = primary();
    for (;;) {
      const op = peek();
      const p = op ? PRECEDENCE[op] : undefined;
      if (!op || p === undefined || p <= min) return left;
      i++;
      left = { k: 'bin', op, l: left, r: expr(p) };
    }
  };
  const node = expr(0);
  if (i !== tokens.length) throw new Error('trailing tokens');
  return node;
}

const DAY = 86_400_000;
const isBlank = (v: Value): boolean => v === null || v === '';
const toDate = (v: Value): Date | null => (v instanceof Date ? v : typeof v === 'string' && /^\d{4}-\d{2}-\d{2}/.test(v) ? new Date(`${v.slice(0, 10)}T00:00:00Z`) : null);

/** What a formula reads: field values (and `$` globals), the record's prior values, and the clock. */
export interface FormulaEnv {
  ref(name: string): unknown;
  /** The value before this save; absent when the formula is not a validation rule. */
  prior?(name: string): unknown;
  /** True while inserting (ISNEW); a formula field is never new. */
  isNew?: boolean;
  now: Date;
}

function evaluate(n: Node, env: FormulaEnv): Value {
  const ev = (x: Node): Value => evaluate(x, env);
  switch (n.k) {
    case 'lit':
      return n.v;
    case 'ref':
      return (env.ref(n.name) ?? null) as Value;
    case 'un': {
      const v = ev(n.e);
      return n.op === '-' ? (v === null ? null : -Number(v)) : !v;
    }
    case 'bin':
      return binary(n.op, ev(n.l), ev(n.r));
    case 'call':
      return call(n.name, n.args, ev, env);
  }
}

/** ISCHANGED and PRIORVALUE take a field, not a value. */
function fieldArg(name: string, args: Node[]): string {
  const arg = args[0];
  if (args.length !== 1 || arg?.k !== 'ref') throw new Error(`${name} takes one field`);
  return arg.name;
}

/** Blank text and null are the same to a formula; numbers, dates and text compare by value. */
function sameValue(a: unknown, b: unknown): boolean {
  const norm = (v: unknown): unknown => (v === undefined || v === '' ? null : v);
  return norm(a) === norm(b) || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9);
}

function binary(op: string, l: Value, r: Value): Value {
  if (op === '&') return `${l ?? ''}${r ?? ''}`;
  if (op === '&&') return Boolean(l) && Boolean(r);
  if (op === '||') return Boolean(l) || Boolean(r);
  const ld = toDate(l);
  const rd = toDate(r);
  if (['=', '==', '!=', '<>', '<', '>', '<=', '>='].includes(op)) {
    const a = ld && rd ? ld.getTime() : l;
    const b = ld && rd ? rd.getTime() : r;
    const eq = (a ?? '') === (b ?? '');
    if (op === '=' || op === '==') return eq;
    if (op === '!=' || op === '<>') return !eq;
    if (a === null || b === null) return null;
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }
  if (l === null || r === null) return null;
  if (op === '-' && ld && rd) return Math.round((ld.getTime() - rd.getTime()) / DAY);
  if ((op === '+' || op === '-') && ld && typeof r === 'number') return new Date(ld.getTime() + (op === '+' ? r : -r) * DAY);
  const a = Number(l);
  const b = Number(r);
  return op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? (b === 0 ? null : a / b) : a ** b;
}

function call(name: string, args: Node[], ev: (n: Node) => Value, env: FormulaEnv): Value {
  const a = (i: number): Value => (args[i] ? ev(args[i] as Node) : null);
  const now = env.now;
  switch (name) {
    case 'ISNEW':
      return env.isNew === true;
    case 'ISCHANGED': {
      const field = fieldArg(name, args);
      if (env.isNew || !env.prior) return false;
      return !sameValue(env.ref(field), env.prior(field));
    }
    case 'PRIORVALUE': {
      // On insert there is no prior value: the formula sees the current one.
      const field = fieldArg(name, args);
      return ((env.isNew || !env.prior ? env.ref(field) : env.prior(field)) ?? null) as Value;
    }
    case 'MOD': {
      const x = a(0);
      const y = a(1);
      if (x === null || y === null || Number(y) === 0) return null;
      return Number(x) % Number(y);
    }
    case 'IF':
      return a(0) ? a(1) : a(2);
    case 'AND':
      return args.every((x) => Boolean(ev(x)));
    case 'OR':
      return args.some((x) => Boolean(ev(x)));
    case 'NOT':
      return !a(0);
    case 'ISBLANK':
    case 'ISNULL':
      return isBlank(a(0));
    case 'BLANKVALUE':
    case 'NULLVALUE':
      return isBlank(a(0)) ? a(1) : a(0);
    case 'ISPICKVAL':
      return a(0) === a(1);
    case 'CASE': {
      const v = a(0);
      for (let i = 1; i + 1 < args.length; i += 2) if (ev(args[i] as Node) === v) return ev(args[i + 1] as Node);
      return args.length % 2 === 0 ? ev(args[args.length - 1] as Node) : null;
    }
    case 'TEXT': {
      const v = a(0);
      return v === null ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
    }
    case 'VALUE':
      return a(0) === null ? null : Number(a(0));
    case 'TODAY':
      return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    case 'NOW':
      return now;
    case 'DATEVALUE':
      return toDate(a(0));
    case 'ROUND': {
      const f = 10 ** Number(a(1) ?? 0);
      return a(0) === null ? null : Math.round(Number(a(0)) * f) / f;
    }
    case 'ABS':
      return a(0) === null ? null : Math.abs(Number(a(0)));
    case 'FLOOR':
      return a(0) === null ? null : Math.floor(Number(a(0)));
    case 'CEILING':
      return a(0) === null ? null : Math.ceil(Number(a(0)));
    case 'MAX':
      return Math.max(...args.map((x) => Number(ev(x))));
    case 'MIN':
      return Math.min(...args.map((x) => Number(ev(x))));
    case 'LEN':
      return String(a(0) ?? '').length;
    case 'CONTAINS':
      return String(a(0) ?? '').includes(String(a(1) ?? ''));
    case 'BEGINS':
      return String(a(0) ?? '').startsWith(String(a(1) ?? ''));
    case 'UPPER':
      return String(a(0) ?? '').toUpperCase();
    case 'LOWER':
      return String(a(0) ?? '').toLowerCase();
    case 'TRIM':
      return String(a(0) ?? '').trim();
    case 'HYPERLINK':
      return `<a href="${String(a(0) ?? '')}" target="_blank">${String(a(1) ?? '')}</a>`;
    default:
      throw new Error(`unsupported function ${name}`);
  }
}

/** The functions `call` evaluates; a formula naming any other cannot be compiled. */
export const FORMULA_FUNCTIONS: ReadonlySet<string> = new Set([
  'IF', 'AND', 'OR', 'NOT', 'ISBLANK', 'ISNULL', 'BLANKVALUE', 'NULLVALUE', 'ISPICKVAL', 'CASE', 'TEXT', 'VALUE', 'TODAY', 'NOW',
  'DATEVALUE', 'ROUND', 'ABS', 'FLOOR', 'CEILING', 'MAX', 'MIN', 'LEN', 'CONTAINS', 'BEGINS', 'UPPER', 'LOWER', 'TRIM', 'HYPERLINK',
  'ISNEW', 'ISCHANGED', 'PRIORVALUE', 'MOD',
]);

/** A parsed formula: the functions and field references it uses, and how to evaluate it. */
export interface CompiledFormula {
  functions: string[];
  references: string[];
  evaluate(env: FormulaEnv): unknown;
}

/**
 * Parses a formula and checks that every function is one the engine evaluates. Throws an Error that names
 * the problem (syntax, or `unsupported function NAME`).
 */
export function compileFormula(src: string): CompiledFormula {
  const node = parse(tokenize(src));
  const functions = new Set<string>();
  const references = new Set<string>();
  const walk = (n: Node): void => {
    if (n.k === 'call') {
      functions.add(n.name);
      if (n.name === 'ISCHANGED' || n.name === 'PRIORVALUE') fieldArg(n.name, n.args);
      n.args.forEach(walk);
    } else if (n.k === 'ref') references.add(n.name);
    else if (n.k === 'bin') {
      walk(n.l);
      walk(n.r);
    } else if (n.k === 'un') walk(n.e);
  };
  walk(node);
  for (const name of functions) if (!FORMULA_FUNCTIONS.has(name)) throw new Error(`unsupported function ${name}`);
  return { functions: [...functions], references: [...references], evaluate: (env) => evaluate(node, env) };
}

const cache = new Map<string, Node | null>();

/** Evaluates a formula field; null when the formula uses something unsupported. */
export function evaluateFormula(f: FieldDef, ref: (name: string) => unknown, now: Date): unknown {
  const src = f.formula ?? '';
  let node = cache.get(src);
  if (node === undefined) {
    try {
      node = parse(tokenize(src));
    } catch {
      node = null;
    }
    cache.set(src, node);
  }
  if (!node) return null;
  try {
    const v = evaluate(node, { ref, now });
    return shape(f, v);
  } catch {
    return null;
  }
}

function shape(f: FieldDef, v: Value): unknown {
  if (v === null) return f.type === 'boolean' ? false : null;
  switch (f.type) {
    case 'boolean':
      return Boolean(v);
    case 'double':
    case 'currency':
    case 'percent':
    case 'int': {
      const n = Number(v);
      if (!Number.isFinite(n)) return null;
      const s = f.scale ?? 2;
      return Math.round(n * 10 ** s) / 10 ** s;
    }
    case 'date':
      return toDate(v)?.toISOString().slice(0, 10) ?? null;
    case 'datetime':
      return v instanceof Date ? v.toISOString().replace('Z', '+0000') : v;
    default:
      return v instanceof Date ? v.toISOString().slice(0, 10) : String(v);
  }
}
