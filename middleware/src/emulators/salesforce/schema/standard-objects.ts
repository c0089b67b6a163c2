import type { FieldDef, ObjectDef, PicklistValue, SfFieldType } from './types';
import { STANDARD_KEY_PREFIXES } from '../ids';

/** Built-in definitions of the standard objects (and fields) the product touches. */

type Opts = Partial<FieldDef>;

export function field(name: string, type: SfFieldType, opts: Opts = {}): FieldDef {
  const readOnly = type === 'id' || opts.calculated === true;
  return {
    name,
    label: opts.label ?? labelFromName(name),
    type,
    custom: name.endsWith('__c'),
    createable: !readOnly,
    updateable: !readOnly,
    ...(type === 'string' || type === 'textarea' ? { length: 255 } : {}),
    ...opts,
  };
}

const readOnly: Opts = { createable: false, updateable: false };
const ref = (to: string, relationshipName: string, opts: Opts = {}): Opts => ({
  referenceTo: [to],
  relationshipName,
  ...opts,
});
const money: Opts = { precision: 18, scale: 2 };

export function picklist(values: string[], defaultValue?: string): PicklistValue[] {
  return values.map((v) => ({ value: v, label: v, active: true, defaultValue: v === defaultValue }));
}

function labelFromName(name: string): string {
  return name
    .replace(/__c$/, '')
    .replace(/Id$/, '')
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .trim();
}

/** Id, audit fields and (optionally) OwnerId: every object has them. */
export function systemFields(owned: boolean): FieldDef[] {
  const fields = [
    field('Id', 'id', { label: 'Record ID', length: 18 }),
    field('IsDeleted', 'boolean', { label: 'Deleted', ...readOnly }),
    field('CreatedDate', 'datetime', readOnly),
    field('CreatedById', 'reference', { label: 'Created By ID', ...readOnly, ...ref('User', 'CreatedBy') }),
    field('LastModifiedDate', 'datetime', readOnly),
    field('LastModifiedById', 'reference', { label: 'Last Modified By ID', ...readOnly, ...ref('User', 'LastModifiedBy') }),
    field('SystemModstamp', 'datetime', { label: 'System Modstamp', ...readOnly }),
  ];
  if (owned) fields.push(field('OwnerId', 'reference', { label: 'Owner ID', ...ref('User', 'Owner') }));
  return fields;
}

export const STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];
/** Default probability per stage, as a new org ships them. */
export const STAGE_PROBABILITY: Record<string, number> = {
  Prospecting: 10,
  Qualification: 10,
  'Needs Analysis': 20,
  'Value Proposition': 50,
  'Id. Decision Makers': 60,
  'Perception Analysis': 70,
  'Proposal/Price Quote': 75,
  'Negotiation/Review': 90,
  'Closed Won': 100,
  'Closed Lost': 0,
};

function addressFields(prefix: string): FieldDef[] {
  return [
    field(`${prefix}Street`, 'textarea', { length: 255 }),
    field(`${prefix}City`, 'string', { length: 40 }),
    field(`${prefix}State`, 'string', { length: 80 }),
    field(`${prefix}PostalCode`, 'string', { length: 20, label: `${prefix} Zip/Postal Code` }),
    field(`${prefix}Country`, 'string', { length: 80 }),
    field(`${prefix}Address`, 'address', { ...readOnly, calculated: false }),
  ];
}

function currencyField(currencies: string[] | null): FieldDef[] {
  if (!currencies) return [];
  return [
    field('CurrencyIsoCode', 'picklist', {
      label: 'Currency ISO Code',
      length: 3,
      picklistValues: picklist(currencies, currencies[0]),
      restrictedPicklist: true,
      defaultValue: currencies[0] ?? null,
    }),
  ];
}

interface StdSpec {
  name: string;
  label: string;
  plural: string;
  owned: boolean;
  multiCurrency: boolean;
  createable?: boolean;
  deletable?: boolean;
  fields: FieldDef[];
}

/**
 * The org's currency set-up objects. Organization is read-only here (the API never inserts or deletes it).
 * CurrencyType exists only in a multi-currency org; the API may insert and update it, never delete it.
 * Its records are seeded at start (org-setup.ts).
 */
function setupObjects(currencies: string[] | null, orgCurrency: string): StdSpec[] {
  const organization: StdSpec = {
    name: 'Organization',
    label: 'Organization',
    plural: 'Organizations',
    owned: false,
    multiCurrency: false,
    createable: false,
    deletable: false,
    fields: [
      field('Name', 'string', { length: 80, ...readOnly }),
      // A multi-currency org's default is its corporate currency.
      field('DefaultCurrencyIsoCode', 'picklist', { label: 'Locale Currency', length: 3, picklistValues: picklist(currencies ?? [orgCurrency]), restrictedPicklist: true, ...readOnly }),
    ],
  };
  if (!currencies) return [organization];
  const currencyType: StdSpec = {
    name: 'CurrencyType',
    label: 'Currency Type',
    plural: 'Currency Types',
    owned: false,
    multiCurrency: false,
    deletable: false,
    fields: [
      // Any three-letter code (ISO 4217) is accepted: checked on save (derived.ts), not by a value list.
      field('IsoCode', 'picklist', { label: 'Currency ISO Code', length: 40, required: true, updateable: false, unique: true, picklistValues: picklist(currencies) }),
      field('ConversionRate', 'double', { precision: 18, scale: 6, required: true }),
      field('DecimalPlaces', 'int', { precision: 9, scale: 0, required: true }),
      field('IsActive', 'boolean', { label: 'Active', defaultValue: false }),
      field('IsCorporate', 'boolean', { label: 'Corporate Currency', ...readOnly }),
    ],
  };
  return [organization, currencyType];
}

/**
 * Builds the standard objects. `currencies` null = a single-currency org (no CurrencyIsoCode, no
 * CurrencyType) whose currency is `orgCurrency`.
 */
export function standardObjects(currencies: string[] | null, orgCurrency = 'USD'): ObjectDef[] {
  const specs: StdSpec[] = [
    {
      name: 'Account',
      label: 'Account',
      plural: 'Accounts',
      owned: true,
      multiCurrency: true,
      fields: [
        field('Name', 'string', { label: 'Account Name', required: true }),
        field('AccountNumber', 'string', { length: 40 }),
        field('Type', 'picklist', { label: 'Account Type', picklistValues: picklist(['Prospect', 'Customer - Direct', 'Customer - Channel', 'Partner', 'Other']) }),
        field('Industry', 'picklist', { picklistValues: picklist(['Technology', 'Finance', 'Manufacturing', 'Retail', 'Other']) }),
        field('Phone', 'phone', { length: 40 }),
        field('Website', 'url', { length: 255 }),
        field('Description', 'textarea', { length: 32000 }),
        field('ParentId', 'reference', ref('Account', 'Parent', { childRelationshipName: 'ChildAccounts' })),
        ...addressFields('Billing'),
        ...addressFields('Shipping'),
      ],
    },
    {
      name: 'Contact',
      label: 'Contact',
      plural: 'Contacts',
      owned: true,
      multiCurrency: true,
      fields: [
        field('AccountId', 'reference', ref('Account', 'Account', { cascadeDelete: true, childRelationshipName: 'Contacts' })),
        field('FirstName', 'string', { length: 40 }),
        field('LastName', 'string', { length: 80, required: true }),
        field('Name', 'string', { label: 'Full Name', length: 121, ...readOnly }),
        field('Email', 'email', { length: 80 }),
        field('Phone', 'phone', { length: 40 }),
        field('Title', 'string', { length: 128 }),
        ...addressFields('Mailing'),
      ],
    },
    {
      name: 'Opportunity',
      label: 'Opportunity',
      plural: 'Opportunities',
      owned: true,
      multiCurrency: true,
      fields: [
        field('Name', 'string', { label: 'Opportunity Name', length: 120, required: true }),
        field('AccountId', 'reference', ref('Account', 'Account', { cascadeDelete: true, childRelationshipName: 'Opportunities' })),
        field('StageName', 'picklist', { label: 'Stage', length: 255, required: true, picklistValues: picklist(STAGES), restrictedPicklist: true }),
        field('CloseDate', 'date', { required: true }),
        field('Amount', 'currency', money),
        field('Probability', 'percent', { label: 'Probability (%)', precision: 3, scale: 0 }),
        field('IsWon', 'boolean', { label: 'Won', ...readOnly }),
        field('IsClosed', 'boolean', { label: 'Closed', ...readOnly }),
        field('Type', 'picklist', { label: 'Opportunity Type', picklistValues: picklist(['Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade', 'New Customer']) }),
        field('Description', 'textarea', { length: 32000 }),
        field('Pricebook2Id', 'reference', { label: 'Price Book ID', ...ref('Pricebook2', 'Pricebook2', { childRelationshipName: 'Opportunities' }) }),
        field('HasOpportunityLineItem', 'boolean', { label: 'Has Line Item', ...readOnly }),
        field('ForecastCategoryName', 'picklist', { label: 'Forecast Category', picklistValues: picklist(['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed']) }),
        field('NextStep', 'string', { length: 255 }),
      ],
    },
    {
      name: 'OpportunityLineItem',
      label: 'Opportunity Product',
      plural: 'Opportunity Product',
      owned: false,
      multiCurrency: true,
      fields: [
        field('OpportunityId', 'reference', { required: true, updateable: false, ...ref('Opportunity', 'Opportunity', { cascadeDelete: true, childRelationshipName: 'OpportunityLineItems' }) }),
        field('PricebookEntryId', 'reference', { label: 'Price Book Entry ID', updateable: false, ...ref('PricebookEntry', 'PricebookEntry', { childRelationshipName: 'OpportunityLineItems' }) }),
        field('Product2Id', 'reference', { label: 'Product ID', updateable: false, ...ref('Product2', 'Product2') }),
        field('Name', 'string', { label: 'Opportunity Product Name', length: 376, ...readOnly }),
        field('ProductCode', 'string', { length: 255, ...readOnly }),
        field('Quantity', 'double', { precision: 12, scale: 2, required: true }),
        field('UnitPrice', 'currency', { label: 'Sales Price', ...money }),
        field('ListPrice', 'currency', { label: 'List Price', ...money, ...readOnly }),
        field('TotalPrice', 'currency', { label: 'Total Price', ...money }),
        field('Discount', 'percent', { precision: 18, scale: 2 }),
        field('ServiceDate', 'date', { label: 'Date' }),
        field('Description', 'string', { label: 'Line Description', length: 255 }),
        field('SortOrder', 'int', { precision: 9, scale: 0 }),
      ],
    },
    {
      name: 'Product2',
      label: 'Product',
      plural: 'Products',
      owned: false,
      multiCurrency: true,
      fields: [
        field('Name', 'string', { label: 'Product Name', required: true }),
        field('ProductCode', 'string', { label: 'Product Code' }),
        field('IsActive', 'boolean', { label: 'Active', defaultValue: false }),
        field('Description', 'textarea', { label: 'Product Description', length: 4000 }),
        field('Family', 'picklist', { label: 'Product Family', picklistValues: picklist(['None']) }),
        field('StockKeepingUnit', 'string', { label: 'Product SKU', length: 180 }),
        field('QuantityUnitOfMeasure', 'picklist', { picklistValues: picklist(['Each']) }),
      ],
    },
    {
      name: 'Pricebook2',
      label: 'Price Book',
      plural: 'Price Books',
      owned: false,
      multiCurrency: false,
      fields: [
        field('Name', 'string', { label: 'Price Book Name', required: true }),
        field('IsActive', 'boolean', { label: 'Active', defaultValue: false }),
        field('IsStandard', 'boolean', { label: 'Is Standard Price Book', ...readOnly }),
        field('Description', 'string', { length: 255 }),
      ],
    },
    {
      name: 'PricebookEntry',
      label: 'Price Book Entry',
      plural: 'Price Book Entries',
      owned: false,
      multiCurrency: true,
      fields: [
        field('Name', 'string', { label: 'Product Name', ...readOnly }),
        field('Pricebook2Id', 'reference', { label: 'Price Book ID', required: true, updateable: false, ...ref('Pricebook2', 'Pricebook2', { cascadeDelete: true, childRelationshipName: 'PricebookEntries' }) }),
        field('Product2Id', 'reference', { label: 'Product ID', required: true, updateable: false, ...ref('Product2', 'Product2', { cascadeDelete: true, childRelationshipName: 'PricebookEntries' }) }),
        field('UnitPrice', 'currency', { label: 'List Price', required: true, ...money }),
        field('IsActive', 'boolean', { label: 'Active', defaultValue: false }),
        field('UseStandardPrice', 'boolean', { defaultValue: false }),
        field('ProductCode', 'string', { ...readOnly }),
      ],
    },
    {
      name: 'User',
      label: 'User',
      plural: 'Users',
      owned: false,
      multiCurrency: false,
      fields: [
        field('Username', 'string', { length: 80, required: true }),
        field('FirstName', 'string', { length: 40 }),
        field('LastName', 'string', { length: 80, required: true }),
        field('Name', 'string', { label: 'Full Name', length: 121, ...readOnly }),
        field('Email', 'email', { length: 128, required: true }),
        field('Alias', 'string', { length: 8 }),
        field('IsActive', 'boolean', { label: 'Active', defaultValue: true }),
      ],
    },
    ...setupObjects(currencies, orgCurrency),
  ];
  return specs.map((s) => ({
    name: s.name,
    label: s.label,
    labelPlural: s.plural,
    keyPrefix: STANDARD_KEY_PREFIXES[s.name] as string,
    custom: false,
    ...(s.createable === false ? { createable: false } : {}),
    ...(s.deletable === false ? { deletable: false } : {}),
    fields: [...systemFields(s.owned), ...s.fields, ...(s.multiCurrency ? currencyField(currencies) : [])],
    childRelationships: [],
  }));
}
