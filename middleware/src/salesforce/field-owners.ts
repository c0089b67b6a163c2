/**
 * Who owns each Salesforce field the middleware names (fields.ts), and so which fields it may write back:
 * QuickBooks- and middleware-owned ones, never Salesforce-owned or derived ones. The sync policy's catalogues
 * (policy/catalogs.ts) and the metadata test read this.
 */
import { ACCOUNT_FIELDS, CONTACT_FIELDS, INVOICE_FIELDS, ITEM_MAPPING_FIELDS, OPPORTUNITY_FIELDS, OPPORTUNITY_LINE_ITEM_FIELDS, PAYMENT_FIELDS, PRODUCT_FIELDS, RECEIVABLES_MONTH_FIELDS, type SObjectName, SOBJECTS } from './fields';

/** Which system owns a field's value; only the owner writes it. */
export type FieldOwner = 'salesforce' | 'quickbooks' | 'middleware' | 'derived';

export interface FieldSpec {
  readonly object: SObjectName;
  readonly name: string;
  readonly owner: FieldOwner;
  /** True when the value crosses between Salesforce and QuickBooks (read to build an invoice or written back). */
  readonly synced: boolean;
}

type Spec = readonly [name: string, owner: FieldOwner, synced: boolean];
const SF = 'salesforce';
const QBO = 'quickbooks';
const MW = 'middleware';
const DERIVED = 'derived';

/** Owner and sync role of every custom field above (standard fields are owned by Salesforce). */
const CUSTOM_FIELD_SPECS: Record<SObjectName, readonly Spec[]> = {
  Account: [
    [ACCOUNT_FIELDS.quickBooksCustomerId, QBO, true],
    [ACCOUNT_FIELDS.billingEmail, SF, true],
    [ACCOUNT_FIELDS.paymentTerms, SF, true],
    [ACCOUNT_FIELDS.taxExempt, SF, true],
    [ACCOUNT_FIELDS.openBalance, QBO, true],
    [ACCOUNT_FIELDS.overdueBalance, QBO, true],
    [ACCOUNT_FIELDS.totalInvoiced, QBO, true],
    [ACCOUNT_FIELDS.totalPaid, QBO, true],
    [ACCOUNT_FIELDS.totalCredited, QBO, true],
    [ACCOUNT_FIELDS.lastPaymentDate, QBO, true],
    [ACCOUNT_FIELDS.averageDaysToPay, QBO, true]
  ],
  Contact: [],
  Product2: [
    [PRODUCT_FIELDS.quickBooksItemId, QBO, true],
    [PRODUCT_FIELDS.taxable, SF, true],
    [PRODUCT_FIELDS.billable, SF, false]
  ],
  OpportunityLineItem: [
    [OPPORTUNITY_LINE_ITEM_FIELDS.billingFrequency, SF, true],
    [OPPORTUNITY_LINE_ITEM_FIELDS.termMonths, SF, true]
  ],
  Opportunity: [
    [OPPORTUNITY_FIELDS.billingEntity, SF, true],
    [OPPORTUNITY_FIELDS.poNumber, SF, true],
    [OPPORTUNITY_FIELDS.invoiceMemo, SF, true],
    [OPPORTUNITY_FIELDS.billingContact, SF, true],
    [OPPORTUNITY_FIELDS.billingSyncStatus, MW, true],
    [OPPORTUNITY_FIELDS.billingSyncError, MW, true],
    [OPPORTUNITY_FIELDS.lastBillingSync, MW, true],
    [OPPORTUNITY_FIELDS.quickBooksInvoiceId, QBO, true],
    [OPPORTUNITY_FIELDS.invoiceNumber, QBO, true],
    [OPPORTUNITY_FIELDS.invoiceTotal, QBO, true],
    [OPPORTUNITY_FIELDS.invoiceBalance, QBO, true],
    [OPPORTUNITY_FIELDS.invoiceDueDate, QBO, true],
    [OPPORTUNITY_FIELDS.lastPaymentDate, QBO, true],
    [OPPORTUNITY_FIELDS.paymentStatus, DERIVED, false],
    [OPPORTUNITY_FIELDS.renewalOf, SF, true],
    [OPPORTUNITY_FIELDS.nextInvoiceDate, MW, true],
    [OPPORTUNITY_FIELDS.nextInvoiceAmount, MW, true]
  ],
  QuickBooks_Invoice__c: [
    [INVOICE_FIELDS.quickBooksKey, QBO, true],
    [INVOICE_FIELDS.opportunity, QBO, true],
    [INVOICE_FIELDS.account, QBO, true],
    [INVOICE_FIELDS.docNumber, QBO, true],
    [INVOICE_FIELDS.txnDate, QBO, true],
    [INVOICE_FIELDS.dueDate, QBO, true],
    [INVOICE_FIELDS.total, QBO, true],
    [INVOICE_FIELDS.balance, QBO, true],
    [INVOICE_FIELDS.currency, QBO, true],
    [INVOICE_FIELDS.billingEntity, QBO, true],
    [INVOICE_FIELDS.voided, QBO, true],
    [INVOICE_FIELDS.lastPaymentDate, QBO, true],
    [INVOICE_FIELDS.emailStatus, QBO, true],
    [INVOICE_FIELDS.sentAt, QBO, true],
    [INVOICE_FIELDS.type, QBO, true],
    [INVOICE_FIELDS.amountPaid, DERIVED, false],
    [INVOICE_FIELDS.status, DERIVED, false],
    [INVOICE_FIELDS.daysOverdue, DERIVED, false],
    [INVOICE_FIELDS.quickBooksUrl, DERIVED, false],
    [INVOICE_FIELDS.agingBucket, DERIVED, false]
  ],
  QuickBooks_Payment__c: [
    [PAYMENT_FIELDS.quickBooksKey, QBO, true],
    [PAYMENT_FIELDS.invoice, QBO, true],
    [PAYMENT_FIELDS.amount, QBO, true],
    [PAYMENT_FIELDS.paymentDate, QBO, true],
    [PAYMENT_FIELDS.method, QBO, true]
  ],
  QuickBooks_Item_Mapping__c: [
    [ITEM_MAPPING_FIELDS.mappingKey, QBO, true],
    [ITEM_MAPPING_FIELDS.product, QBO, true],
    [ITEM_MAPPING_FIELDS.billingEntity, QBO, true],
    [ITEM_MAPPING_FIELDS.realmId, QBO, true],
    [ITEM_MAPPING_FIELDS.quickBooksItemId, QBO, true],
    [ITEM_MAPPING_FIELDS.status, DERIVED, false]
  ],
  Receivables_Month__c: [
    [RECEIVABLES_MONTH_FIELDS.key, MW, false],
    [RECEIVABLES_MONTH_FIELDS.month, MW, false],
    [RECEIVABLES_MONTH_FIELDS.billingEntity, MW, false],
    [RECEIVABLES_MONTH_FIELDS.currency, MW, false],
    [RECEIVABLES_MONTH_FIELDS.invoiced, MW, false],
    [RECEIVABLES_MONTH_FIELDS.receivables, MW, false],
    [RECEIVABLES_MONTH_FIELDS.days, MW, false],
    [RECEIVABLES_MONTH_FIELDS.dso, DERIVED, false]
  ]
};

const FIELD_GROUPS: Record<SObjectName, Readonly<Record<string, string>>> = {
  Account: ACCOUNT_FIELDS,
  Contact: CONTACT_FIELDS,
  Product2: PRODUCT_FIELDS,
  OpportunityLineItem: OPPORTUNITY_LINE_ITEM_FIELDS,
  Opportunity: OPPORTUNITY_FIELDS,
  QuickBooks_Invoice__c: INVOICE_FIELDS,
  QuickBooks_Payment__c: PAYMENT_FIELDS,
  QuickBooks_Item_Mapping__c: ITEM_MAPPING_FIELDS,
  Receivables_Month__c: RECEIVABLES_MONTH_FIELDS
};

/** Every field the middleware names, with its owner; standard fields are Salesforce-owned and not synced. */
export function fieldCatalog(): FieldSpec[] {
  const catalog: FieldSpec[] = [];
  for (const object of Object.values(SOBJECTS)) {
    const specs = new Map(CUSTOM_FIELD_SPECS[object].map(([name, owner, synced]) => [name, { owner, synced }]));
    for (const name of Object.values(FIELD_GROUPS[object])) {
      const spec = specs.get(name);
      if (spec) catalog.push({ object, name, ...spec });
      else if (name.endsWith('__c')) throw new Error(`${object}.${name} has no owner in CUSTOM_FIELD_SPECS`);
      else catalog.push({ object, name, owner: 'salesforce', synced: false });
    }
  }
  return catalog;
}

/** Fields the middleware may write back to Salesforce (QuickBooks- or middleware-owned, never derived). */
export function writableByMiddleware(object: SObjectName): string[] {
  return fieldCatalog()
    .filter((f) => f.object === object && (f.owner === 'quickbooks' || f.owner === 'middleware'))
    .map((f) => f.name);
}
