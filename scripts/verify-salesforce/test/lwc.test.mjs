import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT, makeProject, problemLines, verify } from './helpers.mjs';

const JS = `${DEFAULT}/lwc/invoiceBadge/invoiceBadge.js`;

test('lwc-lint: a document-level DOM query fails and names the file and line', (t) => {
  const root = makeProject(t, {
    [JS]: (src) =>
      src.replace(
        "        return this.status === 'Paid'",
        "        document.querySelector('div');\n        return this.status === 'Paid'"
      )
  });
  const { code, out } = verify(root, 'lwc-lint');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'invoiceBadge.js').some((l) =>
      /invoiceBadge\.js:7: eslint error: .*@lwc\/lwc\/no-document-query/.test(l)
    ),
    out
  );
});

test('lwc-test: a failing jest test fails the stage and names the test file', (t) => {
  const root = makeProject(t, {
    [`${DEFAULT}/lwc/invoiceBadge/__tests__/invoiceBadge.test.js`]: (src) =>
      src.replace("toBe('Open')", "toBe('Closed')")
  });
  const { code, out } = verify(root, 'lwc-test');
  assert.notEqual(code, 0);
  assert.ok(
    problemLines(out, 'invoiceBadge.test.js').some((l) => /LWC unit test failed/.test(l)),
    out
  );
});
