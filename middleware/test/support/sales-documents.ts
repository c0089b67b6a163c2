import type { SalesforceEmulator } from '@ledgerline/emulators/salesforce';

/** A mirror row as the history import writes it: `QuickBooks_Invoice__c` of any `Type__c`. */
export interface SalesDocument {
  /** `<realmId>:<invoiceId>` for invoices, `<realmId>:<CreditMemo|SalesReceipt|RefundReceipt>:<id>` for the others. */
  key: string;
  /** Type__c; null = a row written before the field existed (an invoice). */
  type: 'Invoice' | 'Credit Memo' | 'Sales Receipt' | 'Refund Receipt' | null;
  total: number;
  balance: number;
  txnDate: string;
  dueDate?: string;
  lastPaymentDate?: string;
  voided?: boolean;
  currency?: string;
  opportunityId?: string;
}

/** Inserts mirror rows of one Account straight into the Salesforce emulator (as the integration user would). */
export function seedSalesDocuments(sf: SalesforceEmulator, accountId: string, documents: SalesDocument[]): string[] {
  const rows = documents.map((d) => ({
    QuickBooks_Key__c: d.key,
    ...(d.type ? { Type__c: d.type } : {}),
    Account__c: accountId,
    ...(d.opportunityId ? { Opportunity__c: d.opportunityId } : {}),
    Doc_Number__c: d.key.split(':').at(-1),
    Txn_Date__c: d.txnDate,
    Due_Date__c: d.dueDate ?? null,
    Total__c: d.total,
    Balance__c: d.balance,
    Currency__c: d.currency ?? 'USD',
    Voided__c: d.voided === true,
    Last_Payment_Date__c: d.lastPaymentDate ?? null,
  }));
  return sf.control.seed({ QuickBooks_Invoice__c: rows }).QuickBooks_Invoice__c ?? [];
}

/** Inserts payment rows (one payment applied to one mirrored invoice, by the invoice row's Salesforce id). */
export function seedPaymentRows(sf: SalesforceEmulator, payments: Array<{ key: string; invoiceRecordId: string; amount: number; date: string }>): string[] {
  const rows = payments.map((p) => ({ QuickBooks_Key__c: p.key, Invoice__c: p.invoiceRecordId, Amount__c: p.amount, Payment_Date__c: p.date }));
  return sf.control.seed({ QuickBooks_Payment__c: rows }).QuickBooks_Payment__c ?? [];
}
