/**
 * The one list of Salesforce objects and fields the middleware reads and writes (DESIGN.md §3).
 * Import names from here instead of spelling API names in queries and writes; a test checks every
 * custom field below against the force-app metadata, so a renamed or missing field fails the build.
 * Who owns each field (and so who may write it) is field-owners.ts.
 */

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

/** One QuickBooks company's receivables in one currency for one month (DSO by month; services/payments/receivables-months.ts). */
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
