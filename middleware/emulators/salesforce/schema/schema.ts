import { customKeyPrefix } from '../ids';
import { loadMetadata } from './metadata-loader';
import { standardObjects } from './standard-objects';
import type { ChildRelationship, FieldDef, ObjectDef, SchemaExtension } from './types';

export interface SchemaOptions {
  /** Source-format metadata root (force-app/main/default); missing folders are fine. */
  metadataDir?: string;
  /** Extra or overriding fields per object (tests: fields not yet in force-app). */
  extensions?: SchemaExtension;
  /** Currencies of a multi-currency org (first = corporate); null = single currency, no CurrencyIsoCode. */
  currencies?: string[] | null;
  /** The currency of a single-currency org (default USD). */
  orgCurrency?: string;
}

/** Case-insensitive access to objects, fields and relationships. */
export class Schema {
  private readonly objects = new Map<string, ObjectDef>();
  private readonly byPrefix = new Map<string, ObjectDef>();
  private readonly fieldIndex = new Map<ObjectDef, Map<string, FieldDef>>();
  /** The org's currencies at start (first = corporate), or null for a single-currency org. */
  readonly currencies: string[] | null;
  /** A single-currency org's currency, or the corporate currency. */
  readonly orgCurrency: string;
  /** `object.field` (lower case) of the custom fields force-app defines, less those a test extension overrides. */
  readonly metadataFields = new Set<string>();

  constructor(options: SchemaOptions = {}) {
    const currencies = options.currencies === undefined ? ['USD', 'EUR', 'GBP', 'CAD', 'AUD'] : options.currencies;
    this.currencies = currencies;
    this.orgCurrency = currencies?.[0] ?? options.orgCurrency ?? 'USD';
    const std = standardObjects(currencies, this.orgCurrency);
    const loaded = options.metadataDir ? loadMetadata(options.metadataDir) : { customObjects: [], standardObjectFields: {} };
    for (const obj of std) this.add(obj);
    let customIndex = 0;
    let eventIndex = 0;
    loaded.customObjects.forEach((obj) => {
      // Platform events get e00, e01, …; custom objects a00, a01, … in name order (events do not shift them).
      obj.keyPrefix = obj.platformEvent ? `e${String(eventIndex++).padStart(2, '0')}` : customKeyPrefix(customIndex++);
      if (obj.platformEvent) {
        this.add(obj);
        return;
      }
      if (currencies) obj.fields.push(...standardObjects(currencies)[0]!.fields.filter((f) => f.name === 'CurrencyIsoCode'));
      this.add(obj);
    });
    for (const [name, fields] of Object.entries(loaded.standardObjectFields)) {
      const obj = this.object(name);
      if (obj) for (const f of fields) mergeField(obj, f);
    }
    for (const obj of loaded.customObjects) for (const f of obj.fields) if (f.custom) this.metadataFields.add(`${obj.name}.${f.name}`.toLowerCase());
    for (const [name, fields] of Object.entries(loaded.standardObjectFields)) for (const f of fields) if (f.custom) this.metadataFields.add(`${name}.${f.name}`.toLowerCase());
    for (const [name, fields] of Object.entries(options.extensions ?? {})) {
      for (const f of fields) this.metadataFields.delete(`${this.object(name)?.name ?? name}.${f.name}`.toLowerCase());
      let obj = this.object(name);
      if (!obj) throw new Error(`schema extension names unknown object ${name}`);
      for (const f of fields) mergeField(obj, { custom: f.name.endsWith('__c'), label: f.name, createable: true, updateable: true, ...f });
      obj = this.object(name);
    }
    this.reindex();
  }

  private add(obj: ObjectDef): void {
    this.objects.set(obj.name.toLowerCase(), obj);
    this.byPrefix.set(obj.keyPrefix, obj);
  }

  private reindex(): void {
    for (const obj of this.objects.values()) {
      this.fieldIndex.set(obj, new Map(obj.fields.map((f) => [f.name.toLowerCase(), f])));
      obj.childRelationships = [];
    }
    for (const child of this.objects.values()) {
      for (const f of child.fields) {
        const parent = f.referenceTo?.[0] ? this.object(f.referenceTo[0]) : undefined;
        if (!parent || !f.childRelationshipName) continue;
        const rel: ChildRelationship = {
          relationshipName: f.childRelationshipName,
          childSObject: child.name,
          field: f.name,
          cascadeDelete: f.cascadeDelete === true,
        };
        parent.childRelationships.push(rel);
      }
    }
  }

  object(name: string): ObjectDef | undefined {
    return this.objects.get(name.toLowerCase());
  }

  objectByPrefix(prefix: string): ObjectDef | undefined {
    return this.byPrefix.get(prefix);
  }

  allObjects(): ObjectDef[] {
    return [...this.objects.values()];
  }

  field(obj: ObjectDef, name: string): FieldDef | undefined {
    return this.fieldIndex.get(obj)?.get(name.toLowerCase());
  }

  /**
   * Every CurrencyIsoCode picklist lists the org's currencies (CurrencyType records); only active ones can
   * be given to a record, as in Setup > Manage Currencies. The corporate currency is the default.
   */
  setCurrencyValues(values: Array<{ code: string; active: boolean }>, corporate: string): void {
    for (const obj of this.objects.values()) {
      const f = this.field(obj, 'CurrencyIsoCode');
      if (f) f.picklistValues = values.map((v) => ({ value: v.code, label: v.code, active: v.active, defaultValue: v.code === corporate }));
    }
  }

  /** A parent relationship (`Account`, `Owner`, `Foo__r`) → its reference field and target object. */
  parentRelationship(obj: ObjectDef, relName: string): { field: FieldDef; target: ObjectDef } | undefined {
    const lower = relName.toLowerCase();
    const f = obj.fields.find((x) => x.relationshipName?.toLowerCase() === lower);
    const target = f?.referenceTo?.[0] ? this.object(f.referenceTo[0]) : undefined;
    return f && target ? { field: f, target } : undefined;
  }

  childRelationship(obj: ObjectDef, relName: string): ChildRelationship | undefined {
    const lower = relName.toLowerCase();
    return obj.childRelationships.find((r) => r.relationshipName.toLowerCase() === lower);
  }
}

function mergeField(obj: ObjectDef, f: FieldDef): void {
  const i = obj.fields.findIndex((x) => x.name.toLowerCase() === f.name.toLowerCase());
  if (i < 0) {
    obj.fields.push(f);
    return;
  }
  const existing = obj.fields[i]!;
  // A standard field in force-app (e.g. StageName) may only bring its picklist values.
  obj.fields[i] = existing.custom || f.custom ? { ...existing, ...f } : { ...existing, ...(f.picklistValues?.length ? { picklistValues: f.picklistValues } : {}) };
}
