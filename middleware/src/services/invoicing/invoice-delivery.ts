/**
 * E-mailing invoices through QuickBooks: a person's Send from the invoice card (through Apex), and the sync
 * policy's `invoiceDelivery.sendWhenCreated`, which sends each new invoice once. Every send, and every refused
 * send, is written to the audit log with who asked, the invoice, the address and QuickBooks' answer.
 */
import { AppError, isAppError } from '../../errors';
import type { Logger } from '../../logger';
import type { QboCompany } from '../../quickbooks/api';
import type { AuditEntryInput } from '../../store/audit-log';
import type { RecordLink } from '../../store/record-links';
import { deliveryOf, type InvoiceDeliverySnapshot } from '../../sync/delivery';
import { invoiceKey } from './invoice-recorder';
import type { PaymentMirror } from '../payments';

export const INVOICE_SEND_JOB = 'invoice.send';

export interface InvoiceSendJobPayload {
  realmId: string;
  opportunityId: string;
  invoiceId: string;
}

export interface SendRequest {
  opportunityId: string;
  invoiceId: string;
  /** One address; without it QuickBooks sends to the invoice's BillEmail (the billing e-mail). */
  sendTo?: string | undefined;
  /** The Salesforce user who pressed Send (Apex passes the running user). */
  requestedBy: { userId: string; name?: string | undefined };
}

/** What the route answers: QuickBooks' EmailStatus and DeliveryInfo.DeliveryTime after the send. */
export interface SendResult {
  opportunityId: string;
  invoiceId: string;
  docNumber: string | null;
  sentTo: string | null;
  emailStatus: string | null;
  deliveryTime: string | null;
}

interface SentInvoice extends InvoiceDeliverySnapshot {
  Id: string;
  DocNumber?: string;
}

/** What the store remembers of an automatic send (`settings`, key `invoice-send:<realm>:<invoice>`). */
interface AutoSendState {
  state: 'sending' | 'sent';
  at: string;
  deliveryTime?: string | null;
}

export interface InvoiceDeliveryDeps {
  links: { findBySalesforceId(kind: 'invoice', salesforceId: string): Promise<Array<RecordLink<{ accountId?: string | null; docNumber?: string | null }>>> };
  company: (realmId: string) => Pick<QboCompany, 'sendInvoice' | 'read'>;
  mirror: Pick<PaymentMirror, 'recordDelivery'>;
  audit: { append(entries: AuditEntryInput | AuditEntryInput[]): Promise<unknown> };
  state: { get<T>(key: string): Promise<T | undefined>; set(key: string, value: unknown): Promise<void> };
  logger: Logger;
  now: () => Date;
}

export class InvoiceDelivery {
  constructor(private readonly deps: InvoiceDeliveryDeps) {}

  /** A person's send: always sends (pressing Send twice e-mails twice, as in QuickBooks). */
  async send(request: SendRequest): Promise<SendResult> {
    const link = await this.linkOf(request.opportunityId, request.invoiceId);
    const actor = actorOf(request.requestedBy);
    return this.sendAndRecord(link, request.sendTo, { actor, sourceEvent: 'invoice-card' });
  }

  /**
   * The policy's automatic send of a new invoice, at most once. The store says `sending` before QuickBooks is
   * called and `sent` after. A retry that finds `sending` (QuickBooks' answer was lost, or the process
   * stopped) reads the invoice: EmailSent means the first call went through, and it is recorded without a
   * second e-mail; otherwise it sends again.
   */
  async sendNew(payload: InvoiceSendJobPayload, jobId?: string): Promise<SendResult | 'already-sent'> {
    const key = `invoice-send:${payload.realmId}:${payload.invoiceId}`;
    const before = await this.deps.state.get<AutoSendState>(key);
    if (before?.state === 'sent') return 'already-sent';
    const link = await this.linkOf(payload.opportunityId, payload.invoiceId);
    const context = { actor: 'ledgerline', sourceEvent: 'auto-send', ...(jobId ? { jobId } : {}) };
    if (before?.state === 'sending') {
      const current = await this.deps.company(link.realmId).read<SentInvoice>('Invoice', payload.invoiceId);
      if (current.EmailStatus === 'EmailSent') {
        this.deps.logger.info({ invoiceId: payload.invoiceId, jobId }, 'automatic send: the earlier attempt reached QuickBooks (EmailSent); not sending again');
        const result = await this.recordSent(link, current, { ...context, sourceEvent: 'auto-send (earlier attempt, answer lost)' });
        await this.deps.state.set(key, { state: 'sent', at: this.deps.now().toISOString(), deliveryTime: result.deliveryTime } satisfies AutoSendState);
        return result;
      }
    }
    await this.deps.state.set(key, { state: 'sending', at: this.deps.now().toISOString() } satisfies AutoSendState);
    const result = await this.sendAndRecord(link, undefined, context);
    await this.deps.state.set(key, { state: 'sent', at: this.deps.now().toISOString(), deliveryTime: result.deliveryTime } satisfies AutoSendState);
    return result;
  }

  private async linkOf(opportunityId: string, invoiceId: string): Promise<RecordLink<{ accountId?: string | null; docNumber?: string | null }>> {
    const link = (await this.deps.links.findBySalesforceId('invoice', opportunityId)).find((l) => l.qboId === invoiceId);
    if (!link) {
      throw new AppError('NOT_FOUND', `QuickBooks invoice ${invoiceId} is not an invoice of Opportunity ${opportunityId} as far as Ledgerline knows; nothing was sent.`, {
        fix: 'Send the invoice from its card on the Opportunity it belongs to; an invoice made in QuickBooks by hand is sent from QuickBooks.',
      });
    }
    return link;
  }

  private async sendAndRecord(link: RecordLink<{ accountId?: string | null; docNumber?: string | null }>, sendTo: string | undefined, context: AuditContext): Promise<SendResult> {
    let sent: SentInvoice;
    try {
      sent = await this.deps.company(link.realmId).sendInvoice<SentInvoice>(link.qboId, sendTo);
    } catch (error) {
      const refused = this.explain(error, link, sendTo);
      await this.deps.audit.append({
        ...auditOf(link, context),
        action: 'invoice.send_failed',
        newValue: { to: sendTo ?? 'billing e-mail on the invoice', error: refused.message },
      });
      throw refused;
    }
    return this.recordSent(link, sent, context);
  }

  /** Audit first (it is the record of the e-mail), then the mirror row; a mirror failure does not undo the send. */
  private async recordSent(link: RecordLink<{ accountId?: string | null; docNumber?: string | null }>, sent: SentInvoice, context: AuditContext): Promise<SendResult> {
    const delivery = deliveryOf(sent);
    const result: SendResult = {
      opportunityId: link.salesforceId,
      invoiceId: link.qboId,
      docNumber: sent.DocNumber ?? link.extra?.docNumber ?? null,
      sentTo: sent.BillEmail?.Address ?? null,
      emailStatus: delivery.emailStatus,
      deliveryTime: sent.DeliveryInfo?.DeliveryTime ?? null,
    };
    await this.deps.audit.append({
      ...auditOf(link, context),
      action: 'invoice.sent',
      newValue: { to: result.sentTo, emailStatus: result.emailStatus, deliveryTime: result.deliveryTime },
    });
    await this.deps.mirror
      .recordDelivery({ key: invoiceKey(link.realmId, link.qboId), opportunityId: link.salesforceId, accountId: link.extra?.accountId ?? null, ...delivery })
      .catch((error: unknown) => this.deps.logger.warn({ err: error, invoiceId: link.qboId }, 'the invoice was e-mailed but its mirror row could not be updated; the next refresh of the invoice writes it'));
    this.deps.logger.info({ opportunityId: link.salesforceId, invoiceId: link.qboId, actor: context.actor, emailStatus: result.emailStatus }, 'invoice e-mailed through QuickBooks');
    return result;
  }

  /** QuickBooks' refusal, said for the invoice card: which invoice, why, and what to do. */
  private explain(error: unknown, link: RecordLink<{ docNumber?: string | null }>, sendTo: string | undefined): AppError {
    if (!isAppError(error)) return new AppError('INTERNAL', String(error), { cause: error });
    const name = `QuickBooks invoice ${link.extra?.docNumber ?? link.qboId} (Opportunity ${link.salesforceId})`;
    if (error.retryable) {
      // No answer, throttled or a QuickBooks failure: the e-mail may or may not have gone out.
      return new AppError(error.code, `QuickBooks did not confirm that ${name} was sent: ${error.message}`, {
        status: error.status,
        retryable: true,
        fix: 'Check the e-mail status on the invoice card (or in QuickBooks) in a minute before sending again, so the customer does not get it twice.',
        details: error.details,
        cause: error,
      });
    }
    if (error.code !== 'QBO_ERROR') return error;
    const fix = sendTo
      ? 'Check the address and the invoice in QuickBooks, then send again.'
      : "Enter an address in the Send dialog, or set the Account's Billing E-mail so that new invoices carry it.";
    return new AppError('QBO_ERROR', `${name} was not sent: ${error.message}`, { status: 422, fix, details: error.details, cause: error });
  }
}

interface AuditContext {
  actor: string;
  sourceEvent: string;
  jobId?: string;
}

function auditOf(link: RecordLink, context: AuditContext): AuditEntryInput {
  return {
    actor: context.actor,
    action: '',
    system: 'quickbooks',
    realmId: link.realmId,
    salesforceId: link.salesforceId,
    qboId: link.qboId,
    field: 'BillEmail.Address',
    sourceEvent: context.sourceEvent,
    jobId: context.jobId ?? null,
  };
}

/** `Salesforce user 005… (Name)`: the audit log's actor for a person's send. */
function actorOf(user: SendRequest['requestedBy']): string {
  return user.name ? `Salesforce user ${user.userId} (${user.name})` : `Salesforce user ${user.userId}`;
}
