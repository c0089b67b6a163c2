import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PRODUCTION_NODE_FLAGS, productionNodeFlags } from '../bench/node-flags';

/**
 * The middleware's Node flags (issue #19's memory goal: a young generation of 2 MB semi-spaces keeps the
 * process under 150 MB RSS through a 10,000-job backlog) are the same wherever it is started, and the backlog
 * bench measures it with them.
 */
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('production Node flags', () => {
  it('caps the young generation', () => {
    expect(PRODUCTION_NODE_FLAGS).toEqual(['--max-semi-space-size=2']);
  });

  it('are the Procfile’s, the Dockerfile’s and npm start’s', () => {
    const flags = PRODUCTION_NODE_FLAGS.join(' ');
    expect(productionNodeFlags(read('Procfile'))).toEqual(PRODUCTION_NODE_FLAGS);
    expect(read('Procfile')).toMatch(new RegExp(`^worker: LEDGERLINE_ROLE=worker node ${flags} middleware/dist/main\\.js$`, 'm'));
    expect(read('Dockerfile')).toContain(`CMD ["node", ${PRODUCTION_NODE_FLAGS.map((f) => JSON.stringify(f)).join(', ')}, "middleware/dist/main.js"]`);
    expect((JSON.parse(read('middleware/package.json')) as { scripts: Record<string, string> }).scripts.start).toBe(`node ${flags} dist/main.js`);
  });
});
