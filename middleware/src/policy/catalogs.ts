/**
 * What each side is known to have, compiled into the product so the policy is checked at start-up without
 * force-app or a QuickBooks connection. Tests check these lists against force-app metadata and against the
 * recorded QuickBooks samples, so the product cannot drift from either.
 */
import { fieldCatalog } from '../salesforce/field-owners';

const ADDRESS = ['Line1', 'Line2', 'Line3', 'Line4', 'Line5', 'City', 'CountrySubDivisionCode', 'PostalCode', 'Country'];
const addr = (prefix: string): string[] => ADDRESS.map((part) => `${prefix}.${part}`);
const ref = (prefix: string): string[] => [`${prefix}.value`, `${prefix}.name`];

/** QuickBooks property paths per entity (the subset of Intuit's entity reference that this product may name). */
export const QBO_FIELDS: Readonly<Record<'Customer' | 'Item' | 'Invoice' | 'Payment', readonly string[]>> = {
  Customer: [
    'Id', 'SyncToken', 'DisplayName', 'CompanyName', 'GivenName', 'FamilyName', 'PrimaryEmailAddr.Address',
    'PrimaryPhone.FreeFormNumber', 'Mobile.FreeFormNumber', 'WebAddr.URI', 'Notes', 'Active', 'Taxable', 'Balance',
    ...addr('BillAddr'), ...addr('ShipAddr'), ...ref('SalesTermRef'), ...ref('CurrencyRef'), ...ref('PaymentMethodRef'),
    'MetaData.LastUpdatedTime',
  ],
  Item: [
    'Id', 'SyncToken', 'Name', 'Sku', 'Description', 'Active', 'Type', 'UnitPrice', 'Taxable', 'FullyQualifiedName',
    ...ref('IncomeAccountRef'), 'MetaData.LastUpdatedTime',
  ],
  Invoice: [
    'Id', 'SyncToken', 'DocNumber', 'TxnDate', 'DueDate', 'TotalAmt', 'Balance', 'PrivateNote', 'CustomerMemo.value',
    'BillEmail.Address', 'CustomField', 'Line', 'LinkedTxn', 'ApplyTaxAfterDiscount', 'TxnTaxDetail', 'EmailStatus',
    'DeliveryInfo.DeliveryType', 'DeliveryInfo.DeliveryTime',
    ...ref('CustomerRef'), ...ref('SalesTermRef'), ...ref('CurrencyRef'), 'MetaData.LastUpdatedTime',
  ],
  Payment: [
    'Id', 'SyncToken', 'TxnDate', 'TotalAmt', 'UnappliedAmt', 'PaymentRefNum', 'Line', 'PrivateNote',
    ...ref('CustomerRef'), ...ref('PaymentMethodRef'), ...ref('CurrencyRef'), 'MetaData.LastUpdatedTime',
  ],
};

/** Standard Salesforce fields the policy may name beyond the middleware's field catalog. */
const EXTRA_STANDARD_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Account: ['Phone'],
};

/** `Object.Field` names the middleware knows (fields.ts, itself checked against force-app by a test). */
export function salesforceFieldNames(): Set<string> {
  const names = new Set(fieldCatalog().map((f) => `${f.object}.${f.name}`));
  for (const [object, fields] of Object.entries(EXTRA_STANDARD_FIELDS)) for (const field of fields) names.add(`${object}.${field}`);
  return names;
}

/** Owners declared in fields.ts for custom fields (standard fields carry no declared owner there). */
export function declaredOwners(): Map<string, string> {
  return new Map(fieldCatalog().filter((f) => f.name.endsWith('__c')).map((f) => [`${f.object}.${f.name}`, f.owner]));
}
