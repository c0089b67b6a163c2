import type { Connection } from 'jsforce';
import type { SyncRequests } from './ports';
import { OPPORTUNITY_FIELDS, SOBJECTS } from '../../salesforce/fields';
import { classifySalesforceError } from '../../salesforce/records';

/**
 * The safety net for lost callouts: won Opportunities of the last `days` days with no invoice, not
 * excluded and not waiting on a person (Error), are queued again. Enqueueing is idempotent (one live
 * job per Opportunity), so an overlap with the normal path does nothing.
 */
export async function sweepUninvoiced(conn: Connection, requests: Pick<SyncRequests, 'request'>, days: number): Promise<number> {
  const f = OPPORTUNITY_FIELDS;
  const soql =
    `SELECT ${f.id} FROM ${SOBJECTS.opportunity} WHERE ${f.isWon} = true AND ${f.quickBooksInvoiceId} = null ` +
    `AND ${f.billingSyncStatus} NOT IN ('Excluded', 'Error', 'Synced') AND ${f.closeDate} = LAST_N_DAYS:${Math.max(1, Math.floor(days))} ORDER BY ${f.closeDate} LIMIT 2000`;
  let ids: string[];
  try {
    ids = (await conn.query<{ Id: string }>(soql)).records.map((r) => r.Id);
  } catch (error) {
    throw classifySalesforceError(error, 'the uninvoiced-opportunity sweep');
  }
  for (let i = 0; i < ids.length; i += 200) await requests.request(ids.slice(i, i + 200), 'sweep');
  return ids.length;
}
