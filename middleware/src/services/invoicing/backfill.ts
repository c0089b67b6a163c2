/**
 * Backfill: every won Opportunity closed since a date that has no invoice, found in Salesforce (no
 * QuickBooks invoice id, not Excluded) and in the link table (no invoice recorded there either). Dry-run
 * lists them; apply queues one invoice job each (the same job as Closed Won, reason "backfill"), so the
 * running middleware's workers invoice them exactly once.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { BILLING_SYNC_STATUS, OPPORTUNITY_FIELDS as F } from '../../salesforce/fields';
import { classifySalesforceError } from '../../salesforce/records';
import type { RecordLinkRepository } from '../../store/record-links';

export interface BackfillCandidate {
  id: string;
  name: string;
  closeDate: string;
  accountId: string | null;
  status: string | null;
}

export interface BackfillDeps {
  salesforce: () => Promise<Connection>;
  links: Pick<RecordLinkRepository, 'findBySalesforceId'>;
  /** Queues invoice jobs for up to 200 ids (idempotent: one live job per Opportunity). */
  enqueue: (opportunityIds: string[]) => Promise<Array<{ opportunityId: string; jobId: string }>>;
}

export interface BackfillResult {
  since: string;
  candidates: BackfillCandidate[];
  queued: Array<{ opportunityId: string; jobId: string }>;
  dryRun: boolean;
}

export async function findUninvoiced(deps: Pick<BackfillDeps, 'salesforce' | 'links'>, since: string): Promise<BackfillCandidate[]> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(since) || Number.isNaN(Date.parse(since))) {
    throw new AppError('BAD_REQUEST', `"${since}" is not a date.`, { fix: 'Give the date as YYYY-MM-DD, e.g. --since 2026-01-01.' });
  }
  const soql =
    `SELECT ${F.id}, ${F.name}, ${F.closeDate}, ${F.accountId}, ${F.billingSyncStatus} FROM Opportunity ` +
    `WHERE ${F.isWon} = true AND ${F.quickBooksInvoiceId} = null AND ${F.closeDate} >= ${since} ` +
    `AND (${F.billingSyncStatus} = null OR ${F.billingSyncStatus} != '${BILLING_SYNC_STATUS.excluded}') ORDER BY ${F.closeDate}, ${F.id}`;
  const conn = await deps.salesforce();
  let rows: Array<{ Id: string; Name: string; CloseDate: string; AccountId: string | null; Billing_Sync_Status__c: string | null }>;
  try {
    rows = (await conn.query<(typeof rows)[number]>(soql, { autoFetch: true, maxFetch: 100_000 })).records;
  } catch (error) {
    throw classifySalesforceError(error, 'the backfill query');
  }
  const out: BackfillCandidate[] = [];
  for (const row of rows) {
    // The link table may know an invoice whose write-back to Salesforce has not happened yet.
    if ((await deps.links.findBySalesforceId('invoice', row.Id)).length > 0) continue;
    out.push({ id: row.Id, name: row.Name, closeDate: row.CloseDate, accountId: row.AccountId, status: row.Billing_Sync_Status__c });
  }
  return out;
}

export async function backfill(deps: BackfillDeps, options: { since: string; apply: boolean; onProgress?: (done: number, total: number) => void }): Promise<BackfillResult> {
  const candidates = await findUninvoiced(deps, options.since);
  const queued: BackfillResult['queued'] = [];
  if (options.apply) {
    options.onProgress?.(0, candidates.length);
    for (let i = 0; i < candidates.length; i += 200) {
      queued.push(...(await deps.enqueue(candidates.slice(i, i + 200).map((c) => c.id))));
      options.onProgress?.(Math.min(i + 200, candidates.length), candidates.length);
    }
  }
  return { since: options.since, candidates, queued, dryRun: !options.apply };
}
