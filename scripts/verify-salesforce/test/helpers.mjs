// Test helpers: copy the good fixture project to a temp dir, break one thing, run the CLI on it.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const GOOD_PROJECT = path.join(HERE, 'fixtures', 'good-project');
const CLI = path.join(HERE, '..', 'index.mjs');
export const DEFAULT = 'force-app/main/default';

/**
 * Copies the good project into a fresh temp dir (removed after the test) and applies edits:
 * { 'relative/path': 'new content' | (old) => new | null (delete) }. Returns the force-app path.
 */
export function makeProject(t, edits = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'verify-salesforce-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(GOOD_PROJECT, dir, { recursive: true });
  for (const [rel, edit] of Object.entries(edits)) {
    const file = path.join(dir, rel);
    if (edit === null) {
      rmSync(file);
      continue;
    }
    mkdirSync(path.dirname(file), { recursive: true });
    const next = typeof edit === 'function' ? edit(readFileSync(file, 'utf8')) : edit;
    if (typeof edit === 'function' && next === readFileSync(file, 'utf8')) {
      throw new Error(`edit of ${rel} changed nothing: the fixture no longer has what the test expects`);
    }
    writeFileSync(file, next);
  }
  return path.join(dir, 'force-app');
}

/** Runs the verification CLI on a source folder; returns { code, out } (stdout + stderr). */
export function verify(root, ...stages) {
  const args = [CLI, '--root', root, ...(stages.length ? ['--only', stages.join(',')] : [])];
  const result = spawnSync(process.execPath, args, { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { code: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The problem lines that name a file (the "path:line: message" lines printed under a stage). */
export function problemLines(out, fileName) {
  return out.split('\n').filter((line) => line.includes(fileName) && /: /.test(line));
}
