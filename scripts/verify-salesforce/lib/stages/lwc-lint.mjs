// Stage 5: ESLint (the repository's eslint.config.mjs, @salesforce/eslint-config-lwc recommended) on
// every LWC JavaScript file, tests included.
import path from 'node:path';
import { REPO_ROOT, requireFromRepo } from '../paths.mjs';

const LWC_JS = /[\\/]lwc[\\/].+\.js$/;

export async function runLwcLint({ tree }) {
  const files = tree.files.filter((f) => LWC_JS.test(path.relative(path.dirname(tree.root), f)));
  if (files.length === 0) return { problems: [], notes: ['no LWC JavaScript'] };

  const { ESLint } = requireFromRepo('eslint');
  // The config's globs are relative to cwd when the config file is given explicitly: use the source
  // folder's parent so that "**/lwc/**/*.js" matches the same files for force-app and for test fixtures.
  const eslint = new ESLint({
    cwd: path.dirname(tree.root),
    overrideConfigFile: path.join(REPO_ROOT, 'eslint.config.mjs'),
    errorOnUnmatchedPattern: false
  });
  const problems = [];
  let linted = 0;
  for (const result of await eslint.lintFiles(files)) {
    linted += 1;
    for (const m of result.messages) {
      const rule = m.ruleId ? ` (${m.ruleId})` : '';
      const kind = m.severity === 2 ? 'error' : 'warning';
      problems.push({ file: result.filePath, line: m.line, message: `eslint ${kind}: ${m.message}${rule}` });
    }
  }
  // An LWC file the config does not cover would pass unchecked: say so instead.
  if (linted < files.length)
    problems.push({ file: tree.root, message: `${files.length - linted} LWC files were not linted` });
  return { problems, notes: [`${files.length} files linted`] };
}
