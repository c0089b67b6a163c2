import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT, makeProject, verify } from './helpers.mjs';

test('pipeline: every stage passes on the good fixture (the baseline of every broken-fixture test)', (t) => {
  const { code, out } = verify(makeProject(t));
  assert.equal(code, 0, out);
  for (const stage of ['structure', 'schema', 'apex-syntax', 'format', 'soql', 'pmd', 'lwc-lint', 'lwc-test']) {
    assert.match(out, new RegExp(`^  ${stage}\\s+pass\\s+0\\s+\\d+\\.\\ds`, 'm'), out);
  }
  assert.match(out, /all 8 stages passed/);
  // Each stage really looked at the fixture (a stage that silently checked nothing would also "pass").
  assert.match(out, /structure\s.*4 components, 9 files/);
  assert.match(out, /schema\s.*5 files validated/); // incl. the LWC bundle with targets + targetConfigs
  assert.match(out, /apex-syntax\s.*2 Apex files parsed/);
  assert.match(out, /format\s.*10 files checked/);
  assert.match(out, /soql\s.*1 queries in 2 Apex files/);
  assert.match(out, /pmd\s.*2 Apex files, \d+ rules/);
  assert.match(out, /lwc-lint\s.*2 files linted/); // the component and its jest test
  assert.match(out, /lwc-test\s.*tests: 2 passed, 2 total/);
});

test('pipeline: later stages still run after an early failure, and the summary shows which failed', (t) => {
  const root = makeProject(t, { [`${DEFAULT}/classes/notes.txt`]: 'stray\n' });
  const { code, out } = verify(root, 'structure', 'schema', 'apex-syntax');
  assert.equal(code, 1);
  assert.match(out, /^  structure\s+FAIL\s+1/m);
  assert.match(out, /^  schema\s+pass/m);
  assert.match(out, /^  apex-syntax\s+pass/m);
  assert.match(out, /1 of 3 stages FAILED/);
});

test('pipeline: an unknown stage or a missing folder is a usage error', (t) => {
  assert.equal(verify(makeProject(t), 'no-such-stage').code, 2);
  assert.equal(verify('/nonexistent/force-app').code, 2);
});
