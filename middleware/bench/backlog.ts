/**
 * Memory with a 10,000-job backlog, the middleware alone. Three processes: the emulators with the 10,000 won
 * deals (bench/emulators-process.ts), the middleware compiled to JavaScript and run with plain `node` as in
 * production (bench/backlog-middleware.ts), and this one, which builds and starts them. The middleware queues
 * the 10,000 jobs at once, runs its workers for `seconds` and reports its own peak resident memory; the
 * emulators' process is reported beside it. The middleware runs with production's Node flags and environment
 * (MALLOC_ARENA_MAX), read from the Procfile (bench/node-flags.ts).
 */
import { fork, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Dialect } from '../src/store';
import { createTestDatabase } from '../src/store/test-databases';
import { startEmulatorsProcess } from './emulators-process';
import type { BacklogMiddlewareInput, runBacklogMiddleware } from './backlog-middleware';
import { PRODUCTION_NODE_ENV, PRODUCTION_NODE_FLAGS } from './node-flags';
import { report } from './result';

const MIDDLEWARE = path.join(__dirname, '..');

/** Compiles bench/backlog-middleware.ts and what it imports (the middleware) into `outDir`. */
function compile(outDir: string): string {
  const tsconfig = path.join(outDir, 'tsconfig.json');
  writeFileSync(tsconfig, JSON.stringify({ extends: path.join(MIDDLEWARE, 'tsconfig.build.json'), compilerOptions: { rootDir: MIDDLEWARE, outDir, sourceMap: false, noEmit: false, typeRoots: [path.join(MIDDLEWARE, 'node_modules', '@types'), path.join(MIDDLEWARE, '..', 'node_modules', '@types')] }, include: [], files: [path.join(__dirname, 'backlog-middleware.ts')] }));
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', tsconfig], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('could not compile the middleware for the backlog bench');
  // The compiled middleware reads config/sync-policy.json beside its sources, as dist/ does.
  symlinkSync(path.join(MIDDLEWARE, 'config'), path.join(outDir, 'config'));
  return path.join(outDir, 'bench', 'backlog-middleware.js');
}

export async function benchBacklog(options: { jobs?: number; seconds?: number; store?: Dialect; workerConcurrency?: number } = {}) {
  const jobs = options.jobs ?? 10_000;
  const seconds = options.seconds ?? 45;
  const outDir = mkdtempSync(path.join(os.tmpdir(), 'ledgerline-backlog-'));
  const entry = compile(outDir);
  const emulators = await startEmulatorsProcess({ deals: jobs, accounts: 500 });
  const database = await createTestDatabase(options.store ?? 'sqlite');
  try {
    const input: BacklogMiddlewareInput = { databaseUrl: database.url, seconds, workerConcurrency: options.workerConcurrency ?? 200 /* WORKER_CONCURRENCY's default (src/config.ts) */, qboUrl: emulators.qboUrl, qboOauthUrl: emulators.qboOauthUrl, realmId: emulators.realmId, qboClient: emulators.qboClient, sfUrl: emulators.sfUrl, sfApp: emulators.sfApp, opportunityIds: emulators.opportunityIds };
    // The compiled middleware finds its packages where the sources do.
    const nodePath = [path.join(MIDDLEWARE, 'node_modules'), path.join(MIDDLEWARE, '..', 'node_modules')].join(path.delimiter);
    // With the Node flags production uses (Procfile, Dockerfile, npm start); BENCH_MIDDLEWARE_NODE_FLAGS overrides them ('' for none).
    const execArgv = process.env.BENCH_MIDDLEWARE_NODE_FLAGS !== undefined ? process.env.BENCH_MIDDLEWARE_NODE_FLAGS.split(' ').filter(Boolean) : PRODUCTION_NODE_FLAGS;
    // And the environment production starts it with (MALLOC_ARENA_MAX); BENCH_MIDDLEWARE_NODE_ENV='' leaves it out.
    const nodeEnv = process.env.BENCH_MIDDLEWARE_NODE_ENV === '' ? {} : PRODUCTION_NODE_ENV;
    const child = fork(entry, [], { execArgv, env: { ...process.env, ...nodeEnv, NODE_PATH: nodePath }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const answer = await new Promise<{ result?: Awaited<ReturnType<typeof runBacklogMiddleware>>; error?: string }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`the middleware's process exited (${code}) without an answer`)));
      child.send(input);
    });
    if (!answer.result) throw new Error(`the middleware's process failed: ${answer.error}`);
    return { store: options.store ?? 'sqlite', layout: 'middleware alone (compiled, plain node); emulators in another process', nodeFlags: execArgv.join(' '), nodeEnv: Object.entries(nodeEnv).map(([k, v]) => `${k}=${v}`).join(' '), seconds, ...answer.result, emulatorsRssMb: await emulators.rss() };
  } finally {
    await emulators.close();
    await database.drop();
    rmSync(outDir, { recursive: true, force: true });
  }
}

// Arguments: [store] [seconds] [worker concurrency] (defaults sqlite, 45, and the product's WORKER_CONCURRENCY default).
if (require.main === module) {
  benchBacklog({ store: (process.argv[2] ?? 'sqlite') as Dialect, ...(process.argv[3] ? { seconds: Number(process.argv[3]) } : {}), ...(process.argv[4] ? { workerConcurrency: Number(process.argv[4]) } : {}) })
    .then((r) => report(r))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
