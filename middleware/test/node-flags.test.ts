import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PRODUCTION_NODE_ENV, PRODUCTION_NODE_FLAGS, productionNodeEnv, productionNodeFlags } from '../bench/node-flags';

/**
 * The middleware's Node flags (issue #19's memory goal: a young generation of 2 MB semi-spaces and an old
 * generation that grows 20 % past its live objects keep the process under 150 MB RSS through a 10,000-job
 * backlog) are the same wherever it is started, and the backlog bench measures it with them. So is the
 * environment it starts with (MALLOC_ARENA_MAX: glibc's malloc arenas).
 */
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

describe('production Node flags', () => {
  it('cap the young generation and the old generation’s growth', () => {
    expect(PRODUCTION_NODE_FLAGS).toEqual(['--max-semi-space-size=2', '--heap-growing-percent=20']);
  });

  it('start with one malloc arena pair for all of Node’s threads', () => {
    expect(PRODUCTION_NODE_ENV).toEqual({ MALLOC_ARENA_MAX: '2' });
  });

  it('are the Procfile’s, the Dockerfile’s and npm start’s, with the same environment', () => {
    const env = Object.entries(PRODUCTION_NODE_ENV).map(([name, value]) => `${name}=${value}`);
    expect(productionNodeEnv(read('Procfile'))).toEqual(PRODUCTION_NODE_ENV);
    expect(read('Procfile')).toMatch(new RegExp(`^worker: ${env.join(' ')} LEDGERLINE_ROLE=worker node `, 'm'));
    // The runtime stage's ENV (the image's CMD is exec form: no shell to set it on the command line).
    const runtime = read('Dockerfile').split(/^FROM .* AS runtime$/m)[1]!;
    const envInstruction = /^ENV (?:.*\\\n)*.*/m.exec(runtime)?.[0] ?? '';
    for (const pair of env) expect(envInstruction.split(/[\s\\]+/)).toContain(pair);
    expect((JSON.parse(read('middleware/package.json')) as { scripts: Record<string, string> }).scripts.start).toMatch(new RegExp(`^${env.join(' ')} node `));
  });

  it('are the Procfile’s, the Dockerfile’s and npm start’s', () => {
    const flags = PRODUCTION_NODE_FLAGS.join(' ');
    expect(productionNodeFlags(read('Procfile'))).toEqual(PRODUCTION_NODE_FLAGS);
    expect(read('Procfile')).toMatch(new RegExp(`^worker: (?:[A-Z_]+=\\S+ )*LEDGERLINE_ROLE=worker node ${flags} middleware/dist/main\\.js$`, 'm'));
    expect(read('Dockerfile')).toContain(`CMD ["node", ${PRODUCTION_NODE_FLAGS.map((f) => JSON.stringify(f)).join(', ')}, "middleware/dist/main.js"]`);
    expect((JSON.parse(read('middleware/package.json')) as { scripts: Record<string, string> }).scripts.start).toMatch(new RegExp(`node ${flags} dist/main\\.js$`));
  });
});
