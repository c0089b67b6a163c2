import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT, makeProject, verify } from './helpers.mjs';

test('pipeline: every stage passes on the good fixture and the summary lists them all', (t) => {
  const { code, out } = verify(makeProject(t));
  assert.equal(code, 0, out);
  for (const stage of ['structure', 'schema', 'apex-syntax', 'format', 'pmd', 'lwc-lint', 'lwc-test']) {
    assert.match(out, new RegExp(`^  ${stage}\\s+pass\\s+0\\s+\\d+\\.\\ds`, 'm'), out);
  }
  assert.match(out, /all 7 stages passed/);
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
