import type { SfLineItem, SfOpportunity } from '../../src/sync/source';
import type { CompanyContext } from '../../src/sync/invoice-draft';

/** Builders for Salesforce records as the batched SOQL query returns them. Ids are fake but well-formed. */
export function lineItem(overrides: Partial<SfLineItem> & { sku: string; name?: string; taxable?: boolean }): SfLineItem {
  const { sku, name, taxable, ...rest } = overrides;
  const productId = rest.Product2Id ?? `01t000000000${sku.replace(/[^A-Za-z0-9]/g, '').padEnd(3, 'X').slice(0, 3)}AAA`;
  return {
    Id: `00k00000000${sku.replace(/[^A-Za-z0-9]/g, '').padEnd(4, 'X').slice(0, 4)}AAA`,
    Quantity: 1,
    UnitPrice: 100,
    ListPrice: 100,
    Discount: null,
    TotalPrice: null,
    Description: null,
    ServiceDate: null,
    SortOrder: null,
    Billing_Frequency__c: 'One-time',
    Term_Months__c: null,
    Product2Id: productId,
    Product2: {
      Id: productId,
      Name: name ?? sku,
      ProductCode: sku,
      Description: null,
      QuickBooks_Item_Id__c: null,
      Taxable__c: taxable ?? true,
    },
    ...rest,
  };
}

export function opportunity(overrides: Partial<SfOpportunity> = {}, lines: SfLineItem[] = []): SfOpportunity {
  return {
    Id: '006000000000001AAA',
    Name: 'Acme renewal 2027',
    StageName: 'Closed Won',
    IsWon: true,
    CloseDate: '2026-11-20',
    Amount: null,
    CurrencyIsoCode: 'USD',
    Billing_Entity__c: null,
    PO_Number__c: null,
    Invoice_Memo__c: null,
    Billing_Sync_Status__c: 'Queued',
    QuickBooks_Invoice_Id__c: null,
    AccountId: '001000000000001AAA',
    Account: {
      Id: '001000000000001AAA',
      Name: 'Acme Corporation',
      QuickBooks_Customer_Id__c: null,
      Billing_Email__c: 'ap@acme.example',
      Payment_Terms__c: 'Net 30',
      Tax_Exempt__c: false,
      Phone: null,
      BillingStreet: '1 Main St',
      BillingCity: 'Springfield',
      BillingState: 'IL',
      BillingPostalCode: '62701',
      BillingCountry: 'USA',
    },
    Billing_Contact__r: null,
    OpportunityLineItems: { totalSize: lines.length, done: true, records: lines },
    ...overrides,
  };
}

export function usCompany(overrides: Partial<CompanyContext> = {}): CompanyContext {
  return {
    realmId: '9130350000000001',
    homeCurrency: 'USD',
    multiCurrency: false,
    taxMode: 'automated',
    terms: new Map([
      ['Due on receipt', { id: '1', dueDays: 0 }],
      ['Net 15', { id: '2', dueDays: 15 }],
      ['Net 30', { id: '3', dueDays: 30 }],
    ]),
    ...overrides,
  };
}
