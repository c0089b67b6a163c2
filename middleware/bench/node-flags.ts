import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The web line of the Procfile: the environment it sets before `node`, and Node's flags. */
function webLine(procfile: string): { env: string; flags: string } {
  const web = /^web: ((?:[A-Z_]+=\S+ )*)node ((?:--\S+ )*)middleware\/dist\/main\.js$/m.exec(procfile);
  if (!web) throw new Error('the Procfile has no web line starting middleware/dist/main.js');
  return { env: web[1]!, flags: web[2]! };
}

/** The Node flags of the Procfile's web process: what the middleware runs with in production. */
export function productionNodeFlags(procfile: string): string[] {
  return webLine(procfile).flags.split(' ').filter(Boolean);
}

/**
 * The environment the Procfile's web process starts with, its role aside (the process's own settings, such
 * as glibc's MALLOC_ARENA_MAX, read before any JavaScript runs).
 */
export function productionNodeEnv(procfile: string): Record<string, string> {
  const pairs = webLine(procfile).env.split(' ').filter(Boolean).map((pair) => pair.split('=') as [string, string]);
  return Object.fromEntries(pairs.filter(([name]) => name !== 'LEDGERLINE_ROLE'));
}

const PROCFILE = readFileSync(path.join(__dirname, '..', '..', 'Procfile'), 'utf8');
/** Read once from the repository's Procfile (the Dockerfile and `npm start` carry the same, see test/node-flags.test.ts). */
export const PRODUCTION_NODE_FLAGS = productionNodeFlags(PROCFILE);
export const PRODUCTION_NODE_ENV = productionNodeEnv(PROCFILE);
