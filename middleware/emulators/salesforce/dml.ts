import { DmlError, SfApiError, unknownColumn } from './errors';
import { IdFactory, isValidId, keyPrefixOf, toId18 } from './ids';
import type { Schema } from './schema/schema';
import type { FieldDef, ObjectDef } from './schema/types';
import type { RecordStore, SfRecord } from './store';
import { coerceValue, comparableKey, formatDateTime } from './values';
import { afterWrite, beforeDelete, beforeWrite } from './derived';
import type { DmlContext } from './dml-context';
import type { ValidationRuleSet } from './validation-rules';
import { randomUUID } from 'node:crypto';

/** What a validation rule hook sees; return a message (or {message, field}) to reject the record. */
export interface ValidationInput {
  object: string;
  record: Readonly<SfRecord>;
  old: Readonly<SfRecord> | undefined;
  isInsert: boolean;
}
export type ValidationRule = (input: ValidationInput) => string | { message: string; field?: string } | null | undefined;


export interface DmlEngineOptions {
  validationRules?: Record<string, ValidationRule[]>;
  /** force-app's active validation rules (API users' writes). */
  metadataRules?: ValidationRuleSet;
  /** The hourly platform-event allocation: false when it is used up. */
  takeEventAllocation?: () => boolean;
}

export class DmlEngine {
  private autoNumbers = new Map<string, number>();

  constructor(
    readonly schema: Schema,
    readonly store: RecordStore,
    readonly ids: IdFactory,
    private readonly options: DmlEngineOptions = {},
  ) {}

  requireObject(name: string): ObjectDef {
    const obj = this.schema.object(name);
    if (!obj) throw new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return obj;
  }

  /** Checks field names up front: an unknown column fails the whole request, like JSON deserialisation does. */
  checkColumns(obj: ObjectDef, input: Record<string, unknown>): void {
    for (const key of Object.keys(input)) {
      if (key === 'attributes') continue;
      if (this.schema.field(obj, key)) continue;
      const rel = this.schema.parentRelationship(obj, key);
      if (rel && input[key] !== null && typeof input[key] === 'object') continue;
      throw unknownColumn(key, obj.name);
    }
  }

  insert(obj: ObjectDef, input: Record<string, unknown>, ctx: DmlContext): string {
    if (obj.createable === false && !ctx.seeding) throw invalidOperation('inserted', obj);
    this.checkColumns(obj, input);
    if (obj.platformEvent) return this.publish(obj, input, ctx);
    const values = this.prepare(obj, input, 'insert', ctx);
    const rec: SfRecord = { Id: this.ids.next(obj.keyPrefix) };
    for (const f of obj.fields) {
      if (f.name === 'Id' || f.type === 'address') continue;
      rec[f.name] = f.defaultValue ?? (f.type === 'boolean' ? false : null);
    }
    const now = formatDateTime(ctx.now);
    Object.assign(rec, { IsDeleted: false, CreatedDate: now, CreatedById: ctx.userId, LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now });
    if (this.schema.field(obj, 'OwnerId')) rec.OwnerId = ctx.userId;
    Object.assign(rec, values);
    const auto = obj.fields.find((f) => f.autoNumber);
    if (auto) rec[auto.name] = this.nextAutoNumber(obj.name, auto.autoNumber as string);
    this.finish(obj, rec, undefined, ctx, values);
    return rec.Id;
  }

  update(obj: ObjectDef, id: string, input: Record<string, unknown>, ctx: DmlContext): void {
    if (obj.platformEvent) throw invalidOperation('updated', obj);
    this.checkColumns(obj, input);
    const old = this.existing(obj, id);
    const values = this.prepare(obj, input, 'update', ctx);
    const rec: SfRecord = { ...old, ...values, Id: old.Id };
    const now = formatDateTime(ctx.now);
    Object.assign(rec, { LastModifiedDate: now, LastModifiedById: ctx.userId, SystemModstamp: now });
    if (ctx.seeding) Object.assign(rec, values);
    this.finish(obj, rec, old, ctx, values);
  }

  /** Upsert by an external id field (or Id). Returns the id and whether it was created. */
  upsert(obj: ObjectDef, fieldName: string, value: string, input: Record<string, unknown>, ctx: DmlContext): { id: string; created: boolean } {
    if (obj.platformEvent) throw invalidOperation('updated', obj);
    const f = this.externalIdField(obj, fieldName);
    this.checkColumns(obj, input);
    const matches = this.findBy(obj, f, value);
    if (matches.length > 1) {
      throw DmlError.of('DUPLICATE_EXTERNAL_ID', `${f.name} = ${value} -- duplicate value found: ${f.name} duplicates value on records with ids: ${matches.map((m) => m.Id).join(', ')}`, [f.name]);
    }
    const body = { ...input };
    for (const k of Object.keys(body)) if (k.toLowerCase() === f.name.toLowerCase()) delete body[k];
    if (matches[0]) {
      this.update(obj, matches[0].Id, body, ctx);
      return { id: matches[0].Id, created: false };
    }
    if (f.name === 'Id') throw new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return { id: this.insert(obj, { ...body, [f.name]: value }, ctx), created: true };
  }

  externalIdField(obj: ObjectDef, fieldName: string): FieldDef {
    const f = this.schema.field(obj, fieldName);
    if (!f || !(f.externalId || f.name === 'Id')) {
      throw new SfApiError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${fieldName}`);
    }
    return f;
  }

  findBy(obj: ObjectDef, f: FieldDef, value: unknown): SfRecord[] {
    const key = comparableKey(f, value);
    if (key === null) return [];
    return this.store.all(obj.name).filter((r) => comparableKey(f, r[f.name]) === key);
  }

  delete(obj: ObjectDef, id: string, ctx: DmlContext): void {
    if (obj.deletable === false && !ctx.seeding) throw invalidOperation('deleted', obj);
    const rec = this.existing(obj, id);
    beforeDelete(this, obj, rec, ctx);
    this.store.put(obj.name, { ...rec, IsDeleted: true, SystemModstamp: formatDateTime(ctx.now) });
    for (const child of this.schema.allObjects()) {
      for (const f of child.fields) {
        if (f.type !== 'reference' || f.referenceTo?.[0] !== obj.name || f.name.endsWith('ById') || f.name === 'OwnerId') continue;
        for (const row of this.store.all(child.name).filter((r) => r[f.name] === rec.Id)) {
          if (f.cascadeDelete) this.delete(child, row.Id, ctx);
          else this.store.put(child.name, { ...row, [f.name]: null });
        }
      }
    }
    afterWrite(this, obj, undefined, rec, ctx);
  }

  /**
   * Publishes a platform event: checked like a record, counted against the hourly allocation, and held in the
   * store (so a rolled-back request publishes nothing) until the bus delivers it after the request.
   */
  private publish(obj: ObjectDef, input: Record<string, unknown>, ctx: DmlContext): string {
    const values = this.prepare(obj, input, 'insert', ctx);
    if (this.options.takeEventAllocation && !this.options.takeEventAllocation()) {
      throw DmlError.of('LIMIT_EXCEEDED', 'The number of published platform event messages exceeded the hourly publishing limit.', []);
    }
    const rec: SfRecord = { Id: this.ids.next(obj.keyPrefix) };
    for (const f of obj.fields) if (f.custom) rec[f.name] = f.defaultValue ?? (f.type === 'boolean' ? false : null);
    Object.assign(rec, values, { EventUuid: randomUUID(), CreatedDate: formatDateTime(ctx.now), CreatedById: ctx.userId, ReplayId: null });
    this.store.put(obj.name, rec);
    return rec.Id;
  }

  /** The live record, or the error the platform gives for a missing/deleted/mistyped id. */
  existing(obj: ObjectDef, id: string): SfRecord {
    const id18 = toId18(id);
    if (!id18 || keyPrefixOf(id18) !== obj.keyPrefix) throw DmlError.of('MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${id}`, ['Id']);
    const rec = this.store.get(obj.name, id18, true);
    if (!rec) throw DmlError.of('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
    if (rec.IsDeleted) throw DmlError.of('ENTITY_IS_DELETED', 'entity is deleted', []);
    return rec;
  }

  private prepare(obj: ObjectDef, input: Record<string, unknown>, mode: 'insert' | 'update', ctx: DmlContext): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const readOnly: string[] = [];
    // Field-level security: a field no assigned permission set makes editable is refused like a read-only one.
    const hidden = (f: FieldDef): boolean => ctx.access !== undefined && !ctx.access.canEdit(obj, f);
    for (const [key, raw] of Object.entries(input)) {
      if (key === 'attributes') continue;
      const f = this.schema.field(obj, key);
      if (!f) {
        const rel = this.schema.parentRelationship(obj, key) as { field: FieldDef; target: ObjectDef };
        if (hidden(rel.field)) readOnly.push(rel.field.name);
        else out[rel.field.name] = this.resolveForeignKey(rel.target, raw as Record<string, unknown>);
        continue;
      }
      if (f.name !== 'Id' && hidden(f)) {
        readOnly.push(f.name);
        continue;
      }
      if (f.name === 'Id') {
        if (mode === 'insert' && !ctx.seeding) throw DmlError.of('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']);
        if (mode === 'insert' && isValidId(raw)) out.Id = toId18(raw);
        continue;
      }
      const allowed = mode === 'insert' ? f.createable : f.updateable;
      if (!allowed && !ctx.seeding) {
        readOnly.push(f.name);
        continue;
      }
      if (f.type === 'address' || f.calculated) continue;
      out[f.name] = coerceValue(f, raw);
      if (f.type === 'reference' && out[f.name]) this.checkReference(f, out[f.name] as string);
    }
    if (readOnly.length) {
      throw DmlError.of('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`, readOnly);
    }
    return out;
  }

  private checkReference(f: FieldDef, id: string): void {
    const target = this.schema.objectByPrefix(keyPrefixOf(id));
    if (!target || !(f.referenceTo ?? []).includes(target.name)) {
      throw DmlError.of('FIELD_INTEGRITY_EXCEPTION', `field integrity exception: unknown (${f.label}: id value of incorrect type: ${id})`, [f.name]);
    }
    if (!this.store.get(target.name, id)) {
      throw DmlError.of('INVALID_CROSS_REFERENCE_KEY', `invalid cross reference id`, [f.name]);
    }
  }

  /** `"Account": {"QuickBooks_Customer_Id__c": "42"}` in a body: find the parent by its external id. */
  private resolveForeignKey(target: ObjectDef, ref: Record<string, unknown>): string {
    const entries = Object.entries(ref).filter(([k]) => k !== 'attributes');
    const [fieldName, value] = entries[0] ?? ['', undefined];
    const f = this.schema.field(target, fieldName);
    if (entries.length !== 1 || !f || !(f.externalId || f.name === 'Id')) {
      throw DmlError.of('INVALID_FIELD', `Foreign key external ID: ${String(value)} not found for field ${fieldName} in entity ${target.name}`, []);
    }
    const found = this.findBy(target, f, value);
    if (found.length !== 1) {
      throw DmlError.of('INVALID_FIELD', `Foreign key external ID: ${String(value)} not found for field ${f.name} in entity ${target.name}`, []);
    }
    return found[0]!.Id;
  }

  private finish(obj: ObjectDef, rec: SfRecord, old: SfRecord | undefined, ctx: DmlContext, given: Record<string, unknown>): void {
    beforeWrite(this, obj, rec, old, ctx, new Set(Object.keys(given)));
    const missing = obj.fields.filter((f) => f.required && (rec[f.name] === null || rec[f.name] === undefined)).map((f) => f.name);
    if (missing.length) throw DmlError.of('REQUIRED_FIELD_MISSING', `Required fields are missing: [${missing.join(', ')}]`, missing);
    this.checkUnique(obj, rec);
    if (!ctx.seeding) this.runValidationRules(obj, rec, old);
    if (ctx.access && this.options.metadataRules) {
      const errors = this.options.metadataRules.check(obj, rec, old, ctx.access, ctx.now);
      if (errors.length) throw new DmlError(errors);
    }
    this.store.put(obj.name, rec);
    afterWrite(this, obj, rec, old, ctx);
  }

  private checkUnique(obj: ObjectDef, rec: SfRecord): void {
    for (const f of obj.fields) {
      if (!f.unique || rec[f.name] === null || rec[f.name] === undefined) continue;
      const clash = this.findBy(obj, f, rec[f.name]).find((r) => r.Id !== rec.Id);
      if (clash) throw DmlError.of('DUPLICATE_VALUE', `duplicate value found: ${f.name} duplicates value on record with id: ${clash.Id}`, []);
    }
  }

  private runValidationRules(obj: ObjectDef, rec: SfRecord, old: SfRecord | undefined): void {
    for (const rule of this.options.validationRules?.[obj.name] ?? []) {
      const result = rule({ object: obj.name, record: rec, old, isInsert: !old });
      if (!result) continue;
      const { message, field } = typeof result === 'string' ? { message: result, field: undefined } : result;
      throw DmlError.of('FIELD_CUSTOM_VALIDATION_EXCEPTION', message, field ? [field] : []);
    }
  }

  private nextAutoNumber(objectName: string, format: string): string {
    const n = (this.autoNumbers.get(objectName) ?? 0) + 1;
    this.autoNumbers.set(objectName, n);
    return format.replace(/\{(0+)\}/, (_m, zeros: string) => String(n).padStart(zeros.length, '0'));
  }

  resetCounters(): void {
    this.autoNumbers.clear();
  }
}

/** An operation the object does not support (describe says createable/deletable false). */
function invalidOperation(done: 'inserted' | 'updated' | 'deleted', obj: ObjectDef): DmlError {
  return DmlError.of('INVALID_TYPE_FOR_OPERATION', `entity type cannot be ${done}: ${obj.label}`, []);
}
