// Stage 6: LWC unit tests with sfdx-lwc-jest and coverage. For the repository's force-app this is exactly
// `npm run test:lwc` (root jest.config.js, coverage thresholds); for another source folder (a test
// fixture) the folder's parent must be an SFDX project, and sfdx-lwc-jest's default config is used there.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT, requireFromRepo } from '../paths.mjs';

const LWC_JS = /[\\/]lwc[\\/].+\.js$/;

export async function runLwcTest(ctx) {
  const { tree } = ctx;
  const lwcFiles = tree.files.filter((f) => LWC_JS.test(path.relative(path.dirname(tree.root), f)));
  if (lwcFiles.length === 0) return { problems: [], notes: ['no LWC components: skipped'] };

  const projectDir = path.dirname(tree.root);
  if (!existsSync(path.join(projectDir, 'sfdx-project.json'))) {
    return {
      problems: [
        { file: projectDir, message: 'no sfdx-project.json beside the source folder: cannot run sfdx-lwc-jest' }
      ]
    };
  }
  const bin = path.join(
    path.dirname(requireFromRepo.resolve('@salesforce/sfdx-lwc-jest/package.json')),
    'bin',
    'sfdx-lwc-jest'
  );
  const isRepo = path.resolve(projectDir) === REPO_ROOT;
  const args = [
    bin,
    '--coverage',
    ...(isRepo ? [] : ['--', '--passWithNoTests', '--coverageDirectory', path.join(projectDir, 'coverage')])
  ];
  const { code, output } = await run(process.execPath, args, projectDir);

  const problems = [];
  for (const match of output.matchAll(/^\s*FAIL\s+(\S+)/gm)) {
    problems.push({ file: path.resolve(projectDir, match[1]), message: 'LWC unit test failed' });
  }
  for (const match of output.matchAll(/^Jest: (.*coverage threshold.*)$/gm)) {
    problems.push({ file: tree.root, message: match[1] });
  }
  if (code !== 0 && problems.length === 0)
    problems.push({ file: tree.root, message: `sfdx-lwc-jest exited with ${code}` });
  if (problems.length > 0 || ctx.verbose) ctx.log(indent(output));
  const summary = /^Tests:\s+(.*)$/m.exec(output)?.[1];
  return { problems, notes: [summary ? `tests: ${summary}` : 'no LWC tests'] };
}

function run(command, args, cwd) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('close', (code) => resolve({ code, output }));
  });
}

const indent = (text) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
