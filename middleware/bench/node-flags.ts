import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The Node flags of the Procfile's web process: what the middleware runs with in production. */
export function productionNodeFlags(procfile: string): string[] {
  const web = /^web: .*?\bnode ((?:--\S+ )*)middleware\/dist\/main\.js$/m.exec(procfile);
  if (!web) throw new Error('the Procfile has no web line starting middleware/dist/main.js');
  return web[1]!.split(' ').filter(Boolean);
}

/** Read once from the repository's Procfile (the Dockerfile and `npm start` carry the same, see test/node-flags.test.ts). */
export const PRODUCTION_NODE_FLAGS = productionNodeFlags(readFileSync(path.join(__dirname, '..', '..', 'Procfile'), 'utf8'));
