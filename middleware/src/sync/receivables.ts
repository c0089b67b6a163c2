/**
 * An Account's receivables figures from its mirrored sales documents (`QuickBooks_Invoice__c` rows of every
 * `Type__c`). Pure functions; the rows are read by services/payments/payment-mirror.ts and the figures written by
 * services/payments/payment-rollups.ts. Voided documents count for nothing. Definitions (the Account fields' meaning):
 *
 * - Total_Invoiced__c  = Σ Total of invoices (Type Invoice, or blank: rows written before Type__c existed).
 * - Total_Credited__c  = Σ Total of credit memos.
 * - Total_Paid__c      = Σ (Total − Balance) of invoices, less Σ (Total − Balance) of credit memos (credit
 *                        applied to invoices lowered their balances without money changing hands), plus Σ Total
 *                        of sales receipts, less Σ Total of refund receipts: the money actually collected.
 * - Open_Balance__c    = Σ Balance of invoices, less Σ Balance of credit memos (their unapplied credit), as
 *                        QuickBooks states a customer's balance. Below zero when the customer is owed credit.
 * - Overdue_Balance__c = Σ Balance of invoices due before today (unapplied credit is not tied to a due date and
 *                        stays in the current bucket, as in QuickBooks' A/R aging).
 * - Last_Payment_Date__c   = the latest invoice Last_Payment_Date__c or sales receipt Txn_Date__c.
 * - Average_Days_To_Pay__c = over invoices paid in full (Total > 0, Balance ≤ 0, both dates known), the mean of
 *                        Last_Payment_Date__c − Txn_Date__c in days, rounded to one decimal; null when none.
 *
 * Money is converted into the Account's currency with the org's rates (currency.ts), summed in cents and
 * rounded once. A document whose currency cannot be converted is left out of every figure and reported in
 * `unconverted`, never added unconverted.
 */
import { convertCents, currencyOf, type CurrencyRates } from './currency';
import { fromCents, roundCents, sumCents, toCents } from './money';
import type { AccountInvoice } from './payment-status';

export type DocumentKind = 'invoice' | 'creditMemo' | 'salesReceipt' | 'refundReceipt';

/** `Type__c` picklist value → kind; blank is an invoice. An unknown value is not counted. */
export function documentKind(type: string | null | undefined): DocumentKind | null {
  switch ((type ?? '').trim()) {
    case '':
    case 'Invoice':
      return 'invoice';
    case 'Credit Memo':
      return 'creditMemo';
    case 'Sales Receipt':
      return 'salesReceipt';
    case 'Refund Receipt':
      return 'refundReceipt';
    default:
      return null;
  }
}

export interface AccountReceivables<T extends AccountInvoice = AccountInvoice> {
  totalInvoiced: number;
  totalPaid: number;
  totalCredited: number;
  openBalance: number;
  overdueBalance: number;
  lastPaymentDate: string | null;
  averageDaysToPay: number | null;
  unconverted: Array<{ invoice: T; currency: string; missing: string }>;
}

const DAY_MS = 24 * 3600 * 1000;

/** Whole days from `from` to `to` (both `YYYY-MM-DD`). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function accountReceivables<T extends AccountInvoice>(rows: T[], today: string, org: CurrencyRates, accountCurrency: string | null): AccountReceivables<T> {
  const target = currencyOf(accountCurrency, org);
  const sums = { invoiced: [] as number[], paid: [] as number[], credited: [] as number[], open: [] as number[], overdue: [] as number[] };
  const unconverted: AccountReceivables<T>['unconverted'] = [];
  const paymentDates: string[] = [];
  const daysToPay: number[] = [];
  for (const row of rows) {
    const kind = documentKind(row.type);
    if (row.voided || kind === null) continue;
    const currency = currencyOf(row.currency, org);
    const total = convertCents(toCents(row.total), currency, target, org);
    const balance = convertCents(toCents(row.balance), currency, target, org);
    if (total === null || balance === null) {
      if (toCents(row.total) !== 0 || toCents(row.balance) !== 0) unconverted.push({ invoice: row, currency, missing: org.rates.has(currency) ? target : currency });
      continue;
    }
    if (kind === 'invoice') {
      sums.invoiced.push(total);
      sums.paid.push(total - balance);
      if (balance > 0) sums.open.push(balance);
      if (balance > 0 && row.dueDate !== null && row.dueDate < today) sums.overdue.push(balance);
      if (row.lastPaymentDate) paymentDates.push(row.lastPaymentDate);
      if (total > 0 && balance <= 0 && row.lastPaymentDate && row.txnDate) daysToPay.push(daysBetween(row.txnDate, row.lastPaymentDate));
    } else if (kind === 'creditMemo') {
      sums.credited.push(total);
      sums.paid.push(-(total - balance));
      sums.open.push(-balance);
    } else if (kind === 'salesReceipt') {
      sums.paid.push(total);
      if (row.txnDate) paymentDates.push(row.txnDate);
    } else {
      sums.paid.push(-total);
    }
  }
  const money = (cents: number[]) => fromCents(roundCents(sumCents(cents)));
  return {
    totalInvoiced: money(sums.invoiced),
    totalPaid: money(sums.paid),
    totalCredited: money(sums.credited),
    openBalance: money(sums.open),
    overdueBalance: money(sums.overdue),
    lastPaymentDate: paymentDates.reduce<string | null>((max, d) => (!max || d > max ? d : max), null),
    averageDaysToPay: daysToPay.length === 0 ? null : Math.round((daysToPay.reduce((a, b) => a + b, 0) / daysToPay.length) * 10) / 10,
    unconverted,
  };
}
