// Builds the XSD used to validate metadata files from the committed Metadata API WSDL, and caches it.
//
// The WSDL's <xsd:schema> declares types but only operation elements; a metadata file's root element
// (<CustomField>, <ApexClass>, ...) needs a global element, so one is added per complexType.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, existsSync, writeFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { REPO_ROOT } from './paths.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WSDL_PATH = path.join(HERE, '..', 'schema', 'metadata.wsdl');
const CACHE_DIR = path.join(REPO_ROOT, 'node_modules', '.cache', 'ledgerline-verify-salesforce');

const XSD_NS = 'http://www.w3.org/2001/XMLSchema';
const MD_NS = 'http://soap.sforce.com/2006/04/metadata';

// The WSDL types LightningComponentBundle.targetConfigs as base64Binary, but real js-meta.xml files hold
// <targetConfig> elements there, and most put <targets> before <targetConfigs> (the platform accepts both
// orders; the WSDL sequence allows only targetConfigs first). Accept either order and any content inside
// targetConfigs (target names and properties are not checked).
const BUNDLE_TYPE = '<xsd:complexType name="LightningComponentBundle">';
const WSDL_TAIL =
  '<xsd:element name="targetConfigs" minOccurs="0" type="xsd:base64Binary"/>\n' +
  '       <xsd:element name="targets" minOccurs="0" type="tns:Targets"/>';
const RELAXED_TAIL =
  '<xsd:choice minOccurs="0" maxOccurs="2">' +
  '<xsd:element name="targetConfigs"><xsd:complexType><xsd:sequence>' +
  '<xsd:any namespace="##any" processContents="skip" minOccurs="0" maxOccurs="unbounded"/>' +
  '</xsd:sequence></xsd:complexType></xsd:element>' +
  '<xsd:element name="targets" type="tns:Targets"/>' +
  '</xsd:choice>';

/** Returns the wrapper XSD text for a WSDL text. Throws when the WSDL does not have the expected shape. */
export function buildWrapperSchema(wsdlText) {
  const start = wsdlText.indexOf('<xsd:schema');
  const end = wsdlText.indexOf('</xsd:schema>');
  if (start < 0 || end < 0) throw new Error('metadata.wsdl: no <xsd:schema> element found');
  let schema = wsdlText.slice(start, end);

  const openEnd = schema.indexOf('>');
  const openTag = schema.slice(0, openEnd);
  if (!openTag.includes(`targetNamespace="${MD_NS}"`)) {
    throw new Error(`metadata.wsdl: the schema's targetNamespace is not ${MD_NS}`);
  }
  schema = `${openTag} xmlns:xsd="${XSD_NS}" xmlns:tns="${MD_NS}"${schema.slice(openEnd)}`;
  schema = relaxLightningComponentBundle(schema);

  const { complexTypes, elements } = topLevelNames(schema + '</xsd:schema>');
  const taken = new Set(elements);
  const globals = complexTypes
    .filter((name) => !taken.has(name))
    .map((name) => `  <xsd:element name="${name}" type="tns:${name}"/>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${schema}\n${globals.join('\n')}\n</xsd:schema>\n`;
}

function relaxLightningComponentBundle(schema) {
  const typeStart = schema.indexOf(BUNDLE_TYPE);
  const typeEnd = schema.indexOf('</xsd:complexType>', typeStart);
  const at = schema.indexOf(WSDL_TAIL, typeStart);
  if (typeStart < 0 || at < 0 || at > typeEnd) {
    throw new Error(
      'metadata.wsdl: LightningComponentBundle no longer ends with targetConfigs (base64) + targets; review the relaxation'
    );
  }
  return schema.slice(0, at) + RELAXED_TAIL + schema.slice(at + WSDL_TAIL.length);
}

function topLevelNames(schemaText) {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@', isArray: () => true });
  const root = parser.parse(schemaText)['xsd:schema'][0];
  const names = (key) => (root[key] ?? []).map((node) => node['@name']).filter(Boolean);
  return { complexTypes: names('xsd:complexType'), elements: names('xsd:element') };
}

/** Names of all complexTypes in the wrapper schema (each is a possible root element). */
export function complexTypeNames(schemaText) {
  return new Set(topLevelNames(schemaText).complexTypes);
}

/**
 * Returns { path, text } of the wrapper schema, generating it into node_modules/.cache when the WSDL or
 * this builder changed. The cache key is a hash of both, so a stale schema is never used.
 */
export function loadWrapperSchema() {
  const wsdl = readFileSync(WSDL_PATH, 'utf8');
  const builder = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  const key = createHash('sha256').update(wsdl).update(builder).digest('hex').slice(0, 16);
  const file = path.join(CACHE_DIR, `metadata-${key}.xsd`);
  if (existsSync(file)) return { path: file, text: readFileSync(file, 'utf8') };
  const text = buildWrapperSchema(wsdl);
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file); // atomic: parallel test processes never read a half-written schema
  return { path: file, text };
}
