// The field catalogue the SOQL stage checks queries against: the standard objects (the same JSON data file the
// Salesforce emulator serves, middleware/emulators/salesforce/schema/standard-objects.json) plus the custom
// objects and fields of the source folder (objects/*/fields/*.field-meta.xml).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT } from '../paths.mjs';

export const STANDARD_OBJECTS_FILE = path.join(
  REPO_ROOT,
  'middleware/emulators/salesforce/schema/standard-objects.json'
);

const xml = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: true });

/** Metadata field type → describe type (what the SOQL rules are written in). */
const TYPES = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
  EncryptedText: 'encryptedstring',
  Email: 'email',
  Phone: 'phone',
  Url: 'url',
  Number: 'double',
  Currency: 'currency',
  Percent: 'percent',
  Checkbox: 'boolean',
  Date: 'date',
  DateTime: 'datetime',
  Time: 'time',
  Picklist: 'picklist',
  MultiselectPicklist: 'multipicklist',
  Lookup: 'reference',
  MasterDetail: 'reference',
  Hierarchy: 'reference',
  MetadataRelationship: 'string',
  AutoNumber: 'string',
  Summary: 'double',
  Location: 'location'
};

/**
 * @typedef {{ name: string, type: string, textKind?: 'long'|'rich', formula?: boolean, rollup?: boolean,
 *   referenceTo?: string[], relationshipName?: string, childRelationshipName?: string, source?: string }} Field
 * @typedef {{ name: string, custom: boolean, fields: Map<string, Field>, children: Map<string, { object: string, field: string }> }} SObject
 */

export class Catalogue {
  constructor() {
    /** @type {Map<string, SObject>} lower-case name → object */
    this.objects = new Map();
  }

  /** @returns {SObject|undefined} */
  object(name) {
    return this.objects.get(name.toLowerCase());
  }

  /** @returns {Field|undefined} */
  field(obj, name) {
    return obj.fields.get(name.toLowerCase());
  }

  /** The parent relationship `rel` of obj (Account, Owner, Billing_Contact__r) → its field and target object. */
  parent(obj, rel) {
    const lower = rel.toLowerCase();
    for (const f of obj.fields.values()) {
      if (f.relationshipName?.toLowerCase() === lower) {
        return { field: f, target: f.referenceTo?.[0] ? this.object(f.referenceTo[0]) : undefined };
      }
    }
    return undefined;
  }

  /** The child relationship `rel` of obj (OpportunityLineItems, Invoices__r) → the child object. */
  child(obj, rel) {
    const found = obj.children.get(rel.toLowerCase());
    return found ? this.object(found.object) : undefined;
  }

  /** Objects other than `except` that have a field of this name (for "queried from the wrong object" hints). */
  objectsWithField(name, except) {
    const lower = name.toLowerCase();
    return [...this.objects.values()].filter((o) => o !== except && o.fields.has(lower)).map((o) => o.name);
  }

  addObject(name, custom) {
    let obj = this.object(name);
    if (!obj) {
      obj = { name, custom, fields: new Map(), children: new Map() };
      this.objects.set(name.toLowerCase(), obj);
    }
    return obj;
  }

  addField(obj, field) {
    obj.fields.set(field.name.toLowerCase(), field);
  }

  /** Builds the child relationships from the lookups (call once every object is in). */
  link() {
    for (const obj of this.objects.values()) obj.children.clear();
    for (const child of this.objects.values()) {
      for (const f of child.fields.values()) {
        const parent = f.referenceTo?.[0] && this.object(f.referenceTo[0]);
        if (parent && f.childRelationshipName) {
          parent.children.set(f.childRelationshipName.toLowerCase(), { object: child.name, field: f.name });
        }
      }
    }
  }
}

/** The standard objects of the shared JSON file (all of them: the emulator serves only a part). */
function addStandardObjects(catalogue, data) {
  const plain = ({ inEmulator: _inEmulator, picklistValues: _values, ...f }) => ({ ...f, source: 'standard' });
  for (const spec of data.objects) {
    const obj = catalogue.addObject(spec.name, false);
    const system = spec.systemFields === false ? [] : [...data.systemFields, ...(spec.owned ? [data.ownerField] : [])];
    const fields = [...system, ...spec.fields];
    if (spec.multiCurrency) fields.push(data.currencyField);
    for (const f of fields) catalogue.addField(obj, plain(f));
  }
}

const text = (node, key) => {
  const v = node?.[key];
  return v === undefined || v === null || typeof v === 'object' ? undefined : String(v);
};

/** One objects/<Object>/fields/<Field>.field-meta.xml → a catalogue field. */
export function parseFieldXml(source, objectName) {
  const node = xml.parse(source).CustomField ?? {};
  const name = text(node, 'fullName');
  const xmlType = text(node, 'type');
  if (!name || !xmlType) return null;
  const field = { name, type: TYPES[xmlType] ?? 'string', source: 'metadata' };
  if (xmlType === 'LongTextArea') field.textKind = 'long';
  if (xmlType === 'Html') field.textKind = 'rich';
  if (text(node, 'formula')) field.formula = true;
  if (xmlType === 'Summary') field.rollup = true;
  if (field.type === 'reference') {
    field.referenceTo = [text(node, 'referenceTo') ?? (xmlType === 'Hierarchy' ? 'User' : '')];
    if (name.endsWith('__c')) field.relationshipName = name.replace(/__c$/, '__r');
    const rel = text(node, 'relationshipName');
    if (rel) field.childRelationshipName = name.endsWith('__c') ? `${rel}__r` : rel;
  }
  if (!name.endsWith('__c') && objectName) field.standardOverride = true;
  return field;
}

function addCustomObject(catalogue, data, dir, name) {
  const obj = catalogue.addObject(name, true);
  const metaFile = path.join(dir, `${name}.object-meta.xml`);
  const meta = existsSync(metaFile) ? (xml.parse(readFileSync(metaFile, 'utf8')).CustomObject ?? {}) : {};
  const settingsType = text(meta, 'customSettingsType');
  const controlled = text(meta, 'sharingModel') === 'ControlledByParent' || settingsType !== undefined;
  const fields = [...data.systemFields, ...(controlled ? [] : [data.ownerField]), { name: 'Name', type: 'string' }];
  if (settingsType === 'Hierarchy') fields.push({ name: 'SetupOwnerId', type: 'reference', referenceTo: ['User'] });
  if (!settingsType) fields.push(data.currencyField);
  for (const f of fields)
    catalogue.addField(obj, {
      name: f.name,
      type: f.type,
      ...(f.referenceTo ? { referenceTo: f.referenceTo, relationshipName: f.relationshipName } : {})
    });
  return obj;
}

/**
 * Builds the catalogue for a source folder: every `objects` folder under it (source format may have several
 * package directories' worth), merged over the standard objects.
 * @param {string[]} files all files of the source folder
 */
export function buildCatalogue(files, standardFile = STANDARD_OBJECTS_FILE) {
  const data = JSON.parse(readFileSync(standardFile, 'utf8'));
  const catalogue = new Catalogue();
  addStandardObjects(catalogue, data);

  const objectDirs = new Set(
    files
      .filter((f) => f.endsWith('.object-meta.xml') || f.endsWith('.field-meta.xml'))
      .map((f) => f.replace(/[\\/](fields[\\/])?[^\\/]+$/, ''))
      .filter((d) => path.basename(path.dirname(d)) === 'objects')
  );
  for (const dir of [...objectDirs].sort()) {
    const name = path.basename(dir);
    const obj = name.endsWith('__c') ? addCustomObject(catalogue, data, dir, name) : catalogue.addObject(name, false);
    const fieldsDir = path.join(dir, 'fields');
    if (!existsSync(fieldsDir)) continue;
    for (const file of readdirSync(fieldsDir)
      .filter((f) => f.endsWith('.field-meta.xml'))
      .sort()) {
      const field = parseFieldXml(readFileSync(path.join(fieldsDir, file), 'utf8'), name);
      if (!field) continue;
      // A standard field in metadata (StageName with its values) keeps the standard definition.
      if (field.standardOverride && catalogue.field(obj, field.name)) continue;
      delete field.standardOverride;
      catalogue.addField(obj, field);
    }
  }
  catalogue.link();
  return catalogue;
}
