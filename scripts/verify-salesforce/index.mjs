#!/usr/bin/env node
// Offline verification of the Salesforce source (force-app): structure, Metadata API schema, Apex syntax,
// formatting, SOQL against the field catalogue, Apex static analysis, LWC lint and LWC unit tests. Every
// stage runs, each problem is printed with its file, a summary table ends the run, and the exit code is 1
// when any stage failed.
//
//   node scripts/verify-salesforce/index.mjs [--root <dir>] [--only a,b] [--skip a,b] [--verbose]
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT, displayPath } from './lib/paths.mjs';
import { readSourceTree } from './lib/source-tree.mjs';
import { findMalformedXml, runStructure } from './lib/stages/structure.mjs';
import { runSchema } from './lib/stages/schema.mjs';
import { runApexSyntax, runFormat } from './lib/stages/prettier.mjs';
import { runPmd } from './lib/stages/pmd.mjs';
import { runSoql } from './lib/stages/soql.mjs';
import { runLwcLint } from './lib/stages/lwc-lint.mjs';
import { runLwcTest } from './lib/stages/lwc-test.mjs';

export const STAGES = [
  { name: 'structure', title: 'source structure (SDR convert, well-formed XML, orphans)', run: runStructure },
  { name: 'schema', title: 'Metadata API schema (WSDL v66)', run: runSchema },
  { name: 'apex-syntax', title: 'Apex syntax (prettier-plugin-apex parser)', run: runApexSyntax },
  { name: 'format', title: 'formatting (prettier --check)', run: runFormat },
  { name: 'soql', title: 'SOQL in Apex against the field catalogue (force-app + standard objects)', run: runSoql },
  { name: 'pmd', title: 'Apex static analysis (Code Analyzer: PMD + regex)', run: runPmd },
  { name: 'lwc-lint', title: 'LWC lint (ESLint, @salesforce/eslint-config-lwc)', run: runLwcLint },
  { name: 'lwc-test', title: 'LWC unit tests (sfdx-lwc-jest, coverage)', run: runLwcTest }
];

const USAGE = `usage: verify-salesforce [--root <dir>] [--only <stages>] [--skip <stages>] [--verbose]
  --root     source folder to check (default: force-app)
  --only     comma-separated stages to run; --skip: stages to leave out
  stages:    ${STAGES.map((s) => s.name).join(', ')}`;

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string', default: path.join(REPO_ROOT, 'force-app') },
      only: { type: 'string' },
      skip: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  });
  const list = (v) =>
    v
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const only = list(values.only);
  const skip = list(values.skip);
  for (const name of [...only, ...skip]) {
    if (!STAGES.some((s) => s.name === name)) throw new Error(`unknown stage "${name}"\n${USAGE}`);
  }
  const stages = STAGES.filter((s) => (only.length === 0 || only.includes(s.name)) && !skip.includes(s.name));
  return { root: path.resolve(values.root), stages, verbose: values.verbose, help: values.help };
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)}s`;

async function main() {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    return 2;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (!existsSync(options.root) || !statSync(options.root).isDirectory()) {
    console.error(`verify-salesforce: source folder not found: ${options.root}`);
    return 2;
  }

  const started = Date.now();
  console.log(`verify-salesforce: checking ${displayPath(options.root)}`);
  const tree = readSourceTree(options.root);
  tree.malformed = findMalformedXml(tree);
  const ctx = { tree, verbose: options.verbose, log: (line) => console.log(line) };

  const rows = [];
  for (const stage of options.stages) {
    console.log(`\n== ${stage.name}: ${stage.title}`);
    const t0 = Date.now();
    let result;
    try {
      result = await stage.run(ctx);
    } catch (err) {
      result = { problems: [{ file: options.root, message: `stage crashed: ${err.stack ?? err}` }] };
    }
    const problems = result.problems ?? [];
    for (const p of problems) console.log(`  ${displayPath(p.file)}${p.line ? `:${p.line}` : ''}: ${p.message}`);
    const notes = (result.notes ?? []).join('; ');
    console.log(`  ${problems.length ? `FAIL (${problems.length} problems)` : 'ok'}${notes ? ` - ${notes}` : ''}`);
    rows.push({ name: stage.name, ok: problems.length === 0, problems: problems.length, ms: Date.now() - t0, notes });
  }

  const width = Math.max(...rows.map((r) => r.name.length), 5);
  console.log('\nsummary');
  console.log(`  ${'stage'.padEnd(width)}  result  problems  time   notes`);
  for (const r of rows) {
    const result = r.ok ? 'pass' : 'FAIL';
    console.log(
      `  ${r.name.padEnd(width)}  ${result.padEnd(6)}  ${String(r.problems).padStart(8)}  ${seconds(r.ms).padStart(5)}  ${r.notes}`
    );
  }
  const failed = rows.filter((r) => !r.ok).length;
  console.log(
    `\nverify-salesforce: ${failed ? `${failed} of ${rows.length} stages FAILED` : `all ${rows.length} stages passed`} in ${seconds(Date.now() - started)}`
  );
  return failed ? 1 : 0;
}

process.exitCode = await main();
