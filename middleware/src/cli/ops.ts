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
import { backfill } from '../services/backfill';
import { catalogText } from '../services/catalog-gaps';
import { reconciliationText } from '../sync/reconciliation';
import type { ProgressOutput } from './progress-bar';

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
  catalog [--entity NAME] [--apply]
                              QuickBooks items that no active product maps to, and active billable
                              products that map to no item, per connected company (or one); dry run
                              unless --apply creates the missing products as the integration user
  reconcile [--realm ID]      Closed Won deals without an invoice, invoices without a deal, deal amounts
                              that differ from their invoices, QuickBooks customers linked to several
                              Accounts (every connected company unless --realm); changes nothing
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
} as const;

const print = (io: Io, values: Record<string, unknown>, json: unknown, text: string): void => {
  io.stdout.write(values.json ? `${JSON.stringify(json, null, 2)}\n` : `${text}\n`);
};

const COMMANDS: Record<string, Command> = {
  async health(l, values, _p, io) {
    const report = await l.governance.operations.health();
    const lines = [
      `Status: ${report.status.toUpperCase()} (checked ${report.checkedAt})`,
      ...report.companies.map((c) => `QuickBooks ${c.billingEntity} (${c.realmId}): ${c.connected ? 'connected' : 'NOT CONNECTED'}; access token until ${c.accessTokenExpiresAt}; refresh token ${c.refreshTokenAgeDays} days old, expires ${c.refreshTokenExpiresAt.slice(0, 10)}; CDC cursor ${c.cdcCursor ?? '-'}; API calls today ${c.apiCallsToday}`),
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
  reconcile: ['store', 'salesforce'],
  dso: ['store', 'salesforce'],
};

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
