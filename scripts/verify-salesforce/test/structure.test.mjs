import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT, makeProject, problemLines, verify } from './helpers.mjs';

test('structure: malformed XML fails and names the file and line', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/objects/Invoice__c/fields/Status__c.field-meta.xml`]: (xml) => xml.replace('</label>', '</labl>')
  });
  const { code, out } = verify(root, 'structure');
  assert.notEqual(code, 0);
  const lines = problemLines(out, 'Status__c.field-meta.xml');
  assert.ok(
    lines.some((l) => /Status__c\.field-meta\.xml:\d+: malformed XML/.test(l)),
    out
  );
});

test('structure: an Apex class without its -meta.xml is an orphan', (t) => {
  const root = makeProject(t, { [`${DEFAULT}/classes/InvoiceSyncService.cls-meta.xml`]: null });
  const { code, out } = verify(root, 'structure');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceSyncService.cls').some((l) => /orphan Apex source/.test(l)),
    out
  );
});

test('structure: a trigger without its -meta.xml is an orphan', (t) => {
  const root = makeProject(t, { [`${DEFAULT}/triggers/InvoiceTrigger.trigger-meta.xml`]: null });
  const { code, out } = verify(root, 'structure');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceTrigger.trigger').some((l) => /orphan Apex source/.test(l)),
    out
  );
});

test('structure: a stray file that is no metadata component fails', (t) => {
  const root = makeProject(t, { [`${DEFAULT}/classes/notes.txt`]: 'remember to write the tests\n' });
  const { code, out } = verify(root, 'structure');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'notes.txt').some((l) => /stray file/.test(l)),
    out
  );
});

test('structure: a file excluded by .forceignore is not stray', (t) => {
  const root = makeProject(t, { [`${DEFAULT}/lwc/invoiceBadge/jsconfig.json`]: '{}\n' });
  const { code, out } = verify(root, 'structure');
  assert.equal(code, 0, out);
});

test('structure: a file of no known metadata type fails and names the file', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/widgets/Gauge.widget-meta.xml`]:
      '<?xml version="1.0" encoding="UTF-8" ?>\n<Widget xmlns="http://soap.sforce.com/2006/04/metadata" />\n'
  });
  const { code, out } = verify(root, 'structure');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'Gauge.widget-meta.xml').some((l) =>
      /cannot resolve the tree.*Could not infer a metadata type/.test(l)
    ),
    out
  );
});
