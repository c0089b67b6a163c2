import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

/** The repository root (where package.json, .prettierrc, eslint.config.mjs and jest.config.js live). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** require() resolving from the repository root, for the CommonJS tool packages. */
export const requireFromRepo = createRequire(path.join(REPO_ROOT, 'package.json'));

/** A path relative to the current directory when it is inside it, else absolute: short and clickable. */
export function displayPath(file) {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}
