/**
 * Ledgerline command line: `npm run cli -- <command>`, configured by the middleware's environment
 * variables (same names, same validation). It wires the middleware without starting workers or the
 * HTTP server. Logs go to stderr (warnings and up unless LOG_LEVEL says otherwise); results to stdout.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ALL_GROUPS, loadSettingsFor } from '../config-groups';
import { createLedgerline, type Ledgerline } from '../container';
import { isAppError } from '../errors';
import { createLogger } from '../logger';
import { type ApplyFigures, applySummary, matchingReport, type MatchingRun } from '../services/onboarding';
import { createProgressBar, type ProgressOutput } from './progress-bar';
import { OPS_USAGE, isOpsCommand, runOpsCommand } from './ops';
import { ROTATE_USAGE, runRotateKey } from './rotate-key';

export const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  match   Read every Salesforce Account and Product2 and every QuickBooks customer and item,
          propose links, list duplicates and unmatched records. Links nothing unless asked:
            --realm <id>         QuickBooks company (default: the default billing entity)
            --out <file.csv>     customer report (items go to <file>.items.csv); default
                                 onboarding-<realm>-<date-time>.csv in the current folder
                                 (with --apply-csv, written only when --out is given)
            --apply              link the exact matches (Salesforce ids, link table, audit log)
            --apply-csv <file>   link the rows marked "link" in an edited report (repeatable)
            --no-progress        no progress bar on stderr
${ROTATE_USAGE}
  help    Show this text.

Settings come from the middleware's environment variables (see middleware/.env.example).`;

export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
  env: NodeJS.ProcessEnv;
  /** Relative paths are resolved from here (npm sets INIT_CWD to where the command was typed). */
  cwd: string;
}

interface MatchOptions {
  realm?: string;
  out?: string;
  apply: boolean;
  applyCsv: string[];
  progress: boolean;
}

class UsageError extends Error {}

function parseMatch(args: string[]): MatchOptions {
  const { values, positionals } = parseArgs({
    args,
    options: {
      realm: { type: 'string' },
      out: { type: 'string' },
      apply: { type: 'boolean', default: false },
      'apply-csv': { type: 'string', multiple: true },
      'no-progress': { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const applyCsv = values['apply-csv'] ?? [];
  if (values.apply && applyCsv.length > 0) throw new UsageError('use --apply or --apply-csv, not both');
  if (values.realm !== undefined && !/^\d{1,30}$/.test(values.realm)) throw new UsageError('--realm takes a QuickBooks company id (digits)');
  return {
    ...(values.realm ? { realm: values.realm } : {}),
    ...(values.out ? { out: values.out } : {}),
    apply: values.apply ?? false,
    applyCsv,
    progress: !values['no-progress'],
  };
}

/** Runs one command; resolves to the exit code (0 ok, 1 failed, 2 usage). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout.write(`${USAGE}\n\n${OPS_USAGE}\n`);
    return command ? 0 : 2;
  }
  if (isOpsCommand(command)) return runOpsCommand(command, rest, io);
  if (command === 'rotate-key') return runRotateKey(rest, io);
  if (command !== 'match') {
    io.stderr.write(`Unknown command "${command}".\n\n${USAGE}\n`);
    return 2;
  }
  let options: MatchOptions;
  try {
    options = parseMatch(rest);
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  let ledgerline: Ledgerline | undefined;
  try {
    const config = loadSettingsFor(io.env, ALL_GROUPS.filter((g) => g !== 'api'), 'npm run cli -- match');
    const logger = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' }, { write: (line: string) => io.stderr.write(line) });
    ledgerline = await createLedgerline(config, { logger });
    return await match(ledgerline, options, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n`);
      return 2;
    }
    const text = isAppError(error) ? `${error.message}${error.fix ? `\nFix: ${error.fix}` : ''}` : String((error as Error).stack ?? error);
    io.stderr.write(`\nError: ${text}\n`);
    return 1;
  } finally {
    await ledgerline?.stop(0);
  }
}

async function match(ledgerline: Ledgerline, options: MatchOptions, io: CliIo): Promise<number> {
  const path = (file: string) => (isAbsolute(file) ? file : resolve(io.cwd, file));
  if (options.out && options.applyCsv.some((file) => path(file) === path(options.out!) || path(file) === `${path(options.out!).replace(/\.csv$/i, '')}.items.csv`)) {
    throw new UsageError('--out names a file given to --apply-csv; choose another name so the edited report is kept');
  }
  const decisions = await Promise.all(options.applyCsv.map(async (file) => ({ file, csv: await readFile(path(file), 'utf8') })));
  const realm = options.realm ? { realmId: options.realm } : {};
  const progress = () => {
    const bar = options.progress ? createProgressBar(io.stderr) : undefined;
    return { bar, onProgress: bar ? { onProgress: bar.update } : {} };
  };

  const applied: ApplyFigures[] = [];
  let run: MatchingRun;
  if (decisions.length > 0) {
    let last: MatchingRun | undefined;
    for (const { file, csv } of decisions) {
      const { bar, onProgress } = progress();
      io.stderr.write(`Applying ${file}\n`);
      const result = await ledgerline.onboarding.apply({ ...realm, ...onProgress, source: { csv }, actor: 'cli' });
      bar?.finish();
      applied.push(result.figures);
      last = result.run;
    }
    run = last!;
  } else {
    const { bar, onProgress } = progress();
    if (options.apply) {
      const result = await ledgerline.onboarding.apply({ ...realm, ...onProgress, source: { exact: true }, actor: 'cli' });
      applied.push(result.figures);
      run = result.run;
    } else {
      run = await ledgerline.onboarding.match({ ...realm, ...onProgress });
    }
    bar?.finish();
  }

  const report = matchingReport(run, { applied: applied.length > 0 });
  io.stdout.write(`${report.summary}\n`);
  // An edited report is never overwritten: with --apply-csv the report is written only to a named file.
  if (decisions.length === 0 || options.out) {
    const stamp = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
    const out = path(options.out ?? `onboarding-${run.realmId}-${stamp}.csv`);
    const itemsOut = `${out.replace(/\.csv$/i, '')}.items.csv`;
    await writeFile(out, report.customersCsv);
    await writeFile(itemsOut, report.itemsCsv);
    io.stdout.write(`\nReport: ${out}\n        ${itemsOut}\n`);
  }
  for (const figures of applied) io.stdout.write(`\n${applySummary(figures)}\n`);
  const failed = applied.some((f) => f.customers.failed.length + f.items.failed.length > 0);
  return failed ? 1 : 0;
}

if (require.main === module) {
  runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, cwd: process.env.INIT_CWD ?? process.cwd() })
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 1;
    });
}
