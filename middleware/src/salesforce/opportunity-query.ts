import type { Connection } from 'jsforce';
import type { SfOpportunity } from '../sync/source';
import { classifySalesforceError, soqlIdList } from './records';

/** Every field the invoice mapping reads, in one query per batch of ≤ 200 Opportunities. */
export const OPPORTUNITY_READ_FIELDS = [
  'Id',
  'Name',
  'StageName',
  'IsWon',
  'CloseDate',
  'Amount',
  'Billing_Entity__c',
  'PO_Number__c',
  'Invoice_Memo__c',
  'Billing_Sync_Status__c',
  'QuickBooks_Invoice_Id__c',
  'AccountId',
  'Account.Id',
  'Account.Name',
  'Account.QuickBooks_Customer_Id__c',
  'Account.Billing_Email__c',
  'Account.Payment_Terms__c',
  'Account.Tax_Exempt__c',
  'Account.Phone',
  'Account.BillingStreet',
  'Account.BillingCity',
  'Account.BillingState',
  'Account.BillingPostalCode',
  'Account.BillingCountry',
  'Billing_Contact__r.Name',
  'Billing_Contact__r.Email',
] as const;

export const LINE_ITEM_READ_FIELDS = [
  'Id',
  'Quantity',
  'UnitPrice',
  'ListPrice',
  'Discount',
  'TotalPrice',
  'Description',
  'ServiceDate',
  'SortOrder',
  'Billing_Frequency__c',
  'Term_Months__c',
  'Product2Id',
  'Product2.Id',
  'Product2.Name',
  'Product2.ProductCode',
  'Product2.Description',
  'Product2.QuickBooks_Item_Id__c',
  'Product2.Taxable__c',
] as const;

/** `CurrencyIsoCode` exists only in orgs with multiple currencies enabled. */
export function opportunitySoql(ids: string[], options: { multiCurrency: boolean }): string {
  const fields: string[] = [...OPPORTUNITY_READ_FIELDS];
  // The Account's currency: the roll-up of a new invoice, computed without reading it back, is in that currency.
  if (options.multiCurrency) fields.push('CurrencyIsoCode', 'Account.CurrencyIsoCode');
  const lines = `(SELECT ${LINE_ITEM_READ_FIELDS.join(', ')} FROM OpportunityLineItems ORDER BY SortOrder, Id)`;
  return `SELECT ${fields.join(', ')}, ${lines} FROM Opportunity WHERE Id IN (${soqlIdList(ids)})`;
}

/** Reads up to 200 Opportunities with their Account, billing contact and line items in one call. */
export async function fetchOpportunities(conn: Connection, ids: string[], options: { multiCurrency: boolean }): Promise<SfOpportunity[]> {
  if (ids.length === 0) return [];
  if (ids.length > 200) throw new RangeError('fetchOpportunities takes at most 200 ids per call');
  try {
    const result = await conn.query<SfOpportunity>(opportunitySoql(ids, options), { autoFetch: true, maxFetch: 10_000 });
    return result.records;
  } catch (error) {
    throw classifySalesforceError(error, `query of ${ids.length} Opportunities`);
  }
}
