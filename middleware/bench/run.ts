/**
 * `npm run bench [-- name …] [-- --save]`: every benchmark, each in its own process (so memory figures are its
 * own), printing figures with the machine they were measured on, then issue #19's goals in one table: each
 * goal's figure, target, ratio to Intuit's ceiling, previous figure (bench/previous.json) and whether it holds.
 * `--save` writes this run's goal figures to bench/previous.json (figures this run did not measure are kept,
 * listed under `carried`). Names: queue, invoices, invoices-known, invoices-latency, invoice-single,
 * invoices-postgres and storm (with LEDGERLINE_TEST_POSTGRES_URL), backlog, webhooks, webhooks-roles (web + 2
 * workers on PostgreSQL; says so and skips without it), matching, onboarding, history.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { evaluateGoals, figuresOf, formatGoalTable, type BenchFigures, type PreviousFigures } from './goals';

const postgres = Boolean(process.env.LEDGERLINE_TEST_POSTGRES_URL);
const deals = process.env.BENCH_DEALS ?? '1000';
const ALL: Record<string, string[]> = {
  queue: ['queue.ts'],
  invoices: ['invoices.ts', deals, 'sqlite'],
  'invoices-known': ['invoices.ts', deals, 'sqlite', '0', 'known'],
  'invoices-latency': ['invoices.ts', '200', 'sqlite', '250'],
  'invoice-single': ['invoice-single.ts', '20', '250'],
  ...(postgres ? { 'invoices-postgres': ['invoices.ts', deals, 'postgres'] } : {}),
  backlog: ['backlog.ts', 'sqlite'],
  webhooks: ['webhooks.ts'],
  'webhooks-roles': ['webhooks-roles.ts'],
  matching: ['matching.ts'],
  onboarding: ['onboarding.ts'],
  history: ['history.ts', process.env.BENCH_HISTORY_DOCUMENTS ?? '5000'],
  ...(postgres ? { storm: ['storm.ts', process.env.BENCH_STORM_DEALS ?? '1000'] } : {}),
};
const PREVIOUS_FILE = path.join(__dirname, 'previous.json');

export function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, load ${load}, node ${process.version}`;
}

function readPrevious(): PreviousFigures | undefined {
  return existsSync(PREVIOUS_FILE) ? (JSON.parse(readFileSync(PREVIOUS_FILE, 'utf8')) as PreviousFigures) : undefined;
}

function main(): void {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => !a.startsWith('--') && !ALL[a]);
  if (unknown.length > 0) {
    console.error(`unknown bench: ${unknown.join(', ')} (choose from ${Object.keys(ALL).join(', ')})`);
    process.exit(2);
  }
  const chosen = args.filter((a) => ALL[a]);
  const names = chosen.length > 0 ? chosen : Object.keys(ALL);
  console.log(`Ledgerline benchmarks — ${new Date().toISOString()}`);
  console.log(`machine: ${machine()}\n`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ledgerline-bench-'));
  const results: BenchFigures = {};
  let failed = 0;
  for (const name of names) {
    const [script, ...scriptArgs] = ALL[name]!;
    console.log(`== ${name}`);
    const started = Date.now();
    const file = path.join(dir, `${name}.json`);
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, script!), ...scriptArgs], {
      stdio: 'inherit',
      cwd: path.join(__dirname, '..'),
      env: { ...process.env, BENCH_RESULT_FILE: file },
    });
    if (run.status !== 0) failed += 1;
    if (existsSync(file)) results[name] = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    console.log(`   (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  rmSync(dir, { recursive: true, force: true });

  const previous = readPrevious();
  const rows = evaluateGoals(results, previous);
  console.log(`Issue #19 goals — ${new Date().toISOString()}`);
  console.log(`machine at the end: ${machine()}`);
  if (previous) console.log(`previous: ${previous.measured}, ${previous.machine}${previous.note ? ` (${previous.note})` : ''}`);
  console.log(`${formatGoalTable(rows)}\n`);
  const measured = figuresOf(rows);
  if (args.includes('--save') && Object.keys(measured).length === 0) console.log('--save: this run measured no goal, bench/previous.json is left as it was');
  else if (args.includes('--save')) {
    const carried = Object.keys(previous?.figures ?? {}).filter((id) => !(id in measured));
    const next: PreviousFigures & { carried?: string[] } = {
      measured: new Date().toISOString().slice(0, 10),
      machine: machine(),
      figures: { ...(previous?.figures ?? {}), ...measured },
      ...(carried.length > 0 ? { carried, note: `carried from ${previous!.measured}: ${carried.join(', ')}` } : {}),
    };
    writeFileSync(PREVIOUS_FILE, `${JSON.stringify(next, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), PREVIOUS_FILE)}`);
  }
  process.exit(failed > 0 ? 1 : 0);
}

main();
