import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT, makeProject, problemLines, verify } from './helpers.mjs';

const CLASS = `${DEFAULT}/classes/InvoiceSyncService.cls`;

test('apex-syntax: a syntax error fails and names the file', (t) => {
  const root = makeProject(t, { [CLASS]: (src) => src.replace('return result;', 'return result') });
  const { code, out } = verify(root, 'apex-syntax');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceSyncService.cls').some((l) => /Apex syntax error: Missing ';'/.test(l)),
    out
  );
});

test('apex-syntax: a double-quoted string in a trigger fails', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/triggers/InvoiceTrigger.trigger`]: (src) => src.replace('new Set<Id>()', 'new Set<String>{ "x" }')
  });
  const { code, out } = verify(root, 'apex-syntax');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceTrigger.trigger').some((l) => /Apex syntax error/.test(l)),
    out
  );
});

test('format: a badly formatted class fails and names the file', (t) => {
  const root = makeProject(t, { [CLASS]: (src) => src.replace('        return result;', 'return   result ;') });
  const { code, out } = verify(root, 'format');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceSyncService.cls').some((l) => /not formatted/.test(l)),
    out
  );
});

test('format: a badly formatted XML file fails and names the file', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/objects/Invoice__c/Invoice__c.object-meta.xml`]: (xml) =>
      xml.replace('    <label>Invoice</label>', '<label>Invoice</label>')
  });
  const { code, out } = verify(root, 'format');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'Invoice__c.object-meta.xml').some((l) => /not formatted/.test(l)),
    out
  );
});

const SOQL_IN_LOOP = `/**
 * Fixture: one query per record.
 */
public with sharing class InvoiceLoop {
    /**
     * Counts invoices per opportunity, the slow way.
     * @param opportunityIds the opportunities
     * @return how many were found
     */
    public static Integer countAll(List<Id> opportunityIds) {
        Integer total = 0;
        for (Id oppId : opportunityIds) {
            total += [SELECT COUNT() FROM Opportunity WHERE Id = :oppId WITH USER_MODE];
        }
        return total;
    }
}
`;
const CLASS_META = `<?xml version="1.0" encoding="UTF-8"?>
<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>66.0</apiVersion>
    <status>Active</status>
</ApexClass>
`;

test('pmd: SOQL inside a loop fails with OperationWithLimitsInLoop at file:line', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/classes/InvoiceLoop.cls`]: SOQL_IN_LOOP,
    [`${DEFAULT}/classes/InvoiceLoop.cls-meta.xml`]: CLASS_META
  });
  const { code, out } = verify(root, 'pmd');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'InvoiceLoop.cls').some((l) => /InvoiceLoop\.cls:13: pmd:OperationWithLimitsInLoop/.test(l)),
    out
  );
});

test('pmd: a source folder without Apex passes (skipped)', (t) => {
  const root = makeProject(t, {
    [CLASS]: null,
    [`${CLASS}-meta.xml`]: null,
    [`${DEFAULT}/triggers/InvoiceTrigger.trigger`]: null,
    [`${DEFAULT}/triggers/InvoiceTrigger.trigger-meta.xml`]: null
  });
  const { code, out } = verify(root, 'pmd');
  assert.equal(code, 0, out);
  assert.match(out, /no Apex: skipped/);
});
