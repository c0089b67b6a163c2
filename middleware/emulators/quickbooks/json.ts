/** Small helpers for walking untyped JSON request bodies without `any`. */
export type Entity = Record<string, unknown>;

export function isObject(value: unknown): value is Entity {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function asObject(value: unknown): Entity | undefined {
  return isObject(value) ? value : undefined;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

/** The `value` of a `{"value":"1","name":"…"}` reference, if present. */
export function refValue(value: unknown): string | undefined {
  const ref = asObject(value);
  return ref ? asString(ref.value) : undefined;
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Reads a dotted path such as `MetaData.LastUpdatedTime` or `CustomerRef` (refs yield their value). */
export function readPath(entity: Entity, path: string): unknown {
  let current: unknown = entity;
  for (const part of path.split('.')) {
    const o = asObject(current);
    if (!o) return undefined;
    const key = Object.keys(o).find((k) => k.toLowerCase() === part.toLowerCase());
    current = key === undefined ? undefined : o[key];
  }
  const ref = asObject(current);
  if (ref && 'value' in ref) return ref.value;
  // An e-mail field (`PrimaryEmailAddr`, `BillEmail`) is filtered on its address: `where PrimaryEmailAddr = 'a@b.example'`.
  if (ref && 'Address' in ref) return ref.Address;
  return current;
}
