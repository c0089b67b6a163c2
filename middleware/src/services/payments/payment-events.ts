/**
 * Workers' side of the webhook path: an inbox event → the invoices whose payment status it may have
 * changed → one refresh each. A Payment leads to the invoices on its lines (and those it used to pay,
 * from the links, when it was edited, voided or deleted); a CreditMemo to the invoices its payments
 * apply it to; an Invoice to itself.
 */
import type { Logger } from '../../logger';
import { isQboFaultCode } from '../../quickbooks/errors';
import type { QboCompany } from '../../quickbooks/api';
import type { RecordLinkRepository } from '../../store/record-links';
import type { WebhookInbox } from '../../store/webhook-inbox';
import { invoicesOfPayment, linkedPaymentIds, type InvoiceSnapshot, type PaymentSnapshot } from '../../sync/payment-status';
import type { InvoiceRefresher, RefreshOutcome } from './payment-refresher';
import { OTHER_DOCUMENTS, type DocumentOutcome, type DocumentRefresher } from './document-refresher';
import type { SalesDocumentEntity } from '../../salesforce/fields';

export const QBO_EVENT_JOB = 'qbo.event';

export interface QboEventJobPayload {
  inboxId: number;
}

export interface PaymentEventDeps {
  inbox: Pick<WebhookInbox, 'get' | 'markProcessed'>;
  company: (realmId: string) => Pick<QboCompany, 'read'>;
  links: Pick<RecordLinkRepository, 'findByQboId'>;
  refresher: Pick<InvoiceRefresher, 'refresh' | 'acknowledgeCreated'>;
  isConnected: (realmId: string) => Promise<boolean>;
  logger: Logger;
  /** Credit memos, sales receipts and refund receipts follow onto their own mirror rows. */
  documents?: Pick<DocumentRefresher, 'refresh' | 'deleted'>;
}

export class PaymentEventProcessor {
  constructor(private readonly deps: PaymentEventDeps) {}

  async process(inboxId: number): Promise<{ invoices: Record<string, RefreshOutcome | 'recorded'>; document?: DocumentOutcome } | { skipped: string }> {
    const event = await this.deps.inbox.get(inboxId);
    if (!event) return { skipped: 'not in the inbox' };
    if (event.processedAt) return { skipped: 'already processed' };
    if (!(await this.deps.isConnected(event.realmId))) {
      this.deps.logger.warn({ inboxId, realmId: event.realmId }, 'event for a company that is no longer connected; ignored');
      await this.deps.inbox.markProcessed([inboxId]);
      return { skipped: 'company not connected' };
    }
    const source = `webhook:${inboxId}`;
    if (event.entity === 'Invoice' && event.operation === 'Create' && (await this.deps.refresher.acknowledgeCreated(event.realmId, event.entityId))) {
      await this.deps.inbox.markProcessed([inboxId]);
      return { invoices: { [event.entityId]: 'recorded' } };
    }
    // A Payment is read once here, to find its invoices, and handed to their refreshes.
    const payment = event.entity === 'Payment' && event.operation !== 'Delete' ? await this.read<PaymentSnapshot>(event.realmId, 'Payment', event.entityId) : undefined;
    const invoiceIds = await this.invoicesAffected(event.realmId, event.entity, event.entityId, event.operation, payment);
    const known = payment ? [payment] : [];
    const outcomes = await Promise.all(invoiceIds.map(async (id) => [id, await this.deps.refresher.refresh(event.realmId, id, source, known)] as const));
    const document = await this.document(event.realmId, event.entity, event.entityId, event.operation, source);
    await this.deps.inbox.markProcessed([inboxId]);
    return { invoices: Object.fromEntries(outcomes), ...(document ? { document } : {}) };
  }

  /** Invoice ids whose state may have changed with this entity (public for the CDC sweeper). */
  async invoicesAffected(realmId: string, entity: string, entityId: string, operation: string, known?: PaymentSnapshot | null): Promise<string[]> {
    if (entity === 'Invoice') return [entityId];
    if (entity === 'Payment') {
      const payment = known !== undefined ? known : operation === 'Delete' ? null : await this.read<PaymentSnapshot>(realmId, 'Payment', entityId);
      return union(payment ? invoicesOfPayment(payment) : [], await this.previouslyPaid(realmId, entityId));
    }
    if (entity === 'CreditMemo') {
      if (operation === 'Delete') return [];
      const memo = await this.read<InvoiceSnapshot>(realmId, 'CreditMemo', entityId);
      const payments = memo ? await Promise.all(linkedPaymentIds(memo).map((id) => this.read<PaymentSnapshot>(realmId, 'Payment', id))) : [];
      return union(...payments.map((p) => (p ? invoicesOfPayment(p) : [])));
    }
    return [];
  }

  private async document(realmId: string, entity: string, id: string, operation: string, source: string): Promise<DocumentOutcome | undefined> {
    if (!this.deps.documents || !OTHER_DOCUMENTS.has(entity)) return undefined;
    const type = entity as SalesDocumentEntity;
    return operation === 'Delete' ? this.deps.documents.deleted(realmId, type, id, source) : this.deps.documents.refresh(realmId, type, id, source);
  }

  private async previouslyPaid(realmId: string, paymentId: string): Promise<string[]> {
    const links = await this.deps.links.findByQboId<{ invoiceId?: string }>('payment', realmId, paymentId);
    return links.map((l) => l.extra?.invoiceId ?? l.linkKey.split(':')[1] ?? '').filter((id) => id.length > 0);
  }

  private async read<T>(realmId: string, entity: 'Payment' | 'CreditMemo', id: string): Promise<T | null> {
    try {
      return await this.deps.company(realmId).read<T>(entity, id);
    } catch (error) {
      if (isQboFaultCode(error, '610')) return null;
      throw error;
    }
  }
}

function union(...lists: string[][]): string[] {
  return [...new Set(lists.flat())];
}

