import type { Connection } from 'jsforce';
import type { SyncRequests } from '../http/sync-routes';
import { classifySalesforceError } from '../salesforce/records';

/**
 * The safety net for lost callouts: won Opportunities of the last `days` days with no invoice, not
 * excluded and not waiting on a person (Error), are queued again. Enqueueing is idempotent (one live
 * job per Opportunity), so an overlap with the normal path does nothing.
 */
export async function sweepUninvoiced(conn: Connection, requests: Pick<SyncRequests, 'request'>, days: number): Promise<number> {
  const soql =
    'SELECT Id FROM Opportunity WHERE IsWon = true AND QuickBooks_Invoice_Id__c = null ' +
    `AND Billing_Sync_Status__c NOT IN ('Excluded', 'Error', 'Synced') AND CloseDate = LAST_N_DAYS:${Math.max(1, Math.floor(days))} ORDER BY CloseDate LIMIT 2000`;
  let ids: string[];
  try {
    ids = (await conn.query<{ Id: string }>(soql)).records.map((r) => r.Id);
  } catch (error) {
    throw classifySalesforceError(error, 'the uninvoiced-opportunity sweep');
  }
  for (let i = 0; i < ids.length; i += 200) await requests.request(ids.slice(i, i + 200), 'sweep');
  return ids.length;
}
