// Stage 3: Apex syntax (prettier-plugin-apex runs the real Apex parser) and formatting of every file
// prettier understands (Apex, LWC js/html/css, XML, JSON), with the repository's one .prettierrc.
// Each file is parsed once; both stages read the shared result.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { REPO_ROOT } from '../paths.mjs';

const CONFIG_FILE = path.join(REPO_ROOT, '.prettierrc');
const IGNORE_FILE = path.join(REPO_ROOT, '.prettierignore');
const PLUGINS = ['prettier-plugin-apex', '@prettier/plugin-xml'].map((name) => import.meta.resolve(name));
const APEX = /\.(cls|trigger)$/;
const FORMATTED = /\.(cls|trigger|js|html|css|xml|json)$/;
const CONCURRENCY = 4; // the Apex parser is a native process per file: overlap a few

/** @returns {Promise<{ status: 'ok'|'unformatted'|'syntax'|'skipped', message?: string }>} */
async function checkFile(file, projectDir) {
  const info = await prettier.getFileInfo(file, { ignorePath: IGNORE_FILE, plugins: PLUGINS });
  if (info.ignored || !info.inferredParser) return { status: 'skipped' };
  // The config's overrides are globs relative to the repository: resolve them for the file's place in its
  // project, so that a source folder outside the repository (a test fixture) gets the same options.
  const asInRepo = path.join(REPO_ROOT, path.relative(projectDir, file));
  const config = (await prettier.resolveConfig(asInRepo, { config: CONFIG_FILE })) ?? {};
  const source = readFileSync(file, 'utf8');
  try {
    const formatted = await prettier.format(source, { ...config, plugins: PLUGINS, filepath: file });
    return { status: formatted === source ? 'ok' : 'unformatted' };
  } catch (err) {
    const where = err.loc?.start?.line ? { line: err.loc.start.line } : {};
    return { status: 'syntax', message: String(err.message).split('\n')[0].trim(), ...where };
  }
}

/** Checks files (memoised in ctx so a file is parsed once per run). */
export async function checkAll(ctx, files) {
  ctx.prettierResults ??= new Map();
  const todo = files.filter((f) => !ctx.prettierResults.has(f));
  const projectDir = path.dirname(ctx.tree.root);
  for (let i = 0; i < todo.length; i += CONCURRENCY) {
    const batch = todo.slice(i, i + CONCURRENCY);
    const results = await Promise.all(batch.map((file) => checkFile(file, projectDir)));
    batch.forEach((file, k) => ctx.prettierResults.set(file, results[k]));
  }
  return files.map((file) => [file, ctx.prettierResults.get(file)]);
}

export async function runApexSyntax(ctx) {
  const apex = ctx.tree.kept.filter((f) => APEX.test(f));
  if (apex.length === 0) return { problems: [], notes: ['no Apex'] };
  const problems = [];
  for (const [file, result] of await checkAll(ctx, apex)) {
    if (result.status === 'syntax') {
      problems.push({ file, line: result.line, message: `Apex syntax error: ${result.message}` });
    }
  }
  return { problems, notes: [`${apex.length} Apex files parsed`] };
}

export async function runFormat(ctx) {
  // All files, .forceignored ones too: LWC tests and jsconfig.json are kept tidy as well.
  const files = ctx.tree.files.filter((f) => FORMATTED.test(f) && !ctx.tree.malformed.has(f));
  const problems = [];
  let checked = 0;
  for (const [file, result] of await checkAll(ctx, files)) {
    if (result.status === 'skipped') continue;
    checked += 1;
    if (result.status === 'unformatted') {
      problems.push({ file, message: 'not formatted with the repository .prettierrc (run `npm run format`)' });
    } else if (result.status === 'syntax' && !APEX.test(file)) {
      problems.push({ file, line: result.line, message: `cannot be parsed by prettier: ${result.message}` });
    }
    // Apex syntax errors are reported by the apex-syntax stage.
  }
  return { problems, notes: [`${checked} files checked`] };
}
