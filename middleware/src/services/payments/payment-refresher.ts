/**
 * Brings one QBO invoice's payment status into Salesforce: re-read the invoice and the payments it
 * lists, write the mirror row and one row per payment, remove rows of payments no longer applied,
 * then roll the deal and the Account up. Every run reads QBO's current state, so events that arrive
 * late, twice or out of order converge; a read older than what was already applied (lower SyncToken)
 * is ignored. Runs for one invoice never overlap: a request during a run gets the next run.
 */
import type { Logger } from '../../logger';
import { isQboFaultCode } from '../../quickbooks/errors';
import type { QboCompany } from '../../quickbooks/api';
import { paymentKey, SOBJECTS } from '../../salesforce/fields';
import type { AuditLog } from '../../store/audit-log';
import type { RecordLink, RecordLinkRepository } from '../../store/record-links';
import { deliveryOf } from '../../sync/delivery';
import { opportunityIdFromPrivateNote } from '../../sync/invoice-draft';
import { applicationsFor, compareVersions, figuresOf, linkedPaymentIds, type InvoiceSnapshot, type PaymentSnapshot } from '../../sync/payment-status';
import { invoiceKey } from '../invoicing';
import type { PaymentMirror } from './payment-mirror';
import type { PaymentRollups } from './payment-rollups';

/** What the invoice link remembers between runs (stored in `record_links.extra`). */
export interface InvoiceLinkState {
  accountId?: string | null;
  opportunityId?: string | null;
  docNumber?: string | null;
  syncToken?: string;
  lastUpdated?: string;
  balance?: number;
  payments?: string[];
  deleted?: boolean;
  [key: string]: unknown;
}

export type RefreshOutcome = 'updated' | 'unchanged' | 'deleted' | 'stale' | 'not-ours';

export interface RefresherDeps {
  company: (realmId: string) => Pick<QboCompany, 'read'>;
  links: Pick<RecordLinkRepository, 'findByQboId' | 'put' | 'remove'>;
  mirror: Pick<PaymentMirror, 'upsertInvoice' | 'upsertPayment' | 'deleteByKeys'>;
  rollups: Pick<PaymentRollups, 'request'>;
  audit: Pick<AuditLog, 'append'>;
  logger: Logger;
}

export class InvoiceRefresher {
  private readonly inFlight = new Map<string, { current: Promise<RefreshOutcome>; next: Promise<RefreshOutcome> | null }>();
  /** QBO reads made (for tests and benchmarks). */
  reads = 0;

  constructor(private readonly deps: RefresherDeps) {}

  /**
   * `known` holds payments the caller has just read from QBO (a Payment event reads its payment to find
   * its invoices): a run started by this call uses them instead of reading them again.
   */
  refresh(realmId: string, invoiceId: string, source: string, known: PaymentSnapshot[] = []): Promise<RefreshOutcome> {
    const key = `${realmId}:${invoiceId}`;
    const slot = this.inFlight.get(key);
    if (!slot) {
      const current = this.run(realmId, invoiceId, source, known).finally(() => this.advance(key));
      this.inFlight.set(key, { current, next: null });
      return current;
    }
    slot.next ??= slot.current.catch(() => undefined).then(() => this.run(realmId, invoiceId, source, known));
    return slot.next;
  }

  /**
   * True for the Create event of an invoice this middleware created and recorded (its link holds the
   * SyncToken of QBO's answer to the create; the recorder wrote the mirror and ran the roll-ups): nothing in
   * QBO is newer than that, because every later change comes with its own Update event.
   */
  async acknowledgeCreated(realmId: string, invoiceId: string): Promise<boolean> {
    const state = await this.appliedState(realmId, invoiceId);
    return Boolean(state && state.syncToken !== undefined && !state.deleted);
  }

  /** The last state applied for an invoice, to skip CDC entries that bring nothing new. */
  async appliedState(realmId: string, invoiceId: string): Promise<InvoiceLinkState | null> {
    const link = (await this.deps.links.findByQboId<InvoiceLinkState>('invoice', realmId, invoiceId))[0];
    return link?.extra ?? (link ? {} : null);
  }

  private advance(key: string): void {
    const slot = this.inFlight.get(key);
    if (!slot) return;
    if (!slot.next) {
      this.inFlight.delete(key);
      return;
    }
    const next = slot.next;
    this.inFlight.set(key, { current: next, next: null });
    void next.catch(() => undefined).finally(() => this.advance(key));
  }

  private async run(realmId: string, invoiceId: string, source: string, justRead: PaymentSnapshot[] = []): Promise<RefreshOutcome> {
    const company = this.deps.company(realmId);
    const known = (await this.deps.links.findByQboId<InvoiceLinkState>('invoice', realmId, invoiceId))[0];
    const invoice = await this.read<InvoiceSnapshot>(company, 'Invoice', invoiceId);
    if (!invoice) return known ? this.deleted(realmId, invoiceId, known, source) : 'not-ours';
    const link = known ?? (await this.attach(realmId, invoice));
    if (!link) return 'not-ours';
    const state = link.extra ?? {};
    const order = compareVersions({ SyncToken: invoice.SyncToken, lastUpdated: invoice.MetaData?.LastUpdatedTime }, { SyncToken: state.syncToken, lastUpdated: state.lastUpdated });
    if (order < 0) {
      this.deps.logger.info({ realmId, invoiceId, read: invoice.SyncToken, applied: state.syncToken }, 'ignored an invoice read older than the state already applied');
      return 'stale';
    }
    // The invoice is the version already applied (an Invoice event that an earlier run has caught up with).
    // Its payments are not read again: a change to a payment comes with that payment's own event, whose
    // run is given the payment (`justRead`) and so does not stop here.
    if (order === 0 && invoice.SyncToken !== undefined && invoice.SyncToken === state.syncToken && !state.deleted && justRead.length === 0) return 'unchanged';

    const given = new Map(justRead.map((p) => [p.Id, p]));
    const payments = (await Promise.all(linkedPaymentIds(invoice).map((id) => given.get(id) ?? this.read<PaymentSnapshot>(company, 'Payment', id)))).filter((p): p is PaymentSnapshot => p !== null);
    const applications = applicationsFor(invoice, payments);
    const figures = figuresOf(invoice, applications);
    const { opportunityId, accountId } = parentsOf(link);
    const key = invoiceKey(realmId, invoiceId);
    await this.deps.mirror.upsertInvoice({ ...figures, ...deliveryOf(invoice), key, realmId, opportunityId, accountId, txnDate: invoice.TxnDate ?? null, currency: invoice.CurrencyRef?.value ?? null });

    const current = applications.map((a) => a.paymentId);
    const gone = (state.payments ?? []).filter((id) => !current.includes(id));
    const written = new Set(state.payments ?? []);
    await Promise.all(
      applications.map((a) => this.deps.mirror.upsertPayment({ key: paymentKey(realmId, a.paymentId, invoiceId), invoiceKey: key, isNew: !written.has(a.paymentId), amount: a.amount, date: a.date, method: a.method })),
    );
    if (gone.length > 0) await this.deps.mirror.deleteByKeys(SOBJECTS.payment, gone.map((id) => paymentKey(realmId, id, invoiceId)));

    const next: InvoiceLinkState = {
      ...state,
      accountId,
      opportunityId,
      docNumber: invoice.DocNumber ?? null,
      ...(invoice.SyncToken !== undefined ? { syncToken: invoice.SyncToken } : {}),
      ...(invoice.MetaData?.LastUpdatedTime ? { lastUpdated: invoice.MetaData.LastUpdatedTime } : {}),
      balance: invoice.Balance,
      payments: current,
      deleted: false,
    };
    await Promise.all([
      ...payments.filter((p) => current.includes(p.Id)).map((p) =>
        this.deps.links.put({ kind: 'payment', realmId, salesforceId: link.salesforceId, qboId: p.Id, linkKey: `${p.Id}:${invoiceId}`, extra: { invoiceId, syncToken: p.SyncToken ?? null } }),
      ),
      ...gone.map((id) => this.deps.links.remove('payment', realmId, `${id}:${invoiceId}`)),
    ]);
    if (state.balance !== invoice.Balance) {
      await this.deps.audit.append({ actor: 'ledgerline', action: 'invoice.balance', system: 'salesforce', realmId, qboId: invoiceId, salesforceId: opportunityId ?? accountId, field: 'Balance__c', oldValue: state.balance === undefined ? null : String(state.balance), newValue: String(invoice.Balance), sourceEvent: source });
    }
    await this.deps.rollups.request(opportunityId ? [opportunityId] : [], accountId ? [accountId] : []);
    // Stored last: a run that failed part-way is redone in full by the retry, not taken as 'unchanged'.
    await this.deps.links.put({ kind: 'invoice', realmId, salesforceId: link.salesforceId, qboId: invoiceId, extra: next });
    return 'updated';
  }

  /** The invoice is gone from QBO: its mirror row (and, master-detail, its payment rows) go too. */
  private async deleted(realmId: string, invoiceId: string, link: RecordLink<InvoiceLinkState>, source: string): Promise<RefreshOutcome> {
    const state = link.extra ?? {};
    const { opportunityId, accountId } = parentsOf(link);
    await this.deps.mirror.deleteByKeys(SOBJECTS.invoice, [invoiceKey(realmId, invoiceId)]);
    await this.deps.links.put({ kind: 'invoice', realmId, salesforceId: link.salesforceId, qboId: invoiceId, extra: { ...state, accountId, opportunityId, deleted: true, balance: 0, payments: [] } });
    await Promise.all((state.payments ?? []).map((id) => this.deps.links.remove('payment', realmId, `${id}:${invoiceId}`)));
    if (!state.deleted) {
      await this.deps.audit.append({ actor: 'ledgerline', action: 'invoice.deleted', system: 'salesforce', realmId, qboId: invoiceId, salesforceId: opportunityId ?? accountId, sourceEvent: source });
    }
    await this.deps.rollups.request(opportunityId ? [opportunityId] : [], accountId ? [accountId] : []);
    return 'deleted';
  }

  /**
   * An invoice made by hand in QBO for a customer we know belongs to that customer's Account, and to the
   * Opportunity whose id its private note carries.
   */
  private async attach(realmId: string, invoice: InvoiceSnapshot): Promise<RecordLink<InvoiceLinkState> | undefined> {
    const customerId = invoice.CustomerRef?.value;
    if (!customerId) return undefined;
    const customer = (await this.deps.links.findByQboId('customer', realmId, customerId))[0];
    if (!customer) return undefined;
    const opportunityId = opportunityIdFromPrivateNote(invoice.PrivateNote);
    const extra: InvoiceLinkState = { accountId: customer.salesforceId, opportunityId, docNumber: invoice.DocNumber ?? null, attachedBy: 'customer' };
    this.deps.logger.info({ realmId, invoiceId: invoice.Id, accountId: customer.salesforceId, opportunityId }, 'linked an invoice made in QuickBooks to its Salesforce Account');
    return this.deps.links.put<InvoiceLinkState>({ kind: 'invoice', realmId, salesforceId: opportunityId ?? customer.salesforceId, qboId: invoice.Id, extra });
  }

  /** Reads a record; null when QBO says it does not exist (deleted). */
  private async read<T>(company: Pick<QboCompany, 'read'>, entity: 'Invoice' | 'Payment', id: string): Promise<T | null> {
    this.reads += 1;
    try {
      return await company.read<T>(entity, id);
    } catch (error) {
      if (isQboFaultCode(error, '610')) return null;
      throw error;
    }
  }
}

/** Links made by the invoice sync name the Opportunity as their Salesforce id and keep the Account in `extra`. */
function parentsOf(link: RecordLink<InvoiceLinkState>): { opportunityId: string | null; accountId: string | null } {
  const extra = link.extra ?? {};
  const accountId = typeof extra.accountId === 'string' ? extra.accountId : null;
  if (extra.opportunityId !== undefined) return { opportunityId: extra.opportunityId ?? null, accountId };
  return { opportunityId: link.salesforceId !== accountId ? link.salesforceId : null, accountId };
}
