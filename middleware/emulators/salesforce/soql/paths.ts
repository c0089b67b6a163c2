import type { Schema } from '../schema/schema';
import type { FieldDef, ObjectDef } from '../schema/types';
import type { RecordStore, SfRecord } from '../store';
import type { FieldReader } from '../field-values';
import { badRelationship, noSuchColumn } from './errors';

/** A resolved field path such as Account.Owner.Name. */
export interface FieldPath {
  hops: { relationshipName: string; field: FieldDef; target: ObjectDef }[];
  leaf: FieldDef;
  leafObject: ObjectDef;
}

export interface PathEnv {
  schema: Schema;
  store: RecordStore;
  reader: FieldReader;
  soql: string;
  /** Field-level security of the querying user; absent = every field is visible. */
  canRead?: (obj: ObjectDef, f: FieldDef) => boolean;
}

export function resolvePath(env: PathEnv, obj: ObjectDef, raw: string, alias?: string): FieldPath {
  let parts = raw.split('.');
  if (alias && parts.length > 1 && parts[0]?.toLowerCase() === alias.toLowerCase()) parts = parts.slice(1);
  const hops: FieldPath['hops'] = [];
  let current = obj;
  for (const rel of parts.slice(0, -1)) {
    const parent = env.schema.parentRelationship(current, rel);
    if (!parent || (env.canRead && !env.canRead(current, parent.field))) throw badRelationship(env.soql, rel);
    hops.push({ relationshipName: parent.field.relationshipName as string, field: parent.field, target: parent.target });
    current = parent.target;
  }
  const leafName = parts[parts.length - 1] as string;
  const leaf = env.schema.field(current, leafName);
  if (!leaf || (env.canRead && !env.canRead(current, leaf))) throw noSuchColumn(env.soql, leafName, current.name);
  return { hops, leaf, leafObject: current };
}

/** Follows the path on a record; null as soon as a parent is missing. */
export function readPath(env: PathEnv, rec: SfRecord, path: FieldPath): unknown {
  let current: SfRecord | undefined = rec;
  for (const hop of path.hops) {
    const id: unknown = current[hop.field.name];
    current = typeof id === 'string' ? env.store.get(hop.target.name, id) : undefined;
    if (!current) return null;
  }
  return env.reader.read(path.leafObject, current, path.leaf);
}
