import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { FieldDef, ObjectDef } from './schema/types';

/**
 * What the API users may do, from the permission sets in force-app that are assigned to them: custom
 * permissions (`$Permission.X` in validation rules) and field-level security on the package's custom
 * fields. The integration user's profile is modelled as granting nothing ("Minimum Access - API Only
 * Integrations"), so a custom field is readable or editable only through an assigned permission set.
 */

export interface FieldPermission {
  /** `Object.Field`, as in `<fieldPermissions><field>`. */
  field: string;
  readable: boolean;
  editable: boolean;
}

export interface PermissionSetDef {
  name: string;
  /** Custom permissions the set enables. */
  customPermissions: string[];
  fieldPermissions: FieldPermission[];
}

type Xml = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['customPermissions', 'fieldPermissions'].includes(name),
});

const str = (node: Xml, key: string): string => {
  const v = node[key];
  return v === undefined || v === null || typeof v === 'object' ? '' : String(v);
};

/** Every `permissionsets/*.permissionset-meta.xml` under the metadata root, by name. */
export function loadPermissionSets(root: string): Map<string, PermissionSetDef> {
  const dir = join(root, 'permissionsets');
  const sets = new Map<string, PermissionSetDef>();
  if (!existsSync(dir)) return sets;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.permissionset-meta.xml')).sort()) {
    const node = ((parser.parse(readFileSync(join(dir, file), 'utf8')) as Xml).PermissionSet ?? {}) as Xml;
    const name = file.replace('.permissionset-meta.xml', '');
    sets.set(name, {
      name,
      customPermissions: ((node.customPermissions ?? []) as Xml[]).filter((c) => str(c, 'enabled') === 'true').map((c) => str(c, 'name')),
      fieldPermissions: ((node.fieldPermissions ?? []) as Xml[]).map((f) => ({ field: str(f, 'field'), readable: str(f, 'readable') === 'true', editable: str(f, 'editable') === 'true' })),
    });
  }
  return sets;
}

/** The names of `customPermissions/*.customPermission-meta.xml`. */
export function loadCustomPermissionNames(root: string): string[] {
  const dir = join(root, 'customPermissions');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.customPermission-meta.xml'))
    .map((f) => f.replace('.customPermission-meta.xml', ''));
}

/**
 * Field-level security and custom permissions of the assigned permission sets. Only fields in `governed`
 * (the package's custom fields that can carry FLS: not required, not master-detail) are checked; standard
 * fields are left to the profile, which the emulator does not model.
 */
export class AccessPolicy {
  private readonly permissions: Set<string>;
  private readonly readable = new Set<string>();
  private readonly editable = new Set<string>();

  constructor(
    readonly assigned: PermissionSetDef[],
    private readonly governed: ReadonlySet<string>,
  ) {
    this.permissions = new Set(assigned.flatMap((s) => s.customPermissions.map((p) => p.toLowerCase())));
    for (const set of assigned) {
      for (const fp of set.fieldPermissions) {
        const key = fp.field.toLowerCase();
        // Edit access includes read access, as in Setup.
        if (fp.readable || fp.editable) this.readable.add(key);
        if (fp.editable) this.editable.add(key);
      }
    }
  }

  hasCustomPermission(name: string): boolean {
    return this.permissions.has(name.toLowerCase());
  }

  canRead(obj: ObjectDef, f: FieldDef): boolean {
    const key = `${obj.name}.${f.name}`.toLowerCase();
    return !this.governed.has(key) || this.readable.has(key);
  }

  canEdit(obj: ObjectDef, f: FieldDef): boolean {
    const key = `${obj.name}.${f.name}`.toLowerCase();
    return !this.governed.has(key) || this.editable.has(key);
  }
}

/** `Object.Field` keys of the custom fields that field-level security applies to. */
export function governedFields(objects: ObjectDef[], fromMetadata: ReadonlySet<string>): Set<string> {
  const out = new Set<string>();
  for (const obj of objects) {
    // Platform event fields carry no field-level security: the object permission (Create, Read) decides.
    if (obj.platformEvent) continue;
    for (const f of obj.fields) {
      const key = `${obj.name}.${f.name}`.toLowerCase();
      if (!fromMetadata.has(key) || f.required || f.cascadeDelete) continue;
      out.add(key);
    }
  }
  return out;
}
