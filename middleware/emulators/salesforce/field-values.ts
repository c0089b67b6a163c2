import type { Schema } from './schema/schema';
import type { FieldDef, ObjectDef } from './schema/types';
import type { RecordStore, SfRecord } from './store';
import { evaluateFormula } from './formula';

/** Reads a field as the API returns it: stored values, compound addresses, roll-ups and formulas. */
export class FieldReader {
  constructor(
    private readonly schema: Schema,
    private readonly store: RecordStore,
    private readonly now: () => Date,
  ) {}

  read(obj: ObjectDef, rec: SfRecord, f: FieldDef): unknown {
    if (f.type === 'address') return this.address(rec, f.name.replace(/Address$/, ''));
    if (f.rollup) return this.rollup(rec, f);
    if (f.formula) return evaluateFormula(f, (name) => this.resolve(obj, rec, name), this.now());
    const v = rec[f.name];
    return v === undefined ? null : v;
  }

  /** Resolves a formula reference such as `Amount` or `Account__r.Name` on a record (saved or not). */
  resolve(obj: ObjectDef, rec: SfRecord, path: string): unknown {
    const parts = path.split('.');
    let currentObj = obj;
    let current: SfRecord | undefined = rec;
    for (const rel of parts.slice(0, -1)) {
      const parent = this.schema.parentRelationship(currentObj, rel);
      if (!parent || !current) return null;
      const id: unknown = current[parent.field.name];
      current = typeof id === 'string' ? this.store.get(parent.target.name, id) : undefined;
      currentObj = parent.target;
    }
    const f = this.schema.field(currentObj, parts[parts.length - 1] as string);
    if (!f || !current) return null;
    return this.read(currentObj, current, f);
  }

  private address(rec: SfRecord, prefix: string): Record<string, unknown> | null {
    const parts = {
      city: rec[`${prefix}City`] ?? null,
      country: rec[`${prefix}Country`] ?? null,
      geocodeAccuracy: null,
      latitude: null,
      longitude: null,
      postalCode: rec[`${prefix}PostalCode`] ?? null,
      state: rec[`${prefix}State`] ?? null,
      street: rec[`${prefix}Street`] ?? null,
    };
    return [parts.city, parts.country, parts.postalCode, parts.state, parts.street].every((v) => v === null) ? null : parts;
  }

  private rollup(rec: SfRecord, f: FieldDef): number | string | null {
    const r = f.rollup!;
    const rows = this.store.all(r.childObject).filter((c) => c[r.foreignKey] === rec.Id);
    if (r.operation === 'count') return rows.length;
    const values = rows.map((c) => c[r.field ?? '']).filter((v) => v !== null && v !== undefined) as (number | string)[];
    if (r.operation === 'sum') return values.reduce<number>((s, v) => s + Number(v), 0);
    if (!values.length) return null;
    const sorted = [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    return r.operation === 'min' ? (sorted[0] as number | string) : (sorted[sorted.length - 1] as number | string);
  }
}
