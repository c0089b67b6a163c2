/**
 * The Salesforce side of the history import and the weekly reconciliation: read the mirror rows of a page of
 * documents in one SOQL query per 200 keys, write only what differs through the batched sObject-collection
 * write-back (up to 200 records per call), and list the keys Salesforce holds for a company.
 */
import type { Connection } from 'jsforce';
import { AppError, isAppError } from '../../errors';
import { classifySalesforceError } from '../../salesforce/records';
import { INVOICE_FIELDS as F, PAYMENT_FIELDS as P, SOBJECTS } from '../../salesforce/fields';
import type { MirrorRecord } from '../../sync/sales-documents';
import { type PaymentMirror, soqlKeyList } from '../payments';
import type { SalesforceWriteBack } from '../write-back';

const DOCUMENT_FIELDS = [F.id, F.quickBooksKey, F.type, F.opportunity, F.account, F.docNumber, F.txnDate, F.dueDate, F.total, F.balance, F.currency, F.voided, F.lastPaymentDate];
const PAYMENT_ROW_FIELDS = [P.id, P.quickBooksKey, P.invoice, P.amount, P.paymentDate, P.method];
const KEYS_PER_QUERY = 200;

export interface Refusal {
  key: string;
  message: string;
}

export class DocumentMirror {
  constructor(
    private readonly conn: () => Promise<Connection>,
    private readonly writeBack: SalesforceWriteBack,
    private readonly payments: Pick<PaymentMirror, 'deleteByKeys' | 'recordCurrency'>,
  ) {}

  /** Current `QuickBooks_Invoice__c` rows by key (absent keys have no row). */
  documents(keys: string[]): Promise<Map<string, MirrorRecord>> {
    return this.byKeys(SOBJECTS.invoice, DOCUMENT_FIELDS, keys);
  }

  /** Current `QuickBooks_Payment__c` rows by key. */
  paymentRows(keys: string[]): Promise<Map<string, MirrorRecord>> {
    return this.byKeys(SOBJECTS.payment, PAYMENT_ROW_FIELDS, keys);
  }

  recordCurrency(currency: string | null): Promise<string | null> {
    return this.payments.recordCurrency(currency);
  }

  /**
   * Upserts by QuickBooks_Key__c. A refusal that a retry may cure (a locked row, the API limit) fails the
   * whole call, so the page is done again; a permanent one is returned, naming the record.
   */
  async write(sobject: typeof SOBJECTS.invoice | typeof SOBJECTS.payment, records: MirrorRecord[]): Promise<Refusal[]> {
    const settled = await Promise.allSettled(records.map((r) => this.writeBack.upsert(sobject, F.quickBooksKey, r)));
    const refusals: Refusal[] = [];
    let retryable: unknown;
    settled.forEach((outcome, index) => {
      if (outcome.status === 'fulfilled') return;
      const error = outcome.reason as unknown;
      if (!isAppError(error) || error.retryable) retryable ??= error;
      else refusals.push({ key: String(records[index]![F.quickBooksKey]), message: `${error.message}${error.fix ? ` Fix: ${error.fix}` : ''}` });
    });
    if (retryable) throw retryable;
    return refusals;
  }

  deleteRows(sobject: typeof SOBJECTS.invoice | typeof SOBJECTS.payment, keys: string[]): Promise<number> {
    return this.payments.deleteByKeys(sobject, keys);
  }

  /** Keys of a company's document rows dated on or after `since` (the reconciliation's deletion check). */
  async documentKeys(realmId: string, since: string): Promise<Array<{ key: string; type: string | null; opportunityId: string | null; accountId: string | null }>> {
    const soql = `SELECT ${F.quickBooksKey}, ${F.type}, ${F.opportunity}, ${F.account} FROM ${SOBJECTS.invoice} WHERE ${F.quickBooksKey} LIKE '${realm(realmId)}:%' AND ${F.txnDate} >= ${day(since)}`;
    const rows = await this.query<{ QuickBooks_Key__c: string; Type__c: string | null; Opportunity__c: string | null; Account__c: string | null }>(soql, 'the mirror key listing');
    return rows.map((r) => ({ key: r.QuickBooks_Key__c, type: r.Type__c, opportunityId: r.Opportunity__c, accountId: r.Account__c }));
  }

  /** Keys of a company's payment rows dated on or after `since`. */
  async paymentKeys(realmId: string, since: string): Promise<string[]> {
    const soql = `SELECT ${P.quickBooksKey} FROM ${SOBJECTS.payment} WHERE ${P.quickBooksKey} LIKE '${realm(realmId)}:%' AND ${P.paymentDate} >= ${day(since)}`;
    return (await this.query<{ QuickBooks_Key__c: string }>(soql, 'the payment key listing')).map((r) => r.QuickBooks_Key__c);
  }

  private async byKeys(sobject: string, fields: string[], keys: string[]): Promise<Map<string, MirrorRecord>> {
    const out = new Map<string, MirrorRecord>();
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += KEYS_PER_QUERY) {
      const chunk = unique.slice(i, i + KEYS_PER_QUERY);
      const rows = await this.query<MirrorRecord & { QuickBooks_Key__c: string }>(`SELECT ${fields.join(', ')} FROM ${sobject} WHERE ${F.quickBooksKey} IN (${soqlKeyList(chunk)})`, `the ${sobject} look-up`);
      for (const row of rows) out.set(row.QuickBooks_Key__c, row);
    }
    return out;
  }

  private async query<T extends Record<string, unknown>>(soql: string, what: string): Promise<T[]> {
    const conn = await this.conn();
    try {
      return (await conn.query<T>(soql, { autoFetch: true, maxFetch: 1_000_000 })).records;
    } catch (error) {
      throw classifySalesforceError(error, what);
    }
  }
}

function realm(realmId: string): string {
  if (!/^[0-9A-Za-z_-]{1,40}$/.test(realmId)) throw new AppError('INTERNAL', `"${realmId}" is not a realm id.`);
  return realmId;
}

function day(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new AppError('INTERNAL', `"${value}" is not a date.`);
  return value;
}
