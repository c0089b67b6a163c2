import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildWrapperSchema, WSDL_PATH } from '../lib/schema.mjs';
import { DEFAULT, makeProject, problemLines, verify } from './helpers.mjs';

const FIELD = `${DEFAULT}/objects/Invoice__c/fields/Status__c.field-meta.xml`;

test('schema: an unknown element fails with file and line', (t) => {
  const root = makeProject(t, {
    [FIELD]: (xml) =>
      xml.replace('    <label>Status</label>\n', '    <label>Status</label>\n    <colour>red</colour>\n')
  });
  const { code, out } = verify(root, 'schema');
  assert.notEqual(code, 0);
  const lines = problemLines(out, 'Status__c.field-meta.xml');
  assert.ok(
    lines.some((l) => /Status__c\.field-meta\.xml:7: schema: Element 'colour': This element is not expected/.test(l)),
    out
  );
});

test('schema: a bad enum value fails with file and line', (t) => {
  const root = makeProject(t, { [FIELD]: (xml) => xml.replace('<type>Picklist</type>', '<type>Picklst</type>') });
  const { code, out } = verify(root, 'schema');
  assert.notEqual(code, 0);
  const lines = problemLines(out, 'Status__c.field-meta.xml');
  assert.ok(
    lines.some((l) => /:8: schema: .*'Picklst'.*not an element of the set/.test(l)),
    out
  );
});

test('schema: elements out of schema order fail', (t) => {
  const root = makeProject(t, {
    [FIELD]: (xml) =>
      xml
        .replace('    <fullName>Status__c</fullName>\n', '')
        .replace('</valueSet>\n', '</valueSet>\n    <fullName>Status__c</fullName>\n')
  });
  const { code, out } = verify(root, 'schema');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'Status__c.field-meta.xml').some((l) =>
      /Element 'fullName': This element is not expected/.test(l)
    ),
    out
  );
});

test('schema: a root element that does not match the file type fails', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/classes/InvoiceSyncService.cls-meta.xml`]: (xml) => xml.replaceAll('ApexClass', 'ApexTrigger')
  });
  const { code, out } = verify(root, 'schema');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceSyncService.cls-meta.xml').some((l) =>
      /does not match the metadata type ApexClass/.test(l)
    ),
    out
  );
});

test('schema builder: one global element per complexType, targetConfigs relaxed', () => {
  const xsd = buildWrapperSchema(readFileSync(WSDL_PATH, 'utf8'));
  assert.match(xsd, /<xsd:element name="CustomField" type="tns:CustomField"\/>/);
  assert.match(xsd, /<xsd:element name="LightningComponentBundle" type="tns:LightningComponentBundle"\/>/);
  assert.match(
    xsd,
    /xmlns:xsd="http:\/\/www.w3.org\/2001\/XMLSchema" xmlns:tns="http:\/\/soap.sforce.com\/2006\/04\/metadata"/
  );
  assert.doesNotMatch(xsd, /name="targetConfigs" minOccurs="0" type="xsd:base64Binary"/);
  // existing operation elements are kept, not duplicated
  assert.equal(xsd.match(/<xsd:element name="deploy">/g).length, 1);
});

test('schema builder: refuses a WSDL whose LightningComponentBundle changed shape', () => {
  const wsdl = readFileSync(WSDL_PATH, 'utf8').replace(
    'name="targetConfigs" minOccurs="0" type="xsd:base64Binary"',
    'name="targetConfigs" minOccurs="0" type="tns:TargetConfigs"'
  );
  assert.throws(() => buildWrapperSchema(wsdl), /LightningComponentBundle/);
});
