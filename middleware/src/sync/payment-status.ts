/**
 * Payment status as pure functions: a QBO invoice and the payments applied to it → the Salesforce mirror
 * fields and payment rows; a deal's or an Account's invoices → their roll-ups. No I/O.
 * Money is summed in cents (see money.ts); dates are QBO's `YYYY-MM-DD` strings, compared as text.
 */
import type { CurrencyRates } from './currency';
import { fromCents, sumCents, toCents } from './money';
import { accountReceivables } from './receivables';

export interface QboTxnLink {
  TxnId: string;
  TxnType: string;
}

/** The part of a QBO invoice that payment status needs. */
export interface InvoiceSnapshot {
  Id: string;
  SyncToken?: string;
  DocNumber?: string;
  TxnDate?: string;
  DueDate?: string;
  TotalAmt: number;
  Balance: number;
  PrivateNote?: string;
  CurrencyRef?: { value: string };
  CustomerRef?: { value: string; name?: string };
  LinkedTxn?: QboTxnLink[];
  MetaData?: { LastUpdatedTime?: string };
  /** E-mail delivery (src/sync/delivery.ts). */
  EmailStatus?: string;
  BillEmail?: { Address?: string };
  DeliveryInfo?: { DeliveryType?: string; DeliveryTime?: string };
}

export interface PaymentSnapshot {
  Id: string;
  SyncToken?: string;
  TxnDate?: string;
  TotalAmt?: number;
  UnappliedAmt?: number;
  PaymentMethodRef?: { value: string; name?: string };
  CustomerRef?: { value: string; name?: string };
  Line?: Array<{ Amount?: number; LinkedTxn?: QboTxnLink[] }>;
  MetaData?: { LastUpdatedTime?: string };
}

/** One payment applied to one invoice: a `QuickBooks_Payment__c` row. */
export interface PaymentApplication {
  paymentId: string;
  invoiceId: string;
  amount: number;
  date: string | null;
  method: string | null;
}

/** An invoice as the roll-ups see it (a mirror row). */
export interface InvoiceFigures {
  invoiceId: string;
  docNumber: string | null;
  total: number;
  balance: number;
  dueDate: string | null;
  lastPaymentDate: string | null;
  voided: boolean;
}

export type InvoiceStatus = 'Voided' | 'Paid' | 'Overdue' | 'Partially Paid' | 'Open';
export type DealPaymentStatus = 'Not Invoiced' | 'Paid' | 'Overdue' | 'Partially Paid' | 'Open';

/** QBO voids an invoice by zeroing its amounts and marking the private note "Voided". */
export function isVoided(invoice: Pick<InvoiceSnapshot, 'TotalAmt' | 'PrivateNote'>): boolean {
  return toCents(invoice.TotalAmt) === 0 && /^\s*voided\b/i.test(invoice.PrivateNote ?? '');
}

/** Ids of the payments an invoice lists in `LinkedTxn` (credit memos are applied through payments too). */
export function linkedPaymentIds(invoice: Pick<InvoiceSnapshot, 'LinkedTxn'>): string[] {
  return [...new Set((invoice.LinkedTxn ?? []).filter((t) => t.TxnType === 'Payment').map((t) => t.TxnId))];
}

/** Invoices a payment is applied to, from its lines. */
export function invoicesOfPayment(payment: Pick<PaymentSnapshot, 'Line'>): string[] {
  return linkedOfType(payment, 'Invoice');
}

export function creditMemosOfPayment(payment: Pick<PaymentSnapshot, 'Line'>): string[] {
  return linkedOfType(payment, 'CreditMemo');
}

function linkedOfType(payment: Pick<PaymentSnapshot, 'Line'>, type: string): string[] {
  const ids = (payment.Line ?? []).flatMap((line) => (line.LinkedTxn ?? []).filter((t) => t.TxnType === type).map((t) => t.TxnId));
  return [...new Set(ids)];
}

/** Amount of `payment` applied to `invoiceId` (a payment may carry several lines for one invoice). */
export function amountAppliedTo(payment: PaymentSnapshot, invoiceId: string): number {
  const cents = (payment.Line ?? [])
    .filter((line) => (line.LinkedTxn ?? []).some((t) => t.TxnType === 'Invoice' && t.TxnId === invoiceId))
    .map((line) => toCents(line.Amount ?? 0));
  return fromCents(sumCents(cents));
}

/** The method's name when QBO gives one; a payment that only moves credit is shown as a credit memo. */
export function paymentMethodOf(payment: PaymentSnapshot): string | null {
  const name = payment.PaymentMethodRef?.name?.trim();
  if (name) return name.slice(0, 100);
  if (creditMemosOfPayment(payment).length > 0 && toCents(payment.TotalAmt ?? 0) === 0) return 'Credit Memo';
  return null;
}

/** One row per payment with a positive amount applied to this invoice, ordered by date then id. */
export function applicationsFor(invoice: Pick<InvoiceSnapshot, 'Id'>, payments: PaymentSnapshot[]): PaymentApplication[] {
  return payments
    .map((p) => ({ paymentId: p.Id, invoiceId: invoice.Id, amount: amountAppliedTo(p, invoice.Id), date: p.TxnDate ?? null, method: paymentMethodOf(p) }))
    .filter((a) => toCents(a.amount) > 0)
    .sort((a, b) => (a.date ?? '').localeCompare(b.date ?? '') || a.paymentId.localeCompare(b.paymentId, 'en', { numeric: true }));
}

export function lastPaymentDate(applications: PaymentApplication[]): string | null {
  return applications.reduce<string | null>((latest, a) => (a.date && (!latest || a.date > latest) ? a.date : latest), null);
}

export function figuresOf(invoice: InvoiceSnapshot, applications: PaymentApplication[]): InvoiceFigures {
  return {
    invoiceId: invoice.Id,
    docNumber: invoice.DocNumber ?? null,
    total: invoice.TotalAmt,
    balance: invoice.Balance,
    dueDate: invoice.DueDate ?? null,
    lastPaymentDate: lastPaymentDate(applications),
    voided: isVoided(invoice),
  };
}

/** Same rules as the `QuickBooks_Invoice__c.Status__c` formula, for the API and the demo. */
export function invoiceStatus(figures: Pick<InvoiceFigures, 'total' | 'balance' | 'dueDate' | 'voided'>, today: string): InvoiceStatus {
  if (figures.voided) return 'Voided';
  if (toCents(figures.balance) <= 0) return 'Paid';
  if (figures.dueDate && figures.dueDate < today) return 'Overdue';
  return toCents(figures.balance) < toCents(figures.total) ? 'Partially Paid' : 'Open';
}

export interface OpportunityRollup {
  /** First live invoice (the deal's "main" invoice), null when none is left. */
  invoiceId: string | null;
  docNumber: string | null;
  total: number | null;
  balance: number | null;
  /** Earliest due date still owed; when all is paid, the latest due date. */
  dueDate: string | null;
  lastPaymentDate: string | null;
}

/**
 * Sums over a deal's live invoices (voided ones count for nothing). With none left the deal reads
 * "Not Invoiced" again rather than "Paid": total and balance are blank, not zero.
 */
export function rollupOpportunity(invoices: InvoiceFigures[]): OpportunityRollup {
  const live = invoices.filter((i) => !i.voided);
  if (live.length === 0) return { invoiceId: null, docNumber: null, total: null, balance: null, dueDate: null, lastPaymentDate: latest(invoices.map((i) => i.lastPaymentDate)) };
  const open = live.filter((i) => toCents(i.balance) > 0);
  return {
    invoiceId: live[0]!.invoiceId,
    docNumber: live[0]!.docNumber,
    total: fromCents(sumCents(live.map((i) => toCents(i.total)))),
    balance: fromCents(sumCents(live.map((i) => toCents(i.balance)))),
    dueDate: open.length > 0 ? earliest(open.map((i) => i.dueDate)) : latest(live.map((i) => i.dueDate)),
    lastPaymentDate: latest(invoices.map((i) => i.lastPaymentDate)),
  };
}

/** An invoice as an Account's roll-up sees it: its figures and the currency they are in. */
export interface AccountInvoice extends InvoiceFigures {
  /** ISO code; none (null or absent) = the org's corporate currency. */
  currency?: string | null;
  /** `Type__c`: Invoice, Credit Memo, Sales Receipt or Refund Receipt; none = an invoice (receivables.ts). */
  type?: string | null;
  /** `Txn_Date__c`, `YYYY-MM-DD`. */
  txnDate?: string | null;
}

export interface AccountRollup<T extends AccountInvoice = AccountInvoice> {
  openBalance: number;
  overdueBalance: number;
  /**
   * Open invoices left out of both totals because their balance cannot be converted into the Account's
   * currency; `missing` is the currency the org has no rate for. Never added unconverted: that is wrong money.
   */
  unconverted: Array<{ invoice: T; currency: string; missing: string }>;
}

/**
 * Receivables of an Account in its own currency (`accountCurrency`; null = the corporate currency): open =
 * balances of its live invoices less unapplied credit memos, overdue = invoice balances due before today
 * (the full set of figures and their definitions: receivables.ts). Like a Salesforce roll-up summary in a
 * multi-currency org, each balance is converted with the org's rates and the sums are rounded to cents
 * once, at the end.
 */
export function rollupAccount<T extends AccountInvoice>(invoices: T[], today: string, org: CurrencyRates, accountCurrency: string | null): AccountRollup<T> {
  const figures = accountReceivables(invoices, today, org, accountCurrency);
  return {
    openBalance: figures.openBalance,
    overdueBalance: figures.overdueBalance,
    unconverted: figures.unconverted.filter((u) => toCents(u.invoice.balance) > 0),
  };
}

/** Same rules as the `Opportunity.Payment_Status__c` formula. */
export function dealPaymentStatus(rollup: Pick<OpportunityRollup, 'invoiceId' | 'total' | 'balance' | 'dueDate'>, today: string): DealPaymentStatus {
  if (rollup.invoiceId === null && rollup.total === null) return 'Not Invoiced';
  const balance = toCents(rollup.balance ?? 0);
  if (balance <= 0) return 'Paid';
  if (rollup.dueDate && rollup.dueDate < today) return 'Overdue';
  return balance < toCents(rollup.total ?? 0) ? 'Partially Paid' : 'Open';
}

/**
 * Orders two versions of one QBO record: SyncToken first (it grows by one on every save), then
 * LastUpdatedTime. Negative when `a` is older than `b`; 0 when equal or not comparable.
 */
export function compareVersions(a: { SyncToken?: string; lastUpdated?: string }, b: { SyncToken?: string; lastUpdated?: string }): number {
  const ta = Number(a.SyncToken);
  const tb = Number(b.SyncToken);
  if (a.SyncToken !== undefined && b.SyncToken !== undefined && Number.isFinite(ta) && Number.isFinite(tb) && ta !== tb) return ta - tb;
  const la = a.lastUpdated ? Date.parse(a.lastUpdated) : NaN;
  const lb = b.lastUpdated ? Date.parse(b.lastUpdated) : NaN;
  if (Number.isFinite(la) && Number.isFinite(lb)) return la - lb;
  return 0;
}

function earliest(dates: Array<string | null>): string | null {
  return dates.reduce<string | null>((min, d) => (d && (!min || d < min) ? d : min), null);
}

function latest(dates: Array<string | null>): string | null {
  return dates.reduce<string | null>((max, d) => (d && (!max || d > max) ? d : max), null);
}
