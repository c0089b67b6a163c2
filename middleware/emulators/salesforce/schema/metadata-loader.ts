import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { FieldDef, ObjectDef, PicklistValue, SfFieldType } from './types';
import { systemFields } from './standard-objects';

/**
 * Reads source-format metadata (force-app/main/default): objects/<Object>/<Object>.object-meta.xml,
 * objects/<Object>/fields/*.field-meta.xml and globalValueSets/*.globalValueSet-meta.xml.
 */

type Xml = Record<string, unknown>;

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (name) => ['value', 'customValue', 'fields'].includes(name),
});

export interface LoadedMetadata {
  /** Custom objects (…__c) and platform events (…__e) with their fields. */
  customObjects: ObjectDef[];
  /** Custom fields (and standard-field picklist overrides) for standard objects, by object name. */
  standardObjectFields: Record<string, FieldDef[]>;
}

export function loadMetadata(root: string): LoadedMetadata {
  const result: LoadedMetadata = { customObjects: [], standardObjectFields: {} };
  const objectsDir = join(root, 'objects');
  if (!existsSync(objectsDir)) return result;
  const globalSets = loadGlobalValueSets(join(root, 'globalValueSets'));
  for (const objectName of readdirSync(objectsDir).sort()) {
    const dir = join(objectsDir, objectName);
    const fields = readFields(join(dir, 'fields'), objectName, globalSets);
    if (objectName.endsWith('__c')) {
      result.customObjects.push(customObject(dir, objectName, fields));
    } else if (objectName.endsWith('__e')) {
      result.customObjects.push(platformEvent(dir, objectName, fields));
    } else if (fields.length) {
      result.standardObjectFields[objectName] = fields;
    }
  }
  return result;
}

function readXml(path: string): Xml {
  return parser.parse(readFileSync(path, 'utf8')) as Xml;
}

function text(node: Xml, key: string): string | undefined {
  const v = node[key];
  return v === undefined || v === null || typeof v === 'object' ? undefined : String(v);
}

function readFields(dir: string, objectName: string, globalSets: Map<string, PicklistValue[]>): FieldDef[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.field-meta.xml'))
    .sort()
    .map((f) => parseField((readXml(join(dir, f)).CustomField ?? {}) as Xml, objectName, globalSets))
    .filter((f): f is FieldDef => f !== null);
}

function customObject(dir: string, name: string, fields: FieldDef[]): ObjectDef {
  const file = join(dir, `${name}.object-meta.xml`);
  const meta = (existsSync(file) ? readXml(file).CustomObject : {}) as Xml;
  const nameField = (meta.nameField ?? {}) as Xml;
  const hasMaster = fields.some((f) => f.cascadeDelete && f.custom);
  const owned = !hasMaster && text(meta, 'sharingModel') !== 'ControlledByParent';
  const autoNumber = text(nameField, 'type') === 'AutoNumber' ? (text(nameField, 'displayFormat') ?? '{0}') : undefined;
  const nameDef: FieldDef = {
    name: 'Name',
    label: text(nameField, 'label') ?? 'Name',
    type: 'string',
    custom: false,
    length: 80,
    createable: !autoNumber,
    updateable: !autoNumber,
    ...(autoNumber ? { autoNumber } : {}),
  };
  return {
    name,
    label: text(meta, 'label') ?? name.replace(/__c$/, '').replace(/_/g, ' '),
    labelPlural: text(meta, 'pluralLabel') ?? name,
    keyPrefix: '',
    custom: true,
    fields: [...systemFields(owned), nameDef, ...fields],
    childRelationships: [],
  };
}

/**
 * A platform event: its custom fields plus the system fields a subscriber receives (ReplayId, EventUuid,
 * CreatedDate, CreatedById). No Name, no owner, no currency.
 */
function platformEvent(dir: string, name: string, fields: FieldDef[]): ObjectDef {
  const file = join(dir, `${name}.object-meta.xml`);
  const meta = (existsSync(file) ? readXml(file).CustomObject : {}) as Xml;
  const system = (fieldName: string, type: SfFieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ name: fieldName, label: fieldName, type, custom: false, createable: false, updateable: false, ...extra });
  return {
    name,
    label: text(meta, 'label') ?? name.replace(/__e$/, '').replace(/_/g, ' '),
    labelPlural: text(meta, 'pluralLabel') ?? name,
    keyPrefix: '',
    custom: true,
    platformEvent: true,
    deletable: false,
    fields: [
      system('Id', 'id'),
      system('ReplayId', 'string', { length: 255 }),
      system('EventUuid', 'string', { length: 36 }),
      system('CreatedDate', 'datetime'),
      system('CreatedById', 'reference', { referenceTo: ['User'], relationshipName: 'CreatedBy' }),
      ...fields,
    ],
    childRelationships: [],
  };
}

const TYPE_MAP: Record<string, SfFieldType> = {
  Text: 'string',
  TextArea: 'textarea',
  LongTextArea: 'textarea',
  Html: 'textarea',
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
  AutoNumber: 'string',
  EncryptedText: 'encryptedstring',
  Summary: 'double',
};

function parseField(node: Xml, objectName: string, globalSets: Map<string, PicklistValue[]>): FieldDef | null {
  const name = text(node, 'fullName');
  const xmlType = text(node, 'type');
  if (!name || !xmlType) return null;
  const type = TYPE_MAP[xmlType] ?? 'string';
  const formula = text(node, 'formula');
  const isSummary = xmlType === 'Summary';
  const isAuto = xmlType === 'AutoNumber';
  const readOnly = Boolean(formula) || isSummary || isAuto;
  const num = (key: string): number | undefined => {
    const v = text(node, key);
    return v === undefined ? undefined : Number(v);
  };
  const def: FieldDef = {
    name,
    label: text(node, 'label') ?? name,
    type,
    custom: name.endsWith('__c'),
    createable: !readOnly,
    updateable: !readOnly,
  };
  const length = num('length');
  if (length !== undefined) def.length = length;
  else if (type === 'textarea') def.length = 255;
  else if (type === 'string' || type === 'encryptedstring') def.length = isAuto ? 30 : 255;
  if (num('precision') !== undefined) def.precision = num('precision');
  if (num('scale') !== undefined) def.scale = num('scale');
  if (text(node, 'externalId') === 'true') def.externalId = true;
  if (text(node, 'unique') === 'true') def.unique = true;
  if (text(node, 'caseSensitive') === 'true') def.caseSensitive = true;
  if (text(node, 'required') === 'true' && !readOnly && type !== 'boolean') def.required = true;
  if (formula) {
    def.calculated = true;
    def.formula = formula;
  }
  if (isAuto) def.autoNumber = text(node, 'displayFormat') ?? '{0}';
  const dflt = text(node, 'defaultValue');
  if (type === 'boolean') def.defaultValue = dflt === 'true';
  else if (dflt !== undefined && /^'.*'$/.test(dflt)) def.defaultValue = dflt.slice(1, -1);
  if (isSummary) addSummary(def, node);
  if (type === 'picklist' || type === 'multipicklist') addPicklist(def, node, globalSets);
  if (type === 'reference') addReference(def, node, xmlType);
  if (!name.endsWith('__c') && objectName) def.custom = false;
  return def;
}

function addSummary(def: FieldDef, node: Xml): void {
  const op = (text(node, 'summaryOperation') ?? 'count') as 'count' | 'sum' | 'min' | 'max';
  const foreignKey = text(node, 'summaryForeignKey') ?? '';
  const [childObject = '', fk = ''] = foreignKey.split('.');
  const summarized = text(node, 'summarizedField')?.split('.')[1];
  def.rollup = { operation: op, childObject, foreignKey: fk, ...(summarized ? { field: summarized } : {}) };
  def.calculated = true;
  if (op === 'count') def.scale = 0;
}

function addPicklist(def: FieldDef, node: Xml, globalSets: Map<string, PicklistValue[]>): void {
  const valueSet = (node.valueSet ?? {}) as Xml;
  const setName = text(valueSet, 'valueSetName');
  if (setName) {
    def.picklistValues = globalSets.get(setName) ?? [];
    def.restrictedPicklist = true;
    return;
  }
  const definition = (valueSet.valueSetDefinition ?? {}) as Xml;
  def.picklistValues = toPicklist((definition.value ?? []) as Xml[]);
  def.restrictedPicklist = text(valueSet, 'restricted') === 'true';
  const dflt = def.picklistValues.find((v) => v.defaultValue);
  if (dflt) def.defaultValue = dflt.value;
}

function toPicklist(values: Xml[]): PicklistValue[] {
  return values.map((v) => {
    const value = text(v, 'fullName') ?? '';
    return { value, label: text(v, 'label') ?? value, active: text(v, 'isActive') !== 'false', defaultValue: text(v, 'default') === 'true' };
  });
}

function addReference(def: FieldDef, node: Xml, xmlType: string): void {
  const to = text(node, 'referenceTo') ?? (xmlType === 'Hierarchy' ? 'User' : '');
  def.referenceTo = [to];
  const rel = text(node, 'relationshipName');
  if (def.name.endsWith('__c')) def.relationshipName = def.name.replace(/__c$/, '__r');
  if (rel) def.childRelationshipName = def.custom ? `${rel}__r` : rel;
  if (xmlType === 'MasterDetail') {
    def.cascadeDelete = true;
    def.required = true;
    if (text(node, 'reparentableMasterDetail') !== 'true') def.updateable = false;
  }
}

function loadGlobalValueSets(dir: string): Map<string, PicklistValue[]> {
  const sets = new Map<string, PicklistValue[]>();
  if (!existsSync(dir)) return sets;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.globalValueSet-meta.xml'))) {
    const node = (readXml(join(dir, file)).GlobalValueSet ?? {}) as Xml;
    sets.set(file.replace('.globalValueSet-meta.xml', ''), toPicklist((node.customValue ?? []) as Xml[]));
  }
  return sets;
}
