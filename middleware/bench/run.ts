/**
 * `npm run bench [-- name …]`: every benchmark, each in its own process (so memory figures are its own),
 * printing figures with the machine they were measured on. Names: queue, invoices, invoices-known (every Account's customer exists already), invoices-latency, invoices-postgres (with LEDGERLINE_TEST_POSTGRES_URL),
 * backlog, webhooks, webhooks-roles (web + 2 workers on PostgreSQL; says so and skips without it), matching, onboarding,
 * history.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';

const postgres = Boolean(process.env.LEDGERLINE_TEST_POSTGRES_URL);
const ALL: Record<string, string[]> = {
  queue: ['queue.ts'],
  invoices: ['invoices.ts', process.env.BENCH_DEALS ?? '1000', 'sqlite'],
  'invoices-known': ['invoices.ts', process.env.BENCH_DEALS ?? '1000', 'sqlite', '0', 'known'],
  'invoices-latency': ['invoices.ts', '200', 'sqlite', '250'],
  ...(postgres ? { 'invoices-postgres': ['invoices.ts', process.env.BENCH_DEALS ?? '1000', 'postgres'] } : {}),
  backlog: ['backlog.ts', 'sqlite'],
  webhooks: ['webhooks.ts'],
  'webhooks-roles': ['webhooks-roles.ts'],
  matching: ['matching.ts'],
  onboarding: ['onboarding.ts'],
  history: ['history.ts', process.env.BENCH_HISTORY_DOCUMENTS ?? '5000'],
};

const chosen = process.argv.slice(2).filter((a) => ALL[a]);
const names = chosen.length > 0 ? chosen : Object.keys(ALL);
const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
console.log(`Ledgerline benchmarks — ${new Date().toISOString()}`);
console.log(`machine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}, node ${process.version}\n`);
let failed = 0;
for (const name of names) {
  const [script, ...args] = ALL[name]!;
  console.log(`== ${name}`);
  const started = Date.now();
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, script!), ...args], { stdio: 'inherit', cwd: path.join(__dirname, '..') });
  if (run.status !== 0) failed += 1;
  console.log(`   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
process.exit(failed > 0 ? 1 : 0);
