import { execFile } from 'node:child_process';
import path from 'node:path';

/**
 * Issue #19's memory goal: packages a deployment never calls stay out of its memory. The composition root and
 * a SQLite store are loaded in a fresh Node process (the test runner's own module registry is not the one
 * production has), which then lists the packages' files it holds.
 */
const middleware = path.resolve(__dirname, '..');

function packageFilesLoaded(): Promise<string[]> {
  const script = `
    const { connect } = require('./src/store/connect');
    require('./src/container');
    connect('sqlite::memory:').close();
    const files = Object.keys(require.cache).filter((f) => f.includes('/node_modules/')).map((f) => f.replace(/.*\\/node_modules\\//, ''));
    process.stdout.write(JSON.stringify(files));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', '-e', script], { cwd: middleware, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(JSON.parse(stdout) as string[]);
    });
  });
}

describe('packages loaded by a SQLite deployment', () => {
  let files: string[];
  beforeAll(async () => {
    files = await packageFilesLoaded();
  }, 120_000);

  it('loads the clients it uses', () => {
    for (const used of ['jsforce/', 'node-quickbooks/', 'better-sqlite3/', 'express/']) expect(files.some((f) => f.startsWith(used))).toBe(true);
  });

  it('leaves out jsforce’s APIs the middleware never calls (Bulk, SOAP, Metadata, Streaming …)', () => {
    expect(files.filter((f) => f.startsWith('jsforce/lib/api/'))).toEqual([]);
    expect(files.filter((f) => /^(faye|tough-cookie|tldts)\//.test(f))).toEqual([]);
  });

  it('leaves out the PostgreSQL client and the shared rate limiter', () => {
    expect(files.filter((f) => /^(pg|pg-pool|rate-limiter-flexible)\//.test(f))).toEqual([]);
  });
});
