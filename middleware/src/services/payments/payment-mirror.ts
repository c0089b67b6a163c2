/**
 * The Salesforce side of payment status: the `QuickBooks_Invoice__c` mirror, its `QuickBooks_Payment__c`
 * rows, and the reads the roll-ups need. Writes go through the batched sObject-collection write-back;
 * look-ups by key are merged into one SOQL query per short window.
 */
import type { Connection } from 'jsforce';
import { AppError } from '../../errors';
import { classifySalesforceError, soqlIdList, type SaveResult } from '../../salesforce/records';
import { ACCOUNT_FIELDS, DOCUMENT_TYPES, INVOICE_FIELDS, PAYMENT_FIELDS, RELATIONSHIPS, SOBJECTS } from '../../salesforce/fields';
import type { DeliveryFields } from '../../sync/delivery';
import type { AccountInvoice } from '../../sync/payment-status';
import { Batcher } from '../../util/batcher';
import type { OrgCurrencies } from './org-currencies';
import type { SalesforceWriteBack } from '../write-back';

/** Mirror keys are `<realm>:<id>[:<id>]`; anything else never reaches SOQL. */
const KEY = /^[A-Za-z0-9_-]{1,40}(?::[A-Za-z0-9_-]{1,40}){1,2}$/;

export function soqlKeyList(keys: string[]): string {
  for (const key of keys) if (!KEY.test(key)) throw new AppError('INTERNAL', `"${key}" is not a QuickBooks mirror key.`);
  return keys.map((k) => `'${k}'`).join(',');
}

export interface MirrorInvoice extends AccountInvoice {
  /** `Currency__c`: QBO's CurrencyRef of the invoice. */
  currency: string | null;
  key: string;
  realmId: string;
  opportunityId: string | null;
  accountId: string | null;
}

/** A mirror row as the roll-ups read it, with the currency of its Account (null in a single-currency org). */
export interface RollupInvoice extends MirrorInvoice {
  accountCurrency: string | null;
}

interface InvoiceRow extends Record<string, unknown> {
  Id: string;
  QuickBooks_Key__c: string;
  Opportunity__c: string | null;
  Account__c: string | null;
  Doc_Number__c: string | null;
  Total__c: number | null;
  Balance__c: number | null;
  Due_Date__c: string | null;
  Last_Payment_Date__c: string | null;
  Voided__c: boolean | null;
  Currency__c: string | null;
  Txn_Date__c: string | null;
  Type__c: string | null;
  Account__r?: { CurrencyIsoCode?: string | null } | null;
}

const ROW_FIELDS = [
  INVOICE_FIELDS.id, INVOICE_FIELDS.quickBooksKey, INVOICE_FIELDS.opportunity, INVOICE_FIELDS.account, INVOICE_FIELDS.docNumber,
  INVOICE_FIELDS.total, INVOICE_FIELDS.balance, INVOICE_FIELDS.dueDate, INVOICE_FIELDS.lastPaymentDate, INVOICE_FIELDS.voided,
  INVOICE_FIELDS.currency, INVOICE_FIELDS.txnDate, INVOICE_FIELDS.type,
].join(', ');
/** Invoice rows only: credit memos and receipts share the object (Type__c); rows from before Type__c are invoices. */
export const INVOICES_ONLY = `(${INVOICE_FIELDS.type} = null OR ${INVOICE_FIELDS.type} = '${DOCUMENT_TYPES.Invoice}')`;
/** Read with the rows in a multi-currency org (the field does not exist in a single-currency one). */
const ACCOUNT_CURRENCY = `${RELATIONSHIPS.invoiceAccount}.${ACCOUNT_FIELDS.currencyIsoCode}`;

export interface PaymentMirrorOptions {
  /**
   * The org's currencies (detected from the org): in a multi-currency org the roll-up rows carry their
   * Account's CurrencyIsoCode, and a mirror row carries its invoice's currency as CurrencyIsoCode.
   */
  currencies?: Pick<OrgCurrencies, 'isMultiCurrency' | 'rates'>;
}

export class PaymentMirror {
  private readonly invoiceIds: Batcher<string, string | null>;

  constructor(
    private readonly conn: () => Promise<Connection>,
    private readonly writeBack: SalesforceWriteBack,
    private readonly options: PaymentMirrorOptions = {},
  ) {
    this.invoiceIds = new Batcher<string, string | null>(async (keys) => {
      const rows = await this.query<{ Id: string; QuickBooks_Key__c: string }>(
        `SELECT ${INVOICE_FIELDS.id}, ${INVOICE_FIELDS.quickBooksKey} FROM ${SOBJECTS.invoice} WHERE ${INVOICE_FIELDS.quickBooksKey} IN (${soqlKeyList(keys)})`,
        'the invoice mirror look-up',
      );
      const out = new Map<string, string | null>(keys.map((k) => [k, null]));
      for (const row of rows) out.set(row.QuickBooks_Key__c, row.Id);
      return out;
    }, { maxBatch: 200, windowMs: 10 });
  }

  async upsertInvoice(invoice: MirrorInvoice & { txnDate: string | null } & Partial<DeliveryFields>): Promise<true> {
    const recordCurrency = await this.recordCurrency(invoice.currency);
    return this.writeBack.upsert(SOBJECTS.invoice, INVOICE_FIELDS.quickBooksKey, {
      ...(recordCurrency ? { [INVOICE_FIELDS.currencyIsoCode]: recordCurrency } : {}),
      [INVOICE_FIELDS.quickBooksKey]: invoice.key,
      ...(invoice.opportunityId ? { [INVOICE_FIELDS.opportunity]: invoice.opportunityId } : {}),
      ...(invoice.accountId ? { [INVOICE_FIELDS.account]: invoice.accountId } : {}),
      [INVOICE_FIELDS.docNumber]: invoice.docNumber,
      [INVOICE_FIELDS.txnDate]: invoice.txnDate,
      [INVOICE_FIELDS.dueDate]: invoice.dueDate,
      [INVOICE_FIELDS.total]: invoice.total,
      [INVOICE_FIELDS.balance]: invoice.balance,
      [INVOICE_FIELDS.currency]: invoice.currency,
      [INVOICE_FIELDS.voided]: invoice.voided,
      [INVOICE_FIELDS.lastPaymentDate]: invoice.lastPaymentDate,
      ...(invoice.emailStatus !== undefined ? { [INVOICE_FIELDS.emailStatus]: invoice.emailStatus } : {}),
      ...(invoice.sentAt !== undefined ? { [INVOICE_FIELDS.sentAt]: invoice.sentAt } : {}),
    });
  }

  /**
   * After a send: the row's e-mail status and sent time, from QuickBooks' answer. Only these fields (and the
   * parents, for a row that does not exist yet) are written; the next refresh of the invoice writes the rest.
   */
  recordDelivery(row: { key: string; opportunityId: string | null; accountId: string | null } & DeliveryFields): Promise<true> {
    return this.writeBack.upsert(SOBJECTS.invoice, INVOICE_FIELDS.quickBooksKey, {
      [INVOICE_FIELDS.quickBooksKey]: row.key,
      ...(row.opportunityId ? { [INVOICE_FIELDS.opportunity]: row.opportunityId } : {}),
      ...(row.accountId ? { [INVOICE_FIELDS.account]: row.accountId } : {}),
      [INVOICE_FIELDS.emailStatus]: row.emailStatus,
      [INVOICE_FIELDS.sentAt]: row.sentAt,
    });
  }

  /**
   * In a multi-currency org the row's own currency is the invoice's, so Total and Balance show in it. A
   * currency the org has not activated cannot be set (the row keeps the default and Currency__c says which).
   */
  async recordCurrency(currency: string | null): Promise<string | null> {
    const org = this.options.currencies;
    if (!currency || !org || !(await org.isMultiCurrency())) return null;
    const code = currency.trim().toUpperCase();
    return (await org.rates()).rates.has(code) ? code : null;
  }

  /** The Salesforce id of a mirror row (payment rows need it for their master-detail parent). */
  invoiceRecordId(key: string): Promise<string | null> {
    return this.invoiceIds.load(key);
  }

  /**
   * `Invoice__c` is a master-detail that cannot be re-parented: it is sent only when the row is new
   * (`invoiceRecordId` given). Without it, a row that turns out to be missing is created with it.
   */
  async upsertPayment(row: { key: string; invoiceKey: string; isNew: boolean; amount: number; date: string | null; method: string | null }): Promise<true> {
    const parent = row.isNew ? await this.invoiceRecordId(row.invoiceKey) : null;
    if (row.isNew && !parent) throw new AppError('SALESFORCE_ERROR', `The invoice mirror ${row.invoiceKey} is missing; payment ${row.key} waits for it.`, { retryable: true });
    try {
      return await this.writePayment(row, parent);
    } catch (error) {
      // Our memory of which rows exist can be behind Salesforce (a person deleted a row, state was lost).
      const code = (error as AppError).details?.statusCode;
      if (row.isNew && code === 'INVALID_FIELD_FOR_INSERT_UPDATE') return this.writePayment(row, null);
      if (!row.isNew && code === 'REQUIRED_FIELD_MISSING') return this.upsertPayment({ ...row, isNew: true });
      throw error;
    }
  }

  private writePayment(row: { key: string; amount: number; date: string | null; method: string | null }, parent: string | null): Promise<true> {
    return this.writeBack.upsert(SOBJECTS.payment, PAYMENT_FIELDS.quickBooksKey, {
      [PAYMENT_FIELDS.quickBooksKey]: row.key,
      ...(parent ? { [PAYMENT_FIELDS.invoice]: parent } : {}),
      [PAYMENT_FIELDS.amount]: row.amount,
      [PAYMENT_FIELDS.paymentDate]: row.date,
      [PAYMENT_FIELDS.method]: row.method,
    });
  }

  /** Deletes mirror rows by key (payment rows of a deleted invoice go with it: master-detail). */
  async deleteByKeys(sobject: typeof SOBJECTS.invoice | typeof SOBJECTS.payment, keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const rows = await this.query<{ Id: string }>(`SELECT Id FROM ${sobject} WHERE QuickBooks_Key__c IN (${soqlKeyList(keys)})`, `the ${sobject} look-up`);
    if (rows.length === 0) return 0;
    const conn = await this.conn();
    let results: SaveResult[];
    try {
      results = (await conn.sobject(sobject).destroy(rows.map((r) => r.Id), { allOrNone: false })) as unknown as SaveResult[];
    } catch (error) {
      throw classifySalesforceError(error, `delete of ${rows.length} ${sobject} records`);
    }
    const failed = results.filter((r) => !r.success && r.errors?.[0]?.statusCode !== 'ENTITY_IS_DELETED');
    if (failed.length > 0) {
      const first = failed[0]!.errors[0];
      throw new AppError('SALESFORCE_ERROR', `Salesforce refused to delete ${failed.length} ${sobject} records: ${first?.statusCode}: ${first?.message}`, {
        retryable: first?.statusCode === 'UNABLE_TO_LOCK_ROW',
      });
    }
    return rows.length - failed.length;
  }

  /**
   * Mirror rows of these deals and Accounts, every document type (Type__c; the roll-ups tell them apart),
   * oldest first (the roll-ups' source). In a multi-currency org
   * each row brings its Account's currency through the lookup: no second query for the Accounts.
   */
  async invoicesOf(opportunityIds: string[], accountIds: string[]): Promise<RollupInvoice[]> {
    const conditions = [
      ...(opportunityIds.length > 0 ? [`${INVOICE_FIELDS.opportunity} IN (${soqlIdList(opportunityIds)})`] : []),
      ...(accountIds.length > 0 ? [`${INVOICE_FIELDS.account} IN (${soqlIdList(accountIds)})`] : []),
    ];
    if (conditions.length === 0) return [];
    const fields = (await this.options.currencies?.isMultiCurrency()) ? `${ROW_FIELDS}, ${ACCOUNT_CURRENCY}` : ROW_FIELDS;
    const rows = await this.query<InvoiceRow>(`SELECT ${fields} FROM ${SOBJECTS.invoice} WHERE (${conditions.join(' OR ')}) ORDER BY CreatedDate, ${INVOICE_FIELDS.quickBooksKey}`, 'the invoice roll-up query');
    return rows.map(toMirrorInvoice);
  }

  /** Accounts owning an unpaid invoice that fell due in [from, to): their overdue balance changed overnight. */
  async accountsFallingDue(from: string, to: string): Promise<string[]> {
    const soql =
      `SELECT ${INVOICE_FIELDS.account} FROM ${SOBJECTS.invoice} WHERE ${INVOICE_FIELDS.balance} > 0 AND ${INVOICE_FIELDS.voided} = false ` +
      `AND ${INVOICE_FIELDS.account} != null AND ${INVOICE_FIELDS.dueDate} >= ${date(from)} AND ${INVOICE_FIELDS.dueDate} < ${date(to)} AND ${INVOICES_ONLY}`;
    const rows = await this.query<{ Account__c: string }>(soql, 'the overdue look-up');
    return [...new Set(rows.map((r) => r.Account__c))];
  }

  /** Keys of the invoices Salesforce still shows as open for one company (the 30-day-gap re-read). */
  async openInvoiceKeys(realmId: string): Promise<string[]> {
    if (!/^[0-9A-Za-z_-]{1,40}$/.test(realmId)) throw new AppError('INTERNAL', `"${realmId}" is not a realm id.`);
    const soql = `SELECT ${INVOICE_FIELDS.quickBooksKey} FROM ${SOBJECTS.invoice} WHERE ${INVOICE_FIELDS.balance} > 0 AND ${INVOICE_FIELDS.voided} = false AND ${INVOICE_FIELDS.quickBooksKey} LIKE '${realmId}:%' AND ${INVOICES_ONLY}`;
    return (await this.query<{ QuickBooks_Key__c: string }>(soql, 'the open invoice look-up')).map((r) => r.QuickBooks_Key__c);
  }

  private async query<T extends Record<string, unknown>>(soql: string, what: string): Promise<T[]> {
    const conn = await this.conn();
    try {
      const result = await conn.query<T>(soql, { autoFetch: true, maxFetch: 50_000 });
      return result.records;
    } catch (error) {
      throw classifySalesforceError(error, what);
    }
  }
}

function date(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new AppError('INTERNAL', `"${value}" is not a date.`);
  return value;
}

function toMirrorInvoice(row: InvoiceRow): RollupInvoice {
  const [realmId = '', invoiceId = ''] = row.QuickBooks_Key__c.split(':');
  return {
    key: row.QuickBooks_Key__c,
    realmId,
    invoiceId,
    opportunityId: row.Opportunity__c,
    accountId: row.Account__c,
    docNumber: row.Doc_Number__c,
    total: row.Total__c ?? 0,
    balance: row.Balance__c ?? 0,
    dueDate: row.Due_Date__c,
    lastPaymentDate: row.Last_Payment_Date__c,
    voided: row.Voided__c === true,
    currency: row.Currency__c,
    txnDate: row.Txn_Date__c,
    type: row.Type__c,
    accountCurrency: row.Account__r?.CurrencyIsoCode ?? null,
  };
}
