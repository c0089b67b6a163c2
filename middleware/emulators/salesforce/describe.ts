import type { FieldDef, ObjectDef } from './schema/types';
import type { EmulatorState } from './state';

/** A trimmed describe: the keys clients read (name, type, length, externalId, picklistValues, referenceTo...). */

function urls(version: string, name: string): Record<string, string> {
  const base = `/services/data/v${version}/sobjects/${name}`;
  return { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` };
}

function describeField(f: FieldDef): Record<string, unknown> {
  return {
    name: f.name,
    label: f.label,
    type: f.type,
    custom: f.custom,
    length: f.length ?? 0,
    precision: f.precision ?? 0,
    scale: f.scale ?? 0,
    externalId: f.externalId === true,
    unique: f.unique === true,
    caseSensitive: f.caseSensitive === true,
    idLookup: f.name === 'Id' || f.externalId === true,
    nillable: !f.required && f.type !== 'boolean' && f.name !== 'Id',
    createable: f.createable,
    updateable: f.updateable,
    calculated: f.calculated === true || f.rollup !== undefined,
    calculatedFormula: f.formula ?? null,
    autoNumber: f.autoNumber !== undefined,
    defaultValue: f.defaultValue ?? null,
    defaultedOnCreate: f.defaultValue !== undefined || ['Id', 'OwnerId', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp', 'IsDeleted'].includes(f.name),
    picklistValues: (f.picklistValues ?? []).map((p) => ({ active: p.active, defaultValue: p.defaultValue, label: p.label, validFor: null, value: p.value })),
    restrictedPicklist: f.restrictedPicklist === true,
    referenceTo: f.referenceTo ?? [],
    relationshipName: f.relationshipName ?? null,
    cascadeDelete: f.cascadeDelete === true,
  };
}

export function describeObject(_state: EmulatorState, version: string, obj: ObjectDef): Record<string, unknown> & { fields: unknown[]; childRelationships: unknown[] } {
  return {
    name: obj.name,
    label: obj.label,
    labelPlural: obj.labelPlural,
    keyPrefix: obj.keyPrefix,
    custom: obj.custom,
    createable: obj.createable !== false,
    updateable: !obj.platformEvent,
    deletable: obj.deletable !== false,
    queryable: !obj.platformEvent,
    urls: urls(version, obj.name),
    fields: obj.fields.map(describeField),
    childRelationships: obj.childRelationships.map((c) => ({
      cascadeDelete: c.cascadeDelete,
      childSObject: c.childSObject,
      field: c.field,
      relationshipName: c.relationshipName,
    })),
  };
}

export function describeGlobal(state: EmulatorState, version: string): Record<string, unknown> {
  return {
    encoding: 'UTF-8',
    maxBatchSize: 200,
    sobjects: state.schema.allObjects().map((o) => ({
      name: o.name,
      label: o.label,
      labelPlural: o.labelPlural,
      keyPrefix: o.keyPrefix,
      custom: o.custom,
      createable: o.createable !== false,
      updateable: true,
      deletable: o.deletable !== false,
      queryable: true,
      urls: urls(version, o.name),
    })),
  };
}
