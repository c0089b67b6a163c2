/**
 * Every QBO sales document as a `QuickBooks_Invoice__c` row: invoices (owed), credit memos (reduce what is
 * owed), sales receipts (paid at once) and refund receipts (money paid back), told apart by `Type__c`; and
 * each payment applied to an invoice as a `QuickBooks_Payment__c` row. Pure functions: no I/O.
 */
import { DOCUMENT_TYPES, INVOICE_FIELDS as F, PAYMENT_FIELDS as P, documentKey, invoiceKey, paymentKey, type SalesDocumentEntity } from '../salesforce/fields';
import { toCents } from './money';
import { amountAppliedTo, invoicesOfPayment, isVoided, paymentMethodOf, type PaymentSnapshot, type QboTxnLink } from './payment-status';

export interface SalesDocument {
  Id: string;
  SyncToken?: string;
  DocNumber?: string;
  TxnDate?: string;
  DueDate?: string;
  TotalAmt: number;
  Balance?: number;
  RemainingCredit?: number;
  PrivateNote?: string;
  CustomerRef?: { value: string; name?: string };
  CurrencyRef?: { value: string; name?: string };
  LinkedTxn?: QboTxnLink[];
  MetaData?: { LastUpdatedTime?: string };
}

export interface RowParents {
  opportunityId: string | null;
  accountId: string | null;
}

export type MirrorRecord = Record<string, unknown>;

/** What is still open on the document: an invoice's balance, a credit memo's unapplied credit, 0 for receipts. */
export function openAmount(entity: SalesDocumentEntity, doc: SalesDocument): number {
  if (entity === 'Invoice') return doc.Balance ?? 0;
  if (entity === 'CreditMemo') return doc.RemainingCredit ?? doc.Balance ?? 0;
  return 0;
}

/**
 * The mirror row of one document. `Last_Payment_Date__c` is not part of it: it comes from the payments
 * (paymentRows / latestPaymentDates). `Opportunity__c` is sent only when known, so a row never loses its deal.
 */
export function documentRow(realmId: string, entity: SalesDocumentEntity, doc: SalesDocument, parents: RowParents): MirrorRecord {
  return {
    [F.quickBooksKey]: documentKey(realmId, entity, doc.Id),
    [F.type]: DOCUMENT_TYPES[entity],
    ...(parents.opportunityId ? { [F.opportunity]: parents.opportunityId } : {}),
    [F.account]: parents.accountId,
    [F.docNumber]: doc.DocNumber ?? null,
    [F.txnDate]: doc.TxnDate ?? null,
    [F.dueDate]: entity === 'Invoice' ? (doc.DueDate ?? null) : null,
    [F.total]: doc.TotalAmt,
    [F.balance]: openAmount(entity, doc),
    [F.currency]: doc.CurrencyRef?.value ?? null,
    [F.voided]: isVoided({ TotalAmt: doc.TotalAmt, ...(doc.PrivateNote !== undefined ? { PrivateNote: doc.PrivateNote } : {}) }),
  };
}

export interface PaymentRow {
  key: string;
  invoiceKey: string;
  paymentId: string;
  invoiceId: string;
  amount: number;
  date: string | null;
  method: string | null;
}

/**
 * One row per invoice the payment is applied to, as the invoice refresher writes them (a credit memo applied
 * through a zero payment shows as method "Credit Memo", like there).
 */
export function paymentRows(realmId: string, payment: PaymentSnapshot): PaymentRow[] {
  return invoicesOfPayment(payment)
    .map((invoiceId) => ({
      key: paymentKey(realmId, payment.Id, invoiceId),
      invoiceKey: invoiceKey(realmId, invoiceId),
      paymentId: payment.Id,
      invoiceId,
      amount: amountAppliedTo(payment, invoiceId),
      date: payment.TxnDate ?? null,
      method: paymentMethodOf(payment),
    }))
    .filter((row) => toCents(row.amount) > 0);
}

export function paymentRecord(row: PaymentRow, parentRecordId: string | null): MirrorRecord {
  return {
    [P.quickBooksKey]: row.key,
    ...(parentRecordId ? { [P.invoice]: parentRecordId } : {}),
    [P.amount]: row.amount,
    [P.paymentDate]: row.date,
    [P.method]: row.method,
  };
}

/** Salesforce answers 18-character ids; a 15-character id names the same record. */
function sameId(a: string, b: string): boolean {
  return a.length >= 15 && b.length >= 15 ? a.slice(0, 15) === b.slice(0, 15) : a === b;
}

function sameValue(field: string, wanted: unknown, current: unknown): boolean {
  const w = wanted === undefined ? null : wanted;
  const c = current === undefined ? null : current;
  if (typeof w === 'number' || typeof c === 'number') return w !== null && c !== null && toCents(Number(w)) === toCents(Number(c));
  if (typeof w === 'string' && typeof c === 'string' && /__c$|^Id$/.test(field) && /^[a-zA-Z0-9]{15,18}$/.test(w) && /^[a-zA-Z0-9]{15,18}$/.test(c)) return sameId(w, c);
  if (typeof w === 'boolean' || typeof c === 'boolean') return Boolean(w) === Boolean(c);
  return w === c;
}

/** The fields of `wanted` whose value differs from the row Salesforce holds (the key itself is not compared). */
export function changedFields(wanted: MirrorRecord, current: MirrorRecord | undefined, keyField: string = F.quickBooksKey): string[] {
  if (!current) return Object.keys(wanted).filter((f) => f !== keyField);
  return Object.keys(wanted).filter((f) => f !== keyField && !sameValue(f, wanted[f], current[f]));
}

/** The latest payment date per invoice key among these rows. */
export function latestPaymentDates(rows: PaymentRow[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const row of rows) {
    if (!row.date) continue;
    const before = out.get(row.invoiceKey);
    if (!before || row.date > before) out.set(row.invoiceKey, row.date);
  }
  return out;
}

/** `<realm>:<id>` → Invoice; `<realm>:<Entity>:<id>` → that entity. */
export function parseDocumentKey(key: string): { realmId: string; entity: SalesDocumentEntity; id: string } | null {
  const parts = key.split(':');
  if (parts.length === 2) return { realmId: parts[0]!, entity: 'Invoice', id: parts[1]! };
  if (parts.length === 3 && Object.hasOwn(DOCUMENT_TYPES, parts[1]!) && parts[1] !== 'Invoice') return { realmId: parts[0]!, entity: parts[1] as SalesDocumentEntity, id: parts[2]! };
  return null;
}
