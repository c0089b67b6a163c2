/**
 * Operations from the command line (`npm run cli -- <command>`): health, jobs, retry, audit, backfill,
 * catalog, reconcile, dso.
 * Same settings as the middleware; jobs queued here are run by the middleware's workers.
 */
import { parseArgs } from 'node:util';
import { loadSettingsFor, type SettingGroup } from '../config-groups';
import { createLedgerline, INVOICE_JOB, type InvoiceJobPayload, type Ledgerline } from '../container';
import { isAppError } from '../errors';
import { createLogger } from '../logger';
import { backfill } from '../services/invoicing';
import { catalogText } from '../services/accounts';
import { reconciliationText } from '../sync/reconciliation';
import { renderBar, type ProgressOutput } from './progress-bar';
import { runSummary, type RunSummary } from '../services/operations';
import type { ImportProgress } from '../services/history';

export const OPS_USAGE = `Operations:
  health                      QuickBooks companies and tokens, Salesforce, queue, webhooks, API budget
  jobs [--state S] [--opportunity ID] [--realm ID] [--limit N]
                              list jobs, newest first (S: queued running completed failed dead cancelled)
  retry <jobId> | retry --all [--state dead|failed]
                              queue a failed or dead job again (or every one, after a fix)
  audit <recordId> [--limit N]
                              audit trail of a Salesforce or QuickBooks record
  backfill --since YYYY-MM-DD [--apply] [--no-progress]
                              won Opportunities closed since the date that have no invoice;
                              lists them (dry run) unless --apply queues an invoice job for each
  import [--since YYYY-MM-DD] [--realm ID] [--no-wait] [--no-progress]
                              import QuickBooks history (invoices, payments, credit memos, sales and
                              refund receipts of customers linked to Accounts) into the Salesforce
                              mirror; default since: IMPORT_MONTHS months back. Queues a durable job
                              that the middleware's workers run (within the company's request budget)
                              and follows it with a progress bar unless --no-wait; stopping this
                              command does not stop the import, and a stopped import resumes
  catalog [--entity NAME] [--apply]
                              QuickBooks items that no active product maps to, and active billable
                              products that map to no item, per connected company (or one); dry run
                              unless --apply creates the missing products as the integration user
  reconcile [--realm ID]      Closed Won deals without an invoice, invoices without a deal, deal amounts
                              that differ from their invoices, QuickBooks customers linked to several
                              Accounts (every connected company unless --realm); changes nothing
  reconcile --repair [--realm ID]
                              queue a full reconciliation of the company's mirror against QuickBooks now
                              (the weekly one): changed or deleted documents are repaired and audited
  dso                         recompute DSO by month (Receivables_Month__c rows for the last 24 complete
                              months, from the invoice mirror) now and print it
  Add --json to any of them for machine-readable output.`;

interface Io {
  stdout: { write(text: string): unknown };
  stderr: ProgressOutput;
  env: NodeJS.ProcessEnv;
}

type Command = (ledgerline: Ledgerline, values: Record<string, string | boolean | undefined>, positionals: string[], io: Io) => Promise<number>;

const OPTIONS = {
  state: { type: 'string' },
  opportunity: { type: 'string' },
  realm: { type: 'string' },
  limit: { type: 'string' },
  since: { type: 'string' },
  entity: { type: 'string' },
  all: { type: 'boolean', default: false },
  apply: { type: 'boolean', default: false },
  json: { type: 'boolean', default: false },
  'no-progress': { type: 'boolean', default: false },
  'no-wait': { type: 'boolean', default: false },
  repair: { type: 'boolean', default: false },
} as const;

const print = (io: Io, values: Record<string, unknown>, json: unknown, text: string): void => {
  io.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
};

const COMMANDS: Record<string, Command> = {
  async health(l, values, _p, io) {
    const report = await l.governance.operations.health();
    const lines = [
      `Status: ${report.status.toUpperCase()} (checked ${report.checkedAt})`,
      ...report.companies.flatMap((c) => [
        `QuickBooks ${c.billingEntity} (${c.realmId}): ${c.connected ? 'connected' : 'NOT CONNECTED'}; access token until ${c.accessTokenExpiresAt}; refresh token ${c.refreshTokenAgeDays} days old, expires ${c.refreshTokenExpiresAt.slice(0, 10)}; CDC cursor ${c.cdcCursor ?? '-'}; API calls today ${c.apiCallsToday}`,
        `  history import: ${runLine(c.historyImport)}`,
        `  reconciliation: ${runLine(c.reconciliation)}`,
      ]),
      `Salesforce: ${report.salesforce.authenticated ? 'authenticated' : 'NOT AUTHENTICATED'}${report.salesforce.apiUsage ? `; API ${report.salesforce.apiUsage.used}/${report.salesforce.apiUsage.limit} today` : ''}`,
      `Queue: ${report.queue.queued} queued, ${report.queue.running} running, ${report.queue.dead} dead, ${report.queue.failed} failed; oldest waiting ${report.queue.oldestQueuedAgeSeconds} s`,
      `Webhooks: ${report.webhooks.pending} pending, lag ${report.webhooks.lagSeconds} s`,
      ...report.problems.map((p) => `! ${p}`),
    ];
    print(io, values, report, lines.join('\n'));
    return report.status === 'error' ? 1 : 0;
  },
  async jobs(l, values, _p, io) {
    const jobs = await l.governance.operations.jobs({
      ...(values.state ? { state: values.state as never } : {}),
      ...(values.opportunity ? { opportunityId: String(values.opportunity) } : {}),
      ...(values.realm ? { realmId: String(values.realm) } : {}),
      limit: Number(values.limit ?? 50),
    });
    const text = jobs.length === 0 ? 'No jobs.' : jobs.map((j) => `${j.id}  ${j.state.padEnd(9)} ${j.type.padEnd(14)} ${j.opportunityId ?? j.accountId ?? ''}  attempts ${j.attempts}/${j.maxAttempts}${j.lastError ? `\n    ${j.lastError}` : ''}`).join('\n');
    print(io, values, jobs, text);
    return 0;
  },
  async retry(l, values, positionals, io) {
    if (values.all) {
      const state = values.state === 'failed' ? 'failed' : 'dead';
      const result = await l.governance.operations.retryAll(state, 'cli');
      print(io, values, result, `Retried ${result.retried.length} ${state} jobs${result.skipped.length > 0 ? `; skipped ${result.skipped.length} (a live job does the same work)` : ''}.`);
      return 0;
    }
    const [id] = positionals;
    if (!id) throw new UsageError('retry needs a job id, or --all');
    const job = await l.governance.operations.retry(id, 'cli');
    print(io, values, job, `Job ${job.id} is ${job.state} again.`);
    return 0;
  },
  async audit(l, values, positionals, io) {
    const [record] = positionals;
    if (!record) throw new UsageError('audit needs a record id');
    const entries = await l.governance.operations.audit(record, { limit: Number(values.limit ?? 100) });
    const text = entries.length === 0 ? `No audit entries for ${record}.` : entries.map((e) => `${e.at.toISOString()}  ${e.action.padEnd(20)} ${e.system.padEnd(10)} sf ${e.salesforceId ?? '-'}  qbo ${e.qboId ?? '-'}  ${e.field ?? ''}${e.oldValue !== null || e.newValue !== null ? `: ${e.oldValue ?? '∅'} → ${e.newValue ?? '∅'}` : ''}${e.jobId ? `  job ${e.jobId}` : ''}`).join('\n');
    print(io, values, entries, text);
    return 0;
  },
  async backfill(l, values, _p, io) {
    if (typeof values.since !== 'string') throw new UsageError('backfill needs --since YYYY-MM-DD');
    const bar = values.apply && !values['no-progress'] ? progressBar(io.stderr) : undefined;
    const result = await backfill(
      {
        salesforce: l.salesforce,
        links: l.store.links,
        enqueue: async (ids) => {
          const out = [];
          for (const opportunityId of ids) {
            const { job } = await l.queue.enqueue<InvoiceJobPayload>({ type: INVOICE_JOB, payload: { opportunityId, reason: 'backfill' }, idempotencyKey: `opportunity:${opportunityId}` });
            out.push({ opportunityId, jobId: job.id });
          }
          return out;
        },
      },
      { since: values.since, apply: values.apply === true, ...(bar ? { onProgress: bar } : {}) },
    );
    if (bar) io.stderr.write('\n');
    const list = result.candidates.map((c) => `${c.id}  ${c.closeDate}  ${c.name}${c.status ? `  (${c.status})` : ''}`).join('\n');
    const head = result.dryRun
      ? `Dry run: ${result.candidates.length} won Opportunities closed since ${result.since} have no invoice.${result.candidates.length > 0 ? ' Add --apply to invoice them.' : ''}`
      : `Queued ${result.queued.length} invoice jobs for won Opportunities closed since ${result.since} without an invoice.`;
    print(io, values, result, [head, ...(list ? [list] : [])].join('\n'));
    return 0;
  },
  async import(l, values, _p, io) {
    if (values.since !== undefined && typeof values.since !== 'string') throw new UsageError('--since takes a date YYYY-MM-DD');
    if (values.realm !== undefined && !/^\d{1,30}$/.test(String(values.realm))) throw new UsageError('--realm takes a QuickBooks company id (digits)');
    const realmId = typeof values.realm === 'string' ? values.realm : await l.history.onlyRealm();
    const queued = await l.history.requestImport({ realmId, reason: 'cli', ...(typeof values.since === 'string' ? { since: values.since } : {}) });
    io.stderr.write(`${queued.created ? 'Queued' : 'Joined'} import job ${queued.jobId} of company ${realmId} since ${queued.since}.\n`);
    if (values['no-wait']) {
      print(io, values, queued, `Import job ${queued.jobId} is ${queued.state}; the middleware's workers run it. Follow it on the ops page or with: npm run cli -- health`);
      return 0;
    }
    const progress = await followImport(l, realmId, queued.runId, queued.jobId, io, !values['no-progress']);
    const summary = runSummary(progress)!;
    const text = [
      `Import of company ${realmId} since ${progress.since}: ${progress.state}; ${summary.read} documents read, ${summary.written} records written.`,
      ...Object.entries(progress.entities).map(([entity, e]) => `  ${entity.padEnd(14)} read ${e.read}, written ${e.written}, unchanged ${e.unchanged}, skipped ${e.skipped} (customer not linked or invoice not mirrored)${e.refused > 0 ? `, refused ${e.refused}` : ''}`),
      ...progress.refusals.map((r) => `! ${r.key}: ${r.message}`),
      ...(progress.error ? [`! ${progress.error}`] : []),
    ];
    print(io, values, progress, text.join('\n'));
    return progress.state === 'completed' && progress.refusals.length === 0 ? 0 : 1;
  },
  async catalog(l, values, _p, io) {
    const only = typeof values.entity === 'string' ? values.entity : undefined;
    const entities = await l.governance.catalog.entities(only).catch((error: unknown) => {
      throw new UsageError(isAppError(error) ? `${error.message} ${error.fix ?? ''}`.trim() : String(error));
    });
    if (entities.length === 0) throw new UsageError('no QuickBooks company is connected: connect one at /oauth/quickbooks/connect first');
    if (!values.apply) {
      const companies = await l.governance.catalog.gaps(only);
      const [first] = companies;
      print(io, values, { ...first, companies }, companies.map((g) => catalogText(g, g.entity?.name ?? g.realmId)).join('\n\n'));
      return 0;
    }
    const applied = await l.governance.catalog.apply('cli', only);
    const lines = applied.flatMap(({ gaps, result }) => [
      `QuickBooks company ${gaps.entity?.name ?? gaps.realmId} (${gaps.realmId}): created ${result.created.length} products for QuickBooks items that had none (as the integration user; add their prices to the price book):`,
      ...result.created.map((c) => `  ${c.productId}  ${c.name}  (item ${c.itemId})`),
      ...result.failed.map((f) => `! item ${f.itemId} ${f.name}: ${f.reason}`),
    ]);
    const created = applied.reduce((n, a) => n + a.result.created.length, 0);
    lines.push(`Created ${created} products in all.`);
    print(io, values, { companies: applied.map((a) => ({ realmId: a.gaps.realmId, entity: a.gaps.entity, ...a.result })) }, lines.join('\n'));
    return applied.some((a) => a.result.failed.length > 0) ? 1 : 0;
  },
  async reconcile(l, values, _p, io) {
    const realm = values.realm;
    if (realm !== undefined && (typeof realm !== 'string' || !/^\d{1,30}$/.test(realm))) throw new UsageError('--realm takes a QuickBooks company id (digits)');
    if (values.repair) {
      const realmId = typeof realm === 'string' ? realm : await l.history.onlyRealm();
      const queued = await l.history.requestReconcile(realmId);
      print(io, values, queued, `Reconciliation job ${queued.jobId} of company ${realmId} is ${queued.state}: it compares every document of the period with QuickBooks and repairs the mirror (the ops page shows its progress).`);
      return 0;
    }
    const report = await l.governance.reconciliation.run(realm);
    const companies = report.companies.map((c) => `${c.billingEntity} (${c.realmId})`).join(', ') || 'no connected QuickBooks company';
    print(io, values, report, reconciliationText(report, companies));
    return 0;
  },
  async dso(l, values, _p, io) {
    const rows = await l.receivablesMonths.refresh();
    const text = rows.length === 0
      ? 'No invoices in the last 24 complete months: nothing written.'
      : [`Wrote ${rows.length} Receivables_Month__c rows (DSO = receivables at month end / invoiced in the month × days):`, ...rows.map((r) => `${r.month}  ${r.billingEntity} ${r.currency}  invoiced ${r.invoiced.toFixed(2)}  receivables ${r.receivables.toFixed(2)}  DSO ${r.dso === null ? '-' : r.dso.toFixed(1)}`)].join('\n');
    print(io, values, rows, text);
    return 0;
  },
};

class UsageError extends Error {}

/** `completed 2026-12-03T12:00:00.000Z: 5000/5000 documents, 3361 written (since 2024-12-03)` */
function runLine(run: RunSummary | null): string {
  if (!run) return 'not run yet';
  const head = run.state === 'running' ? `running${run.current ? ` (${run.current})` : ''}` : `${run.state} ${run.finishedAt ?? ''}`.trim();
  return `${head}: ${run.read}${run.total !== null ? `/${run.total}` : ''} documents, ${run.written} written${run.deleted ? `, ${run.deleted} removed` : ''}${run.refused ? `, ${run.refused} refused` : ''} (since ${run.since})${run.error ? `; ${run.error}` : ''}`;
}

/**
 * What each command uses. The store alone for jobs, retry, audit and health (health reports a missing
 * Salesforce or QuickBooks setting by name instead of refusing to run); backfill reads Salesforce.
 */
const COMMAND_SETTINGS: Record<string, readonly SettingGroup[]> = {
  health: ['store'],
  jobs: ['store'],
  retry: ['store'],
  audit: ['store'],
  backfill: ['store', 'salesforce'],
  catalog: ['store', 'salesforce', 'quickbooks'],
  import: ['store'],
  reconcile: ['store', 'salesforce'],
  dso: ['store', 'salesforce'],
};

/** Polls the run's progress (stored by the worker running it) until it ends, drawing a bar on stderr. */
async function followImport(l: Ledgerline, realmId: string, runId: string, jobId: string, io: Io, bar: boolean, pollMs = 500): Promise<ImportProgress> {
  const started = Date.now();
  let hinted = false;
  const printed = new Set<string>();
  const draw = (run: ImportProgress): void => {
    const s = runSummary(run)!;
    const fraction = s.total ? s.read / s.total : 0;
    if (io.stderr.isTTY) {
      io.stderr.write(`\r${renderBar(fraction, `${s.current ?? 'starting'} · ${s.read.toLocaleString('en-US')}${s.total !== null ? `/${s.total.toLocaleString('en-US')}` : ''} documents · ${s.written.toLocaleString('en-US')} written`)}\x1b[K`);
      return;
    }
    // A file or pipe gets one line per entity finished.
    for (const [entity, e] of Object.entries(run.entities)) {
      if (!e.done || printed.has(entity)) continue;
      printed.add(entity);
      io.stderr.write(`${renderBar(fraction, `${entity} · read ${e.read.toLocaleString('en-US')}, written ${e.written.toLocaleString('en-US')}`)}\n`);
    }
  };
  for (;;) {
    const progress = (await l.history.status(realmId)).historyImport;
    const job = await l.queue.get(jobId);
    const mine = progress?.runId === runId ? progress : null;
    if (mine && bar) draw(mine);
    if (mine && mine.state !== 'running') {
      if (bar && io.stderr.isTTY) io.stderr.write('\n');
      return mine;
    }
    if (job && (job.state === 'failed' || job.state === 'dead' || job.state === 'cancelled')) throw new Error(`Import job ${jobId} ended ${job.state}: ${job.lastError ?? 'no error recorded'}`);
    if (!mine && !hinted && Date.now() - started > 30_000) {
      hinted = true;
      io.stderr.write(`Job ${jobId} has not started yet: is the middleware (a worker process) running? It stays queued until one runs it.\n`);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

/** `[#####-----] 40/100` on one redrawn line (terminal) or a line per step (pipe). */
function progressBar(out: ProgressOutput): (done: number, total: number) => void {
  return (done, total) => {
    const width = 30;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total} queued`;
    out.write(out.isTTY ? `\r${line}` : `${line}\n`);
  };
}

export function isOpsCommand(name: string): boolean {
  return Object.hasOwn(COMMANDS, name);
}

/** Runs one operations command; resolves to the exit code (0 ok, 1 failed, 2 usage). */
export async function runOpsCommand(name: string, args: string[], io: Io): Promise<number> {
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${OPS_USAGE}\n`);
    return 2;
  }
  let ledgerline: Ledgerline | undefined;
  try {
    const logger = createLogger({ level: io.env.LOG_LEVEL ?? 'warn' }, { write: (line: string) => io.stderr.write(line) });
    ledgerline = await createLedgerline(loadSettingsFor(io.env, COMMAND_SETTINGS[name] ?? ['store'], `npm run cli -- ${name}`), { logger });
    return await COMMANDS[name]!(ledgerline, parsed.values, parsed.positionals, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`${error.message}\n\n${OPS_USAGE}\n`);
      return 2;
    }
    io.stderr.write(`\nError: ${isAppError(error) ? `${error.message}${error.fix ? `\nFix: ${error.fix}` : ''}` : String((error as Error).stack ?? error)}\n`);
    return 1;
  } finally {
    await ledgerline?.stop(0);
  }
}
