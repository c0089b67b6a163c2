/**
 * The reconciliation's last step: mirror rows whose document or payment the pass over QBO did not see. Each
 * candidate is read once by id (a deleted record answers 610); only what QBO confirms gone is removed, and
 * every removal is audited. A payment that still exists but no longer pays an invoice loses that row.
 */
import { isQboFaultCode } from '../../quickbooks/errors';
import type { QboCompany } from '../../quickbooks/api';
import { SOBJECTS } from '../../salesforce/fields';
import type { AuditEntryInput, AuditLog } from '../../store/audit-log';
import { parseDocumentKey } from '../../sync/sales-documents';
import type { DocumentMirror } from './document-mirror';
import type { ImportEntity } from './history-import';
import type { PaymentRollups } from '../payments';

export interface SeenSet {
  /** QBO ids seen per entity during the pass (every customer's, within the period). */
  ids: Map<ImportEntity, Set<string>>;
  /** `<realm>:<paymentId>:<invoiceId>` of every application seen. */
  paymentRows: Set<string>;
}

export interface DeletionDeps {
  realmId: string;
  since: string;
  seen: SeenSet;
  source: string;
  jobId?: string;
  company: (realmId: string) => Pick<QboCompany, 'read'>;
  mirror: DocumentMirror;
  audit: Pick<AuditLog, 'append'>;
  rollups: Pick<PaymentRollups, 'request'>;
}

/** Returns how many rows were removed. */
export async function removeDeleted(deps: DeletionDeps): Promise<number> {
  const company = deps.company(deps.realmId);
  const gone = async (entity: ImportEntity, id: string): Promise<boolean> => {
    try {
      await company.read(entity, id);
      return false;
    } catch (error) {
      if (isQboFaultCode(error, '610')) return true;
      throw error;
    }
  };
  const entries: AuditEntryInput[] = [];
  const opportunities = new Set<string>();
  const accounts = new Set<string>();

  const documentKeys: string[] = [];
  for (const row of await deps.mirror.documentKeys(deps.realmId, deps.since)) {
    const parsed = parseDocumentKey(row.key);
    if (!parsed || deps.seen.ids.get(parsed.entity)?.has(parsed.id)) continue;
    if (!(await gone(parsed.entity, parsed.id))) continue;
    documentKeys.push(row.key);
    if (row.opportunityId) opportunities.add(row.opportunityId);
    if (row.accountId) accounts.add(row.accountId);
    entries.push(entry(deps, 'reconcile.deleted', row.key, row.opportunityId ?? row.accountId, `${SOBJECTS.invoice} (${parsed.entity} deleted in QuickBooks)`));
  }

  const paymentKeys: string[] = [];
  const deletedPayments = new Map<string, boolean>();
  for (const key of await deps.mirror.paymentKeys(deps.realmId, deps.since)) {
    if (deps.seen.paymentRows.has(key)) continue;
    const [, paymentId = '', invoiceId = ''] = key.split(':');
    // A row of an invoice removed above goes with it (master-detail).
    if (documentKeys.includes(`${deps.realmId}:${invoiceId}`)) continue;
    const seenPayment = deps.seen.ids.get('Payment')?.has(paymentId) === true;
    let deleted = deletedPayments.get(paymentId);
    if (deleted === undefined) {
      deleted = seenPayment ? false : await gone('Payment', paymentId);
      deletedPayments.set(paymentId, deleted);
    }
    // A payment that exists but was not in the pass (re-dated before the period) is left as it is.
    if (!deleted && !seenPayment) continue;
    paymentKeys.push(key);
    entries.push(entry(deps, 'reconcile.deleted', key, null, `${SOBJECTS.payment} (${deleted ? 'payment deleted in QuickBooks' : 'payment no longer applied to this invoice'})`));
  }

  await deps.mirror.deleteRows(SOBJECTS.invoice, documentKeys);
  await deps.mirror.deleteRows(SOBJECTS.payment, paymentKeys);
  if (entries.length > 0) await deps.audit.append(entries);
  if (opportunities.size + accounts.size > 0) await deps.rollups.request(opportunities, accounts);
  return documentKeys.length + paymentKeys.length;
}

function entry(deps: DeletionDeps, action: string, key: string, salesforceId: string | null, field: string): AuditEntryInput {
  return { actor: 'ledgerline', action, system: 'salesforce', realmId: deps.realmId, salesforceId, qboId: key, field, jobId: deps.jobId ?? null, sourceEvent: deps.source };
}
