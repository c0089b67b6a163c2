import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { AccessPolicy } from './access';
import type { RecordError } from './errors';
import type { FieldReader } from './field-values';
import { type CompiledFormula, compileFormula } from './formula';
import type { Schema } from './schema/schema';
import type { ObjectDef } from './schema/types';
import type { RecordStore, SfRecord } from './store';

/**
 * The active validation rules of force-app (`objects/<Object>/validationRules/*.validationRule-meta.xml`),
 * compiled with the emulator's formula engine when the emulator starts. A rule the engine cannot evaluate
 * (an unsupported function, an unknown field or custom permission, another `$` global) stops the start
 * with an error that names the rule, so no rule is silently skipped.
 */

export interface ValidationRuleDef {
  object: string;
  name: string;
  formula: string;
  message: string;
  /** `errorDisplayField`; absent when the message shows at the top of the page. */
  displayField?: string;
}

interface CompiledRule extends ValidationRuleDef {
  compiled: CompiledFormula;
}

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** The active rules, in object then file order. */
export function readValidationRules(root: string): ValidationRuleDef[] {
  const objectsDir = join(root, 'objects');
  if (!existsSync(objectsDir)) return [];
  const out: ValidationRuleDef[] = [];
  for (const object of readdirSync(objectsDir).sort()) {
    const dir = join(objectsDir, object, 'validationRules');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.validationRule-meta.xml')).sort()) {
      const node = ((parser.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>).ValidationRule ?? {}) as Record<string, unknown>;
      if (String(node.active) !== 'true') continue;
      const display = node.errorDisplayField === undefined ? undefined : String(node.errorDisplayField);
      out.push({
        object,
        name: file.replace('.validationRule-meta.xml', ''),
        formula: String(node.errorConditionFormula ?? ''),
        message: String(node.errorMessage ?? ''),
        ...(display ? { displayField: display } : {}),
      });
    }
  }
  return out;
}

export class ValidationRuleSet {
  private readonly byObject = new Map<string, CompiledRule[]>();

  constructor(
    rules: ValidationRuleDef[],
    private readonly schema: Schema,
    private readonly store: RecordStore,
    private readonly reader: FieldReader,
    customPermissions: string[],
  ) {
    const known = new Set(customPermissions.map((p) => p.toLowerCase()));
    for (const rule of rules) {
      const obj = schema.object(rule.object);
      if (!obj) throw ruleError(rule, `object ${rule.object} is not in the emulator's schema`);
      let compiled: CompiledFormula;
      try {
        compiled = compileFormula(rule.formula);
      } catch (e) {
        throw ruleError(rule, (e as Error).message);
      }
      for (const ref of compiled.references) this.checkReference(rule, obj, ref, known);
      const list = this.byObject.get(obj.name) ?? [];
      list.push({ ...rule, compiled });
      this.byObject.set(obj.name, list);
    }
  }

  /** The names of the rules on an object (tests, README). */
  rulesOf(object: string): string[] {
    return (this.byObject.get(this.schema.object(object)?.name ?? object) ?? []).map((r) => r.name);
  }

  /** The errors of every rule the record trips, as the platform reports them (all of them at once). */
  check(obj: ObjectDef, rec: SfRecord, old: SfRecord | undefined, access: AccessPolicy, now: Date): RecordError[] {
    const errors: RecordError[] = [];
    for (const rule of this.byObject.get(obj.name) ?? []) {
      const env = {
        now,
        isNew: !old,
        ref: (name: string) => this.value(obj, rec, name, access),
        prior: (name: string) => (old ? this.value(obj, old, name, access) : null),
      };
      if (rule.compiled.evaluate(env) !== true) continue;
      errors.push({ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: rule.message, fields: rule.displayField ? [rule.displayField] : [] });
    }
    return errors;
  }

  private value(obj: ObjectDef, rec: SfRecord, name: string, access: AccessPolicy): unknown {
    const [head = '', ...rest] = name.split('.');
    if (head.toLowerCase() === '$permission') return access.hasCustomPermission(rest.join('.'));
    if (head.toLowerCase() === '$setup') return this.setting(rest[0] ?? '', rest[1] ?? '');
    return this.reader.resolve(obj, rec, name);
  }

  /** A hierarchy custom setting's org default: its first record, else the field's default. */
  private setting(objectName: string, fieldName: string): unknown {
    const obj = this.schema.object(objectName) as ObjectDef;
    const f = this.schema.field(obj, fieldName)!;
    const row = this.store.all(obj.name)[0];
    if (row) return this.reader.read(obj, row, f);
    return f.defaultValue ?? (f.type === 'boolean' ? false : null);
  }

  private checkReference(rule: ValidationRuleDef, obj: ObjectDef, ref: string, customPermissions: Set<string>): void {
    const parts = ref.split('.');
    const head = (parts[0] ?? '').toLowerCase();
    if (head === '$permission') {
      if (parts.length !== 2 || !customPermissions.has((parts[1] ?? '').toLowerCase())) throw ruleError(rule, `${ref} names no custom permission in force-app/main/default/customPermissions`);
      return;
    }
    if (head === '$setup') {
      const setting = parts.length === 3 ? this.schema.object(parts[1] ?? '') : undefined;
      if (!setting || !this.schema.field(setting, parts[2] ?? '')) throw ruleError(rule, `${ref} names no custom setting field`);
      return;
    }
    if (head.startsWith('$')) throw ruleError(rule, `the global ${parts[0]} is not supported by the emulator's formula engine`);
    let current = obj;
    for (const rel of parts.slice(0, -1)) {
      const parent = this.schema.parentRelationship(current, rel);
      if (!parent) throw ruleError(rule, `${ref}: ${current.name} has no relationship ${rel}`);
      current = parent.target;
    }
    if (!this.schema.field(current, parts[parts.length - 1] ?? '')) throw ruleError(rule, `${ref}: ${current.name} has no field ${parts[parts.length - 1]}`);
  }
}

function ruleError(rule: ValidationRuleDef, problem: string): Error {
  return new Error(
    `Validation rule ${rule.object}.${rule.name} cannot be evaluated by the Salesforce emulator: ${problem}. ` +
      'Teach the formula engine (middleware/emulators/salesforce/formula.ts) what the rule uses, or correct the rule in force-app.',
  );
}
