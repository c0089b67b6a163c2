/**
 * DSO by month for leadership: reads the invoice mirror and its payment rows, computes receivables and DSO
 * per QuickBooks company, currency and complete month (sync/dso.ts) and upserts one `Receivables_Month__c`
 * row each (key `<realmId>:<currency>:<YYYY-MM>`), which the DSO by Month report and the Receivables
 * Overview dashboard show. Runs once a day with the payment sweep, and on demand (`npm run cli -- dso`).
 * A month's figures change when history arrives later (an import, a late payment row): every run rewrites
 * the whole window, so the rows always follow the mirror.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { INVOICE_FIELDS, PAYMENT_FIELDS, RECEIVABLES_MONTH_FIELDS, RELATIONSHIPS, SOBJECTS } from '../../salesforce/fields';
import { classifySalesforceError } from '../../salesforce/records';
import { completeMonths, monthEnd, receivablesByMonth, type DsoInvoice, type DsoPayment, type ReceivablesMonth } from '../../sync/dso';
import type { SyncCursorRepository } from '../../store/sync-cursors';
import { NO_REALM } from '../../store/sync-cursors';
import type { BillingEntity } from '../billing-entities';
import type { SalesforceWriteBack } from '../write-back';

export const DSO_CURSOR = 'receivables.dso-day';
/** Two years of months, the history import's default period. */
export const DSO_MONTHS = 24;

export interface ReceivablesMonthsDeps {
  salesforce: () => Promise<Connection>;
  writeBack: Pick<SalesforceWriteBack, 'upsert'>;
  entities: () => Promise<BillingEntity[]>;
  /** The currency of a mirror row that names none (the org's corporate currency). */
  defaultCurrency: () => Promise<string>;
  cursors: Pick<SyncCursorRepository, 'get' | 'compareAndSet'>;
  /** Today as YYYY-MM-DD. */
  today: () => string;
}

export interface ReceivablesMonthRow extends ReceivablesMonth {
  billingEntity: string;
}

interface InvoiceRow extends Record<string, unknown> {
  QuickBooks_Key__c: string;
  Currency__c: string | null;
  Type__c: string | null;
  Total__c: number | null;
  Balance__c: number | null;
  Txn_Date__c: string | null;
}

export class ReceivablesMonths {
  constructor(private readonly deps: ReceivablesMonthsDeps) {}

  /** Computes and writes every company's months; returns the rows written. */
  async refresh(months = DSO_MONTHS): Promise<ReceivablesMonthRow[]> {
    const window = completeMonths(this.deps.today(), months);
    const first = window[0]!;
    const last = window.at(-1)!;
    const conn = await this.deps.salesforce();
    const [invoices, payments, entities, fallback] = await Promise.all([
      this.invoices(conn, `${first}-01`, monthEnd(first), monthEnd(last)),
      this.payments(conn, monthEnd(first)),
      this.deps.entities(),
      this.deps.defaultCurrency(),
    ]);
    const names = new Map(entities.map((e) => [e.realmId, e.name]));
    const rows = receivablesByMonth(invoices.map((row) => toDsoInvoice(row, fallback)), payments, window).map((r) => ({ ...r, billingEntity: names.get(r.realmId) ?? r.realmId }));
    const f = RECEIVABLES_MONTH_FIELDS;
    await Promise.all(
      rows.map((r) =>
        this.deps.writeBack.upsert(SOBJECTS.receivablesMonth, f.key, {
          [f.key]: `${r.realmId}:${r.currency}:${r.month}`,
          [f.month]: r.monthStart,
          [f.billingEntity]: r.billingEntity,
          [f.currency]: r.currency,
          [f.invoiced]: r.invoiced,
          [f.receivables]: r.receivables,
          [f.days]: r.days,
        }),
      ),
    );
    return rows;
  }

  /** Once a day (from the payment sweep): refreshes when the day changed since the last run. */
  async refreshDaily(): Promise<boolean> {
    const today = this.deps.today();
    const cursor = await this.deps.cursors.get(NO_REALM, DSO_CURSOR);
    if (cursor?.value === today) return false;
    await this.refresh();
    await this.deps.cursors.compareAndSet(NO_REALM, DSO_CURSOR, cursor?.value, today);
    return true;
  }

  /** Live invoices that were invoiced in the window or could still be owed at the end of one of its months. */
  private invoices(conn: Connection, start: string, firstEnd: string, lastEnd: string): Promise<InvoiceRow[]> {
    const i = INVOICE_FIELDS;
    const soql =
      `SELECT ${i.quickBooksKey}, ${i.currency}, ${i.type}, ${i.total}, ${i.balance}, ${i.txnDate} FROM ${SOBJECTS.invoice} ` +
      `WHERE ${i.voided} = false AND ${i.txnDate} <= ${date(lastEnd)} ` +
      `AND (${i.txnDate} >= ${date(start)} OR ${i.balance} > 0 OR ${i.lastPaymentDate} > ${date(firstEnd)})`;
    return query<InvoiceRow>(conn, soql, 'the DSO invoice query');
  }

  private async payments(conn: Connection, after: string): Promise<DsoPayment[]> {
    const p = PAYMENT_FIELDS;
    const invoiceKey = `${RELATIONSHIPS.paymentInvoice}.${INVOICE_FIELDS.quickBooksKey}`;
    const soql = `SELECT ${invoiceKey}, ${p.amount}, ${p.paymentDate} FROM ${SOBJECTS.payment} WHERE ${p.paymentDate} > ${date(after)}`;
    const rows = await query<{ Invoice__r: { QuickBooks_Key__c: string } | null; Amount__c: number | null; Payment_Date__c: string | null }>(conn, soql, 'the DSO payment query');
    return rows.filter((r) => r.Invoice__r).map((r) => ({ invoiceKey: r.Invoice__r!.QuickBooks_Key__c, amount: r.Amount__c ?? 0, date: r.Payment_Date__c }));
  }
}

function toDsoInvoice(row: InvoiceRow, fallbackCurrency: string): DsoInvoice {
  return {
    key: row.QuickBooks_Key__c,
    realmId: row.QuickBooks_Key__c.split(':')[0] ?? '',
    currency: row.Currency__c?.trim().toUpperCase() || fallbackCurrency,
    type: row.Type__c,
    total: row.Total__c ?? 0,
    balance: row.Balance__c ?? 0,
    txnDate: row.Txn_Date__c,
    voided: false,
  };
}

async function query<T extends Record<string, unknown>>(conn: Connection, soql: string, what: string): Promise<T[]> {
  try {
    return (await conn.query<T>(soql, { autoFetch: true, maxFetch: 200_000 })).records;
  } catch (error) {
    throw classifySalesforceError(error, what);
  }
}

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new AppError('INTERNAL', `"${value}" is not a date.`);
  return value;
}
