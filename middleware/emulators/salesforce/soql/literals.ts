/** SOQL literal values and date literal ranges (the org's time zone is UTC here; fiscal year = calendar year). */

export interface DateRange {
  start: Date;
  /** Exclusive. */
  end: Date;
}

export type Literal = string | number | boolean | null | Date | DateRange;

export function isRange(v: unknown): v is DateRange {
  return typeof v === 'object' && v !== null && 'start' in v && 'end' in v;
}

export function unquote(raw: string): string {
  const inner = raw.startsWith("'") && raw.endsWith("'") ? raw.slice(1, -1) : raw;
  return inner.replace(/\\(.)/g, (_m, c: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' })[c] ?? c);
}

type Unit = 'day' | 'week' | 'month' | 'quarter' | 'year';

function startOf(unit: Unit, d: Date): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  switch (unit) {
    case 'day':
      return new Date(Date.UTC(y, m, d.getUTCDate()));
    case 'week':
      return new Date(Date.UTC(y, m, d.getUTCDate() - d.getUTCDay()));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'quarter':
      return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

function add(unit: Unit, d: Date, n: number): Date {
  const r = new Date(d.getTime());
  if (unit === 'day') r.setUTCDate(r.getUTCDate() + n);
  else if (unit === 'week') r.setUTCDate(r.getUTCDate() + 7 * n);
  else if (unit === 'month') r.setUTCMonth(r.getUTCMonth() + n);
  else if (unit === 'quarter') r.setUTCMonth(r.getUTCMonth() + 3 * n);
  else r.setUTCFullYear(r.getUTCFullYear() + n);
  return r;
}

const range = (start: Date, end: Date): DateRange => ({ start, end });

function unitOf(word: string): Unit | null {
  const w = word.replace('FISCAL_', '').replace(/S$/, '');
  return ({ DAY: 'day', WEEK: 'week', MONTH: 'month', QUARTER: 'quarter', YEAR: 'year' } as Record<string, Unit>)[w] ?? null;
}

/** TODAY, LAST_MONTH, THIS_FISCAL_YEAR, LAST_N_DAYS:30, N_WEEKS_AGO:2 … → a [start, end) range. */
export function dateLiteralRange(literal: string, now: Date): DateRange | null {
  const [name = '', nRaw] = literal.toUpperCase().split(':');
  const n = nRaw === undefined ? 1 : Number(nRaw);
  const today = startOf('day', now);
  const simple: Record<string, DateRange> = {
    YESTERDAY: range(add('day', today, -1), today),
    TODAY: range(today, add('day', today, 1)),
    TOMORROW: range(add('day', today, 1), add('day', today, 2)),
    LAST_90_DAYS: range(add('day', today, -90), add('day', today, 1)),
    NEXT_90_DAYS: range(add('day', today, 1), add('day', today, 91)),
  };
  if (simple[name]) return simple[name];
  let m = /^(THIS|LAST|NEXT)_(.+)$/.exec(name);
  if (m && !name.includes('_N_')) {
    const unit = unitOf(m[2] as string);
    if (!unit) return null;
    const shift = m[1] === 'THIS' ? 0 : m[1] === 'LAST' ? -1 : 1;
    const start = add(unit, startOf(unit, now), shift);
    return range(start, add(unit, start, 1));
  }
  m = /^(LAST|NEXT)_N_(.+)$/.exec(name);
  if (m && Number.isFinite(n)) {
    const unit = unitOf(m[2] as string);
    if (!unit) return null;
    if (unit === 'day') return m[1] === 'LAST' ? range(add('day', today, -n), add('day', today, 1)) : range(add('day', today, 1), add('day', today, n + 1));
    const base = startOf(unit, now);
    return m[1] === 'LAST' ? range(add(unit, base, -n), base) : range(add(unit, base, 1), add(unit, base, n + 1));
  }
  m = /^N_(.+)_AGO$/.exec(name);
  if (m && Number.isFinite(n)) {
    const unit = unitOf(m[1] as string);
    if (!unit) return null;
    const base = startOf(unit, now);
    return range(add(unit, base, -n), add(unit, base, -n + 1));
  }
  return null;
}
