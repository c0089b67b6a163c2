/**
 * Days sales outstanding by calendar month, per QuickBooks company and currency. Pure functions over the
 * invoice mirror and its payment rows; services/payments/receivables-months.ts reads them and writes one
 * `Receivables_Month__c` row per company, currency and month. Definitions:
 *
 * - Invoiced(M)     = Σ Total of live invoices (not voided; Type Invoice or blank) with Txn_Date__c in month M.
 * - Receivables(M)  = what live invoices dated on or before the last day of M still owed at the end of that day.
 *                     For one invoice: its Balance today plus the payments applied to it after that day
 *                     (QuickBooks_Payment__c.Payment_Date__c; credit memo applications are payment rows too),
 *                     capped at its Total. Anchoring on today's balance keeps the figure right even when older
 *                     payment rows are missing. Credit memos and receipts are not receivables.
 * - DSO(M)          = Receivables(M) / Invoiced(M) × days in M; none when nothing was invoiced in M.
 *
 * Amounts stay in each invoice's currency (one row per currency: never summed across currencies).
 */
import { fromCents, sumCents, toCents } from './money';
import { documentKind } from './receivables';

export interface DsoInvoice {
  key: string;
  realmId: string;
  currency: string;
  type: string | null;
  total: number;
  balance: number;
  txnDate: string | null;
  voided: boolean;
}

export interface DsoPayment {
  invoiceKey: string;
  amount: number;
  date: string | null;
}

export interface ReceivablesMonth {
  realmId: string;
  currency: string;
  /** `YYYY-MM`. */
  month: string;
  /** `YYYY-MM-01`. */
  monthStart: string;
  days: number;
  invoiced: number;
  receivables: number;
  /** One decimal, as the `DSO__c` formula shows it; null when nothing was invoiced. */
  dso: number | null;
}

/** Days in a `YYYY-MM` month. */
export function daysInMonth(month: string): number {
  const [year, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, m, 0)).getUTCDate();
}

/** The last `count` complete months before the month of `today`, oldest first (`YYYY-MM`). */
export function completeMonths(today: string, count: number): string[] {
  const [year, month] = today.split('-').map(Number) as [number, number];
  const out: string[] = [];
  for (let back = count; back >= 1; back -= 1) {
    const d = new Date(Date.UTC(year, month - 1 - back, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

export function monthEnd(month: string): string {
  return `${month}-${String(daysInMonth(month)).padStart(2, '0')}`;
}

/** Receivables and DSO per company, currency and month; only groups that invoiced or owed something. */
export function receivablesByMonth(invoices: DsoInvoice[], payments: DsoPayment[], months: string[]): ReceivablesMonth[] {
  const live = invoices.filter((i) => !i.voided && documentKind(i.type) === 'invoice' && i.txnDate);
  const paidAfter = new Map<string, DsoPayment[]>();
  for (const p of payments) if (p.date) paidAfter.set(p.invoiceKey, [...(paidAfter.get(p.invoiceKey) ?? []), p]);
  const groups = new Map<string, DsoInvoice[]>();
  for (const invoice of live) {
    const group = `${invoice.realmId}\u0000${invoice.currency}`;
    groups.set(group, [...(groups.get(group) ?? []), invoice]);
  }
  const rows: ReceivablesMonth[] = [];
  for (const [group, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const [realmId = '', currency = ''] = group.split('\u0000');
    for (const month of months) {
      const end = monthEnd(month);
      const invoiced = sumCents(members.filter((i) => i.txnDate!.slice(0, 7) === month).map((i) => toCents(i.total)));
      const owed = sumCents(members.filter((i) => i.txnDate! <= end).map((i) => owedAt(i, end, paidAfter.get(i.key) ?? [])));
      if (invoiced === 0 && owed === 0) continue;
      const days = daysInMonth(month);
      rows.push({
        realmId, currency, month, monthStart: `${month}-01`, days,
        invoiced: fromCents(invoiced),
        receivables: fromCents(owed),
        dso: invoiced > 0 ? Math.round((owed / invoiced) * days * 10) / 10 : null,
      });
    }
  }
  return rows;
}

/** Cents an invoice still owed at the end of `day`: today's balance plus what was paid after, at most its total. */
function owedAt(invoice: DsoInvoice, day: string, payments: DsoPayment[]): number {
  const later = sumCents(payments.filter((p) => p.date! > day).map((p) => toCents(p.amount)));
  return Math.max(0, Math.min(toCents(invoice.total), toCents(invoice.balance) + later));
}
