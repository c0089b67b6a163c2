/** The emulator's picture of an org's schema, close to what describe returns. */

export type SfFieldType =
  | 'id'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'boolean'
  | 'int'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'time'
  | 'reference'
  | 'encryptedstring'
  | 'address';

export interface PicklistValue {
  value: string;
  label: string;
  active: boolean;
  defaultValue: boolean;
}

export interface RollupSummary {
  operation: 'count' | 'sum' | 'min' | 'max';
  childObject: string;
  /** The field on the child that points at this record. */
  foreignKey: string;
  /** The summed field on the child (absent for count). */
  field?: string;
}

export interface FieldDef {
  name: string;
  label: string;
  type: SfFieldType;
  custom: boolean;
  length?: number;
  precision?: number;
  scale?: number;
  externalId?: boolean;
  unique?: boolean;
  caseSensitive?: boolean;
  /** Required on create (nillable false, createable, no default). */
  required?: boolean;
  createable: boolean;
  updateable: boolean;
  picklistValues?: PicklistValue[];
  restrictedPicklist?: boolean;
  referenceTo?: string[];
  relationshipName?: string;
  /** Parent-to-child relationship name used in subqueries (Contacts, OpportunityLineItems, X__r). */
  childRelationshipName?: string;
  /** Deleting the parent deletes this record (master-detail and a few standard ones). */
  cascadeDelete?: boolean;
  calculated?: boolean;
  formula?: string;
  rollup?: RollupSummary;
  autoNumber?: string;
  defaultValue?: string | number | boolean | null;
}

export interface ChildRelationship {
  relationshipName: string;
  childSObject: string;
  field: string;
  cascadeDelete: boolean;
}

export interface ObjectDef {
  name: string;
  label: string;
  labelPlural: string;
  keyPrefix: string;
  custom: boolean;
  /** False for setup objects the API cannot insert (Organization) or delete (Organization, CurrencyType). */
  createable?: boolean;
  /** A platform event (…__e): inserting one publishes it; it cannot be queried, updated or deleted. */
  platformEvent?: boolean;
  deletable?: boolean;
  fields: FieldDef[];
  childRelationships: ChildRelationship[];
}

/** A field to add to (or override on) an object: used by tests for fields not yet in force-app. */
export type FieldExtension = Partial<FieldDef> & Pick<FieldDef, 'name' | 'type'>;
export type SchemaExtension = Record<string, FieldExtension[]>;
