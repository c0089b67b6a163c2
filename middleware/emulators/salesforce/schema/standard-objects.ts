import type { FieldDef, ObjectDef, PicklistValue, SfFieldType } from './types';
import { STANDARD_KEY_PREFIXES } from '../ids';
import catalogue from './standard-objects.json';

/**
 * Built-in definitions of the standard objects (and fields) the product touches. The data lives in
 * standard-objects.json, which scripts/verify-salesforce also reads to check the SOQL in force-app; this
 * module turns it into describe-like definitions. Entries marked `"inEmulator": false` are known to that
 * check only (objects and fields the Apex queries but the emulator does not serve).
 */

type Opts = Partial<FieldDef>;

export function field(name: string, type: SfFieldType, opts: Opts = {}): FieldDef {
  const readOnly = type === 'id' || opts.calculated === true;
  return {
    name,
    label: opts.label ?? labelFromName(name),
    type,
    custom: name.endsWith('__c'),
    createable: !readOnly,
    updateable: !readOnly,
    ...(type === 'string' || type === 'textarea' ? { length: 255 } : {}),
    ...opts,
  };
}

export function picklist(values: string[], defaultValue?: string): PicklistValue[] {
  return values.map((v) => ({ value: v, label: v, active: true, defaultValue: v === defaultValue }));
}

function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/Id$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

/** A field as the JSON holds it: what `field()` would not derive, picklists as plain value lists. */
type FieldSpec = Omit<Opts, 'picklistValues'> & {
  name: string;
  type: SfFieldType;
  /** Value list, or "$currencies" for the org's currencies. */
  picklistValues?: string[] | '$currencies';
  inEmulator?: boolean;
};

interface StdSpec {
  name: string;
  label: string;
  plural: string;
  owned: boolean;
  multiCurrency: boolean;
  /** CurrencyType: exists only in a multi-currency org. */
  multiCurrencyOrgOnly?: boolean;
  createable?: boolean;
  deletable?: boolean;
  inEmulator?: boolean;
  /** False: `fields` is the whole list (no Id, audit or owner fields added). */
  systemFields?: boolean;
  fields: FieldSpec[];
}

interface Catalogue {
  systemFields: FieldSpec[];
  ownerField: FieldSpec;
  currencyField: FieldSpec;
  objects: StdSpec[];
}

const CATALOGUE = catalogue as unknown as Catalogue;

function toField(spec: FieldSpec, currencies: string[]): FieldDef {
  const opts: Record<string, unknown> = {};
  // Entry by entry, so that the options keep their order (describe output follows it).
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'name' || key === 'type' || key === 'inEmulator') continue;
    opts[key] = key === 'picklistValues' ? picklist(value === '$currencies' ? currencies : (value as string[])) : value;
  }
  return field(spec.name, spec.type, opts as Opts);
}

/** Id, audit fields and (optionally) OwnerId: every object has them. */
export function systemFields(owned: boolean): FieldDef[] {
  const fields = CATALOGUE.systemFields.map((f) => toField(f, []));
  if (owned) fields.push(toField(CATALOGUE.ownerField, []));
  return fields;
}

export const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];
/** Default probability per stage, as a new org ships them. */
export const STAGE_PROBABILITY: Record<string, number> = {
  Prospecting: 10,
  Qualification: 10,
  'Needs Analysis': 20,
  'Value Proposition': 50,
  'Id. Decision Makers': 60,
  'Perception Analysis': 70,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
};

function currencyField(currencies: string[] | null): FieldDef[] {
  if (!currencies) return [];
  const def = toField(CATALOGUE.currencyField, currencies);
  def.picklistValues = picklist(currencies, currencies[0]);
  return [{ ...def, defaultValue: currencies[0] ?? null }];
}

/**
 * Builds the standard objects. `currencies` null = a single-currency org (no CurrencyIsoCode, no
 * CurrencyType) whose currency is `orgCurrency`.
 */
export function standardObjects(currencies: string[] | null, orgCurrency = 'USD'): ObjectDef[] {
  const orgCurrencies = currencies ?? [orgCurrency];
  return CATALOGUE.objects
    .filter((s) => s.inEmulator !== false && (currencies || !s.multiCurrencyOrgOnly))
    .map((s) => ({
      name: s.name,
      label: s.label,
      labelPlural: s.plural,
      keyPrefix: STANDARD_KEY_PREFIXES[s.name] as string,
      custom: false,
      ...(s.createable === false ? { createable: false } : {}),
      ...(s.deletable === false ? { deletable: false } : {}),
      fields: [
        ...(s.systemFields === false ? [] : systemFields(s.owned)),
        ...s.fields.filter((f) => f.inEmulator !== false).map((f) => toField(f, orgCurrencies)),
        ...(s.multiCurrency ? currencyField(currencies) : []),
      ],
      childRelationships: [],
    }));
}
