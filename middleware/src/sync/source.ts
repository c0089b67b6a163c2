/**
 * The Salesforce data one invoice is built from, as the batched SOQL query returns it
 * (see salesforce/opportunity-query.ts). Only these fields are read; names follow the package metadata.
 */
export interface SfProduct {
  Id: string;
  Name: string;
  ProductCode: string | null;
  Description: string | null;
  QuickBooks_Item_Id__c: string | null;
  Taxable__c: boolean | null;
}

export interface SfLineItem {
  Id: string;
  Quantity: number;
  UnitPrice: number;
  ListPrice: number | null;
  Discount: number | null;
  TotalPrice: number | null;
  Description: string | null;
  ServiceDate: string | null;
  SortOrder: number | null;
  Billing_Frequency__c: string | null;
  Term_Months__c: number | null;
  Product2Id: string;
  Product2: SfProduct | null;
}

export interface SfAccount {
  Id: string;
  Name: string;
  QuickBooks_Customer_Id__c: string | null;
  /** The Account's currency (read in orgs with multiple currencies only). */
  CurrencyIsoCode?: string | null;
  Billing_Email__c: string | null;
  Payment_Terms__c: string | null;
  Tax_Exempt__c: boolean | null;
  Phone: string | null;
  BillingStreet: string | null;
  BillingCity: string | null;
  BillingState: string | null;
  BillingPostalCode: string | null;
  BillingCountry: string | null;
}

export interface SfContact {
  Id?: string;
  Name: string | null;
  Email: string | null;
}

export interface SfOpportunity {
  Id: string;
  Name: string;
  StageName: string;
  IsWon: boolean;
  CloseDate: string;
  Amount: number | null;
  CurrencyIsoCode?: string | null;
  Billing_Entity__c: string | null;
  PO_Number__c: string | null;
  Invoice_Memo__c: string | null;
  Billing_Sync_Status__c: string | null;
  QuickBooks_Invoice_Id__c: string | null;
  AccountId: string | null;
  Account: SfAccount | null;
  Billing_Contact__r: SfContact | null;
  OpportunityLineItems: { totalSize: number; done: boolean; records: SfLineItem[] } | null;
}
