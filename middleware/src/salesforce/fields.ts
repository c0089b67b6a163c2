/**
 * The one list of Salesforce objects and fields the middleware reads and writes (DESIGN.md §3).
 * Import names from here instead of spelling API names in queries and writes; a test checks every
 * custom field below against the force-app metadata, so a renamed or missing field fails the build.
 */

/** Which system owns a field's value; only the owner writes it. */
export type FieldOwner = 'salesforce' | 'quickbooks' | 'middleware' | 'derived';

export interface FieldSpec {
  readonly object: SObjectName;
  readonly name: string;
  readonly owner: FieldOwner;
  /** True when the value crosses between Salesforce and QuickBooks (read to build an invoice or written back). */
  readonly synced: boolean;
}

export const SOBJECTS = {
  account: 'Account',
  contact: 'Contact',
  opportunity: 'Opportunity',
  opportunityLineItem: 'OpportunityLineItem',
  product: 'Product2',
  invoice: 'QuickBooks_Invoice__c',
  payment: 'QuickBooks_Payment__c',
  itemMapping: 'QuickBooks_Item_Mapping__c',
  receivablesMonth: 'Receivables_Month__c'
} as const;
export type SObjectName = (typeof SOBJECTS)[keyof typeof SOBJECTS];

export const ACCOUNT_FIELDS = {
  id: 'Id',
  name: 'Name',
  billingStreet: 'BillingStreet',
  billingCity: 'BillingCity',
  billingState: 'BillingState',
  billingPostalCode: 'BillingPostalCode',
  billingCountry: 'BillingCountry',
  quickBooksCustomerId: 'QuickBooks_Customer_Id__c',
  billingEmail: 'Billing_Email__c',
  paymentTerms: 'Payment_Terms__c',
  taxExempt: 'Tax_Exempt__c',
  openBalance: 'Open_Balance__c',
  overdueBalance: 'Overdue_Balance__c',
  totalInvoiced: 'Total_Invoiced__c',
  totalPaid: 'Total_Paid__c',
  totalCredited: 'Total_Credited__c',
  lastPaymentDate: 'Last_Payment_Date__c',
  averageDaysToPay: 'Average_Days_To_Pay__c',
  /** Multi-currency orgs only: the currency of the Account's amounts (its roll-ups are converted into it). */
  currencyIsoCode: 'CurrencyIsoCode'
} as const;

export const CONTACT_FIELDS = {
  id: 'Id',
  name: 'Name',
  email: 'Email'
} as const;

export const PRODUCT_FIELDS = {
  id: 'Id',
  name: 'Name',
  productCode: 'ProductCode',
  description: 'Description',
  quickBooksItemId: 'QuickBooks_Item_Id__c',
  taxable: 'Taxable__c',
  /** Whether the product is invoiced at all (default true); only billable products need an item. */
  billable: 'Billable__c'
} as const;

/**
 * A product's QuickBooks item in a billing entity other than the default one (the default entity's item id
 * stays on Product2.QuickBooks_Item_Id__c): one row per product and entity, upserted by Mapping Key.
 */
export const ITEM_MAPPING_FIELDS = {
  id: 'Id',
  name: 'Name',
  mappingKey: 'Mapping_Key__c',
  product: 'Product__c',
  billingEntity: 'Billing_Entity__c',
  realmId: 'Realm_Id__c',
  quickBooksItemId: 'QuickBooks_Item_Id__c',
  status: 'Status__c'
} as const;

export const OPPORTUNITY_LINE_ITEM_FIELDS = {
  id: 'Id',
  opportunityId: 'OpportunityId',
  product2Id: 'Product2Id',
  quantity: 'Quantity',
  unitPrice: 'UnitPrice',
  discount: 'Discount',
  totalPrice: 'TotalPrice',
  description: 'Description',
  serviceDate: 'ServiceDate',
  sortOrder: 'SortOrder',
  billingFrequency: 'Billing_Frequency__c',
  termMonths: 'Term_Months__c'
} as const;

export const OPPORTUNITY_FIELDS = {
  id: 'Id',
  name: 'Name',
  accountId: 'AccountId',
  stageName: 'StageName',
  isWon: 'IsWon',
  closeDate: 'CloseDate',
  amount: 'Amount',
  currencyIsoCode: 'CurrencyIsoCode',
  billingEntity: 'Billing_Entity__c',
  poNumber: 'PO_Number__c',
  invoiceMemo: 'Invoice_Memo__c',
  billingContact: 'Billing_Contact__c',
  billingSyncStatus: 'Billing_Sync_Status__c',
  billingSyncError: 'Billing_Sync_Error__c',
  lastBillingSync: 'Last_Billing_Sync__c',
  quickBooksInvoiceId: 'QuickBooks_Invoice_Id__c',
  invoiceNumber: 'Invoice_Number__c',
  invoiceTotal: 'Invoice_Total__c',
  invoiceBalance: 'Invoice_Balance__c',
  invoiceDueDate: 'Invoice_Due_Date__c',
  lastPaymentDate: 'Last_Payment_Date__c',
  paymentStatus: 'Payment_Status__c',
  renewalOf: 'Renewal_Of__c',
  nextInvoiceDate: 'Next_Invoice_Date__c',
  nextInvoiceAmount: 'Next_Invoice_Amount__c'
} as const;

/** Relationship names used in SOQL paths (e.g. `Billing_Contact__r.Email`). */
export const RELATIONSHIPS = {
  opportunityBillingContact: 'Billing_Contact__r',
  opportunityInvoices: 'QuickBooks_Invoices__r',
  invoiceOpportunity: 'Opportunity__r',
  invoiceAccount: 'Account__r',
  invoicePayments: 'Payments__r',
  paymentInvoice: 'Invoice__r',
  productItemMappings: 'QuickBooks_Item_Mappings__r'
} as const;

export const INVOICE_FIELDS = {
  id: 'Id',
  name: 'Name',
  quickBooksKey: 'QuickBooks_Key__c',
  opportunity: 'Opportunity__c',
  account: 'Account__c',
  docNumber: 'Doc_Number__c',
  txnDate: 'Txn_Date__c',
  dueDate: 'Due_Date__c',
  total: 'Total__c',
  balance: 'Balance__c',
  currency: 'Currency__c',
  /** Standard, multi-currency orgs only: the record's own currency (the invoice's). */
  currencyIsoCode: 'CurrencyIsoCode',
  billingEntity: 'Billing_Entity__c',
  voided: 'Voided__c',
  lastPaymentDate: 'Last_Payment_Date__c',
  /** QBO EmailStatus (NotSet, NeedToSend, EmailSent). */
  emailStatus: 'Email_Status__c',
  /** QBO DeliveryInfo.DeliveryTime: when QuickBooks last e-mailed the invoice. */
  sentAt: 'Sent_At__c',
  /** Which sales document the row mirrors (DOCUMENT_TYPES); blank on rows written before it existed: invoices. */
  type: 'Type__c',
  amountPaid: 'Amount_Paid__c',
  status: 'Status__c',
  daysOverdue: 'Days_Overdue__c',
  quickBooksUrl: 'QuickBooks_Url__c',
  agingBucket: 'Aging_Bucket__c'
} as const;

export const PAYMENT_FIELDS = {
  id: 'Id',
  name: 'Name',
  quickBooksKey: 'QuickBooks_Key__c',
  invoice: 'Invoice__c',
  amount: 'Amount__c',
  paymentDate: 'Payment_Date__c',
  method: 'Method__c'
} as const;

/** One QuickBooks company's receivables in one currency for one month (DSO by month; services/receivables-months.ts). */
export const RECEIVABLES_MONTH_FIELDS = {
  id: 'Id',
  key: 'Key__c',
  month: 'Month__c',
  billingEntity: 'Billing_Entity__c',
  currency: 'Currency__c',
  invoiced: 'Invoiced__c',
  receivables: 'Receivables__c',
  days: 'Days__c',
  dso: 'DSO__c'
} as const;

/**
 * Setup objects the middleware only reads, for the org's currencies. Standard objects with standard fields,
 * nothing to check against force-app or the sync policy, so they stay out of SOBJECTS and the field catalog.
 * `CurrencyType` exists only in multi-currency orgs.
 */
export const SETUP_OBJECTS = {
  currencyType: 'CurrencyType',
  organization: 'Organization'
} as const;

export const CURRENCY_TYPE_FIELDS = {
  isoCode: 'IsoCode',
  /** Units of this currency per one unit of the corporate currency. */
  conversionRate: 'ConversionRate',
  isActive: 'IsActive',
  isCorporate: 'IsCorporate'
} as const;

export const ORGANIZATION_FIELDS = {
  /** The currency of a single-currency org. */
  defaultCurrencyIsoCode: 'DefaultCurrencyIsoCode'
} as const;

/** Picklist values the middleware writes or compares (restricted picklists in force-app). */
export const BILLING_SYNC_STATUS = {
  notStarted: 'Not Started',
  queued: 'Queued',
  synced: 'Synced',
  error: 'Error',
  excluded: 'Excluded'
} as const;
export type BillingSyncStatus = (typeof BILLING_SYNC_STATUS)[keyof typeof BILLING_SYNC_STATUS];

export const PAYMENT_TERMS = ['Due on receipt', 'Net 15', 'Net 30', 'Net 45', 'Net 60'] as const;
export const BILLING_FREQUENCIES = ['One-time', 'Monthly', 'Quarterly', 'Annual'] as const;

/** Key formats of the mirror objects' unique external ids. */
export const invoiceKey = (realmId: string, invoiceId: string): string => `${realmId}:${invoiceId}`;
export const paymentKey = (realmId: string, paymentId: string, invoiceId: string): string =>
  `${realmId}:${paymentId}:${invoiceId}`;
/** One item mapping per product and billing entity: the entity's name, a colon, the Product2 id. */
export const itemMappingKey = (entityName: string, productId: string): string => `${entityName}:${productId}`;

/** The QBO sales documents mirrored in `QuickBooks_Invoice__c`, with their `Type__c` value. */
export const DOCUMENT_TYPES = {
  Invoice: 'Invoice',
  CreditMemo: 'Credit Memo',
  SalesReceipt: 'Sales Receipt',
  RefundReceipt: 'Refund Receipt'
} as const;
export type SalesDocumentEntity = keyof typeof DOCUMENT_TYPES;
/** `QuickBooks_Invoice__c.Type__c`: the sales document a mirror row is. */
export type DocumentType = (typeof DOCUMENT_TYPES)[SalesDocumentEntity];
export const SALES_DOCUMENT_ENTITIES = Object.keys(DOCUMENT_TYPES) as SalesDocumentEntity[];

/** Invoices keep `<realm>:<id>` (contract); the other documents are `<realm>:<Entity>:<id>`. */
export const documentKey = (realmId: string, entity: SalesDocumentEntity, id: string): string =>
  entity === 'Invoice' ? invoiceKey(realmId, id) : `${realmId}:${entity}:${id}`;

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

/**
 * The platform event the middleware publishes after it writes billing state (one per write-back batch), so
 * the open Opportunity and Account pages refresh. Published, never read or written as a record, so it stays
 * out of SOBJECTS, the field catalog and the sync policy.
 */
export const BILLING_UPDATE_EVENT = {
  name: 'Ledgerline_Billing_Update__e',
  fields: {
    opportunityIds: 'Opportunity_Ids__c',
    accountIds: 'Account_Ids__c',
    changeKinds: 'Change_Kinds__c'
  },
  /** The length of the long text areas that carry the ids (force-app metadata). */
  idsFieldLength: 32768,
  /** The length of Change_Kinds__c. */
  kindsFieldLength: 255
} as const;
