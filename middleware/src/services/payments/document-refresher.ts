/**
 * Credit memos, sales receipts and refund receipts changed in QBO (a webhook event or a CDC entry) → their
 * mirror row, the way invoices follow through the invoice refresher: the current document is written when
 * its customer is linked to an Account; a document deleted in QBO loses its row (audited).
 */
import type { Logger } from '../../logger';
import type { QboCompany } from '../../quickbooks/api';
import { isQboFaultCode } from '../../quickbooks/errors';
import { SOBJECTS, documentKey, type SalesDocumentEntity } from '../../salesforce/fields';
import type { AuditLog } from '../../store/audit-log';
import type { RecordLinkRepository } from '../../store/record-links';
import type { SalesDocument } from '../../sync/sales-documents';
import { applyDocumentPage, type DocumentMirror } from '../history';
import type { PaymentRollups } from './payment-rollups';

/** The documents other than invoices that are mirrored (invoices have their own refresher). */
export const OTHER_DOCUMENTS: ReadonlySet<string> = new Set(['CreditMemo', 'SalesReceipt', 'RefundReceipt']);

export interface DocumentRefresherDeps {
  company: (realmId: string) => Pick<QboCompany, 'read'>;
  links: Pick<RecordLinkRepository, 'findByQboId'>;
  mirror: DocumentMirror;
  audit: Pick<AuditLog, 'append'>;
  rollups: Pick<PaymentRollups, 'request'>;
  logger: Logger;
}

export type DocumentOutcome = 'written' | 'unchanged' | 'deleted' | 'not-ours';

export class DocumentRefresher {
  constructor(private readonly deps: DocumentRefresherDeps) {}

  /** `known` is the document as a CDC answer already carries it (no read needed). */
  async refresh(realmId: string, entity: SalesDocumentEntity, id: string, source: string, known?: SalesDocument): Promise<DocumentOutcome> {
    const doc = known ?? (await this.read(realmId, entity, id));
    if (!doc) return this.deleted(realmId, entity, id, source);
    const customerId = doc.CustomerRef?.value;
    const link = customerId ? (await this.deps.links.findByQboId('customer', realmId, customerId))[0] : undefined;
    if (!customerId || !link) return 'not-ours';
    const outcome = await applyDocumentPage({ ...this.deps, realmId, customers: new Map([[customerId, link.salesforceId]]), reconcile: false, source }, entity, [doc]);
    if (outcome.refusals.length > 0) throw new Error(outcome.refusals[0]!.message);
    return outcome.written > 0 ? 'written' : 'unchanged';
  }

  async deleted(realmId: string, entity: SalesDocumentEntity, id: string, source: string): Promise<DocumentOutcome> {
    const key = documentKey(realmId, entity, id);
    const removed = await this.deps.mirror.deleteRows(SOBJECTS.invoice, [key]);
    if (removed === 0) return 'not-ours';
    await this.deps.audit.append({ actor: 'ledgerline', action: 'document.deleted', system: 'salesforce', realmId, qboId: key, field: `${SOBJECTS.invoice} (${entity} deleted in QuickBooks)`, sourceEvent: source });
    return 'deleted';
  }

  private async read(realmId: string, entity: SalesDocumentEntity, id: string): Promise<SalesDocument | null> {
    try {
      return await this.deps.company(realmId).read<SalesDocument>(entity, id);
    } catch (error) {
      if (isQboFaultCode(error, '610')) return null;
      throw error;
    }
  }
}
