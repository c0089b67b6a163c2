/**
 * What goes in one QBO batch request (see BatchCreator): the waiting creates and look-ups it takes, the
 * look-ups merged into `in (…)` Query items, and the hand-out of each look-up's rows to its callers.
 */
import { qboQuoted } from '../sync/customer-match';
import type { QboEntity } from './api';

/** Fields a gathered look-up can ask for, and where a row keeps the value. */
export type FindField = 'DisplayName' | 'PrimaryEmailAddr';
const FIELD_VALUE: Record<FindField, (row: Record<string, unknown>) => unknown> = {
  DisplayName: (row) => row.DisplayName,
  PrimaryEmailAddr: (row) => (row.PrimaryEmailAddr as { Address?: unknown } | undefined)?.Address,
};
/** Values in one `in (…)` look-up item. */
export const FIND_VALUES_PER_QUERY = 30;

/** A caller that may be held back for the next wave of a burst (see BatchCreatorOptions.gathering). */
interface HeldBack {
  /** Marks the caller's job as waiting in the Salesforce gathering (see BatchCreatorOptions.gathering). */
  hold?: () => () => void;
  /** Ends that mark: when the caller leaves in a request, or stops being held back for the next wave. */
  release?: () => void;
}

export interface CreateWaiting extends HeldBack {
  kind: 'create';
  entity: QboEntity;
  body: object;
  requestId: string;
  resolve: (record: unknown) => void;
  reject: (error: unknown) => void;
}

export interface FindWaiting extends HeldBack {
  kind: 'find';
  entity: QboEntity;
  field: FindField;
  values: string[];
  resolve: (rows: unknown[]) => void;
  reject: (error: unknown) => void;
}

export type Waiting = CreateWaiting | FindWaiting;

/** One item of a batch request and the callers it answers. */
export interface Planned {
  item: Record<string, unknown>;
  key: string;
  creates?: CreateWaiting;
  finds?: { entity: QboEntity; field: FindField; where: string; query: string; waiting: FindWaiting[] };
}

/**
 * The batch items the waiting callers need, at most `max`, and which callers they take; then `riders`
 * (customer creates) in the room left over, in order, as far as it goes.
 */
export function planBatch(waiting: Waiting[], max: number, riders: CreateWaiting[] = []): { planned: Planned[]; taken: Waiting[]; riding: CreateWaiting[] } {
  const planned: Planned[] = [];
  const taken: Waiting[] = [];
  const finds = new Map<string, { entity: QboEntity; field: FindField; values: Map<string, string>; waiting: FindWaiting[] }>();
  const itemsOf = () => planned.length + [...finds.values()].reduce((n, f) => n + Math.ceil(f.values.size / FIND_VALUES_PER_QUERY), 0);
  for (const w of waiting) {
    if (w.kind === 'create') {
      if (itemsOf() + 1 > max) break;
      planned.push({ item: { operation: 'create', [w.entity]: w.body }, key: w.requestId, creates: w });
    } else {
      const key = `${w.entity}|${w.field}`;
      const group = finds.get(key) ?? { entity: w.entity, field: w.field, values: new Map<string, string>(), waiting: [] };
      const added = w.values.filter((v) => !group.values.has(v.toLowerCase()));
      const before = itemsOf() - (finds.has(key) ? Math.ceil(group.values.size / FIND_VALUES_PER_QUERY) : 0);
      if (before + Math.ceil((group.values.size + added.length) / FIND_VALUES_PER_QUERY) > max) break;
      for (const v of added) group.values.set(v.toLowerCase(), v);
      group.waiting.push(w);
      finds.set(key, group);
    }
    taken.push(w);
  }
  for (const group of finds.values()) {
    const values = [...group.values.values()];
    for (let i = 0; i < values.length; i += FIND_VALUES_PER_QUERY) {
      const chunk = values.slice(i, i + FIND_VALUES_PER_QUERY);
      const lower = new Set(chunk.map((v) => v.toLowerCase()));
      const where = `where ${group.field} in (${chunk.map(qboQuoted).join(', ')})`;
      const query = `select * from ${group.entity} ${where} maxresults 1000`;
      const mine = group.waiting.filter((w) => w.values.some((v) => lower.has(v.toLowerCase())));
      planned.push({ item: { Query: query }, key: `q:${query}`, finds: { entity: group.entity, field: group.field, where, query, waiting: mine } });
    }
  }
  const riding = riders.slice(0, Math.max(0, max - planned.length));
  for (const w of riding) planned.push({ item: { operation: 'create', [w.entity]: w.body }, key: w.requestId, creates: w });
  return { planned, taken, riding };
}

/**
 * Hands each look-up the rows whose field equals one of its values (QBO compares names case-insensitively),
 * once every item that carries one of its values has answered.
 */
export class FindAnswers {
  private readonly left = new Map<FindWaiting, { parts: number; rows: unknown[] }>();

  constructor(planned: Planned[]) {
    for (const p of planned) {
      for (const w of p.finds?.waiting ?? []) {
        const entry = this.left.get(w) ?? { parts: 0, rows: [] };
        entry.parts += 1;
        this.left.set(w, entry);
      }
    }
  }

  give(finds: NonNullable<Planned['finds']>, rows: Array<Record<string, unknown>>): void {
    const valueOf = FIELD_VALUE[finds.field];
    for (const w of finds.waiting) {
      const entry = this.left.get(w);
      if (!entry) continue;
      const wanted = new Set(w.values.map((v) => v.toLowerCase()));
      entry.rows.push(...rows.filter((row) => typeof valueOf(row) === 'string' && wanted.has((valueOf(row) as string).toLowerCase())));
      entry.parts -= 1;
      if (entry.parts === 0) {
        this.left.delete(w);
        w.resolve(entry.rows);
      }
    }
  }
}
