/** Checks shared by every entity: unknown properties, references, names. */
import { faults } from '../faults';
import { asObject, asString, refValue, type Entity } from '../json';
import type { EntityContext } from './context';

/** Fields every entity may carry in a request besides its own. */
const ALWAYS_ALLOWED = ['Id', 'SyncToken', 'sparse', 'domain', 'status', 'MetaData'];

export function checkKnownProperties(ctx: EntityContext, entity: string, body: Entity, known: readonly string[]): void {
  if (!ctx.options.strictProperties) return;
  const allowed = new Set([...ALWAYS_ALLOWED, ...known]);
  for (const key of Object.keys(body)) {
    if (!allowed.has(key)) throw faults.unsupportedProperty(key, entity, [...known]);
  }
}

/**
 * Resolves a `{"value": id}` reference: missing id → 2500, inactive target → 610.
 * Returns the referenced record.
 */
export function requireRef(ctx: EntityContext, entity: string, ref: unknown, field: string): Entity {
  const id = refValue(ref);
  if (id === undefined || id === '') throw faults.requiredParam(field);
  const target = ctx.store.get(entity, id);
  if (!target) throw faults.invalidReference(entity, id);
  if (target.Active === false) throw faults.objectNotFound();
  return target;
}

export function optionalRef(ctx: EntityContext, entity: string, ref: unknown, field: string): Entity | undefined {
  return ref === undefined || ref === null ? undefined : requireRef(ctx, entity, ref, field);
}

/** Returns the reference with the target's name filled in, as QBO echoes it. */
export function namedRef(id: string, name: unknown): { value: string; name?: string } {
  const n = asString(name);
  return n === undefined ? { value: id } : { value: id, name: n };
}

export function sameName(ctx: EntityContext, a: string, b: string): boolean {
  return ctx.options.nameUniqueCaseInsensitive ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** Throws 6240 when another record of the given entities already uses `name` in `field`. */
export function checkUniqueName(
  ctx: EntityContext,
  entities: string[],
  field: string,
  name: string,
  self: { entity: string; id?: string },
  detail: string,
): void {
  for (const entity of entities) {
    for (const other of ctx.store.scan(entity)) {
      if (entity === self.entity && other.Id === self.id) continue;
      const otherName = asString(other[field]);
      if (otherName !== undefined && sameName(ctx, otherName, name)) throw faults.duplicateName(detail);
    }
  }
}

export function checkNameFormat(ctx: EntityContext, field: string, name: string, allowColon: boolean, max = ctx.options.displayNameMaxLength): void {
  if (name.length === 0 || name.length > max) throw faults.stringLength(field, max, name.length);
  if (!allowColon && name.includes(':')) throw faults.business(`${field} cannot contain a colon (:).`, field);
}

/** "Thrifty Meats" ⇄ "Thrifty Meats (deleted)" when a name-list entity is deactivated/reactivated. */
export function deletedSuffix(name: string, active: boolean, wasActive: boolean): string {
  const suffix = ' (deleted)';
  if (!active && wasActive && !name.endsWith(suffix)) return name + suffix;
  if (active && !wasActive && name.endsWith(suffix)) return name.slice(0, -suffix.length);
  return name;
}

export function addressWithId(ctx: EntityContext, value: unknown): Entity | undefined {
  const addr = asObject(value);
  if (!addr) return undefined;
  return addr.Id ? { ...addr } : { Id: ctx.store.nextId('PhysicalAddress'), ...addr };
}

/** Intuit's entity reference: a longer value is refused (the code and text are [U], see faults.stringLength). */
export function checkMaxLength(body: Entity, field: string, max: number): void {
  const value = asString(body[field]);
  if (value !== undefined && value.length > max) throw faults.stringLength(field, max, value.length);
}
