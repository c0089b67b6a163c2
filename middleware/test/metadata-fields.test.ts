/**
 * Contract test between the middleware and the Salesforce package: every custom field the middleware names
 * (src/salesforce/fields.ts) must be defined in force-app metadata, every field DESIGN.md §3 declares as
 * synced must exist in both, and standard fields must come from an explicit allow-list.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { fieldCatalog, type FieldSpec } from '../src/salesforce/field-owners';

const OBJECTS_DIR = path.resolve(__dirname, '../../force-app/main/default/objects');

/** Standard fields the middleware may name; anything else without `__c` is a typo. */
const STANDARD_FIELDS: Record<string, readonly string[]> = {
  Account: ['Id', 'Name', 'BillingStreet', 'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry', 'CurrencyIsoCode'],
  Contact: ['Id', 'Name', 'Email'],
  Product2: ['Id', 'Name', 'ProductCode', 'Description'],
  OpportunityLineItem: [
    'Id',
    'OpportunityId',
    'Product2Id',
    'Quantity',
    'UnitPrice',
    'Discount',
    'TotalPrice',
    'Description',
    'ServiceDate',
    'SortOrder'
  ],
  Opportunity: ['Id', 'Name', 'AccountId', 'StageName', 'IsWon', 'CloseDate', 'Amount', 'CurrencyIsoCode'],
  QuickBooks_Invoice__c: ['Id', 'Name', 'CurrencyIsoCode'],
  QuickBooks_Payment__c: ['Id', 'Name'],
  QuickBooks_Item_Mapping__c: ['Id', 'Name'],
  Receivables_Month__c: ['Id']
};

/** DESIGN.md §3, copied by hand: the fields that cross between the systems (formulas excluded). */
const DESIGN_SYNCED: Record<string, readonly string[]> = {
  Account: [
    'QuickBooks_Customer_Id__c',
    'Billing_Email__c',
    'Payment_Terms__c',
    'Tax_Exempt__c',
    'Open_Balance__c',
    'Overdue_Balance__c'
  ],
  Product2: ['QuickBooks_Item_Id__c', 'Taxable__c'],
  OpportunityLineItem: ['Billing_Frequency__c', 'Term_Months__c'],
  Opportunity: [
    'Billing_Entity__c',
    'PO_Number__c',
    'Invoice_Memo__c',
    'Billing_Contact__c',
    'Billing_Sync_Status__c',
    'Billing_Sync_Error__c',
    'Last_Billing_Sync__c',
    'QuickBooks_Invoice_Id__c',
    'Invoice_Number__c',
    'Invoice_Total__c',
    'Invoice_Balance__c',
    'Invoice_Due_Date__c',
    'Last_Payment_Date__c'
  ],
  QuickBooks_Invoice__c: [
    'QuickBooks_Key__c',
    'Opportunity__c',
    'Account__c',
    'Doc_Number__c',
    'Txn_Date__c',
    'Due_Date__c',
    'Total__c',
    'Balance__c',
    'Currency__c',
    'Billing_Entity__c',
    'Voided__c',
    'Last_Payment_Date__c'
  ],
  QuickBooks_Payment__c: ['QuickBooks_Key__c', 'Invoice__c', 'Amount__c', 'Payment_Date__c', 'Method__c']
};
/** DESIGN.md §3 formula fields: defined in metadata as formulas, never written by the middleware. */
const DESIGN_DERIVED: Record<string, readonly string[]> = {
  Opportunity: ['Payment_Status__c'],
  QuickBooks_Invoice__c: ['Amount_Paid__c', 'Status__c', 'Days_Overdue__c', 'QuickBooks_Url__c']
};

interface MetadataField {
  fullName: string;
  type?: string;
  formula?: string;
}

const parser = new XMLParser({ ignoreAttributes: true, cdataPropName: false, parseTagValue: false });

/** Reads objects/<Object>/fields/<Field>.field-meta.xml into a map keyed by `Object.Field`. */
function readMetadataFields(objectsDir: string): Map<string, MetadataField> {
  const fields = new Map<string, MetadataField>();
  for (const object of readdirSync(objectsDir)) {
    const dir = path.join(objectsDir, object, 'fields');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.field-meta.xml'))) {
      const parsed = parser.parse(readFileSync(path.join(dir, file), 'utf8')) as { CustomField?: MetadataField };
      const field = parsed.CustomField;
      if (!field || field.fullName !== file.replace('.field-meta.xml', '')) {
        throw new Error(`${object}/fields/${file}: fullName does not match the file name`);
      }
      fields.set(`${object}.${field.fullName}`, field);
    }
  }
  return fields;
}

/** All contract problems between the catalog and the metadata in objectsDir (empty when they agree). */
function contractProblems(catalog: readonly FieldSpec[], objectsDir: string): string[] {
  const metadata = readMetadataFields(objectsDir);
  const problems: string[] = [];
  const named = new Map(catalog.map((f) => [`${f.object}.${f.name}`, f]));
  for (const field of catalog) {
    const key = `${field.object}.${field.name}`;
    if (!field.name.endsWith('__c')) {
      if (!(STANDARD_FIELDS[field.object] ?? []).includes(field.name))
        problems.push(`${key}: standard field not in the allow-list`);
      continue;
    }
    const defined = metadata.get(key);
    if (!defined) problems.push(`${key}: named by the middleware but not defined in force-app`);
    else if ((field.owner === 'derived') !== (defined.formula !== undefined)) {
      problems.push(`${key}: owner ${field.owner} but metadata ${defined.formula ? 'is' : 'is not'} a formula`);
    }
  }
  for (const [object, names] of Object.entries(DESIGN_SYNCED)) {
    for (const name of names) {
      const key = `${object}.${name}`;
      if (!metadata.has(key)) problems.push(`${key}: synced per DESIGN.md but not defined in force-app`);
      if (!named.get(key)?.synced) problems.push(`${key}: synced per DESIGN.md but not a synced field in fields.ts`);
    }
  }
  for (const [object, names] of Object.entries(DESIGN_DERIVED)) {
    for (const name of names) {
      const key = `${object}.${name}`;
      if (metadata.get(key)?.formula === undefined)
        problems.push(`${key}: a formula per DESIGN.md but not in force-app`);
    }
  }
  return problems;
}

describe('middleware field names against force-app metadata', () => {
  it('finds every named and every DESIGN.md field in the metadata', () => {
    expect(contractProblems(fieldCatalog(), OBJECTS_DIR)).toEqual([]);
  });

  it('reads real field files (the check is not vacuous)', () => {
    const metadata = readMetadataFields(OBJECTS_DIR);
    expect(metadata.get('QuickBooks_Invoice__c.Status__c')?.formula).toContain('TODAY()');
    expect(metadata.get('Opportunity.Billing_Sync_Status__c')?.type).toBe('Picklist');
  });

  describe('on a copy of the metadata', () => {
    let copy: string;
    beforeEach(() => {
      copy = mkdtempSync(path.join(tmpdir(), 'ledgerline-objects-'));
      cpSync(OBJECTS_DIR, copy, { recursive: true });
    });
    afterEach(() => rmSync(copy, { recursive: true, force: true }));

    it('fails naming a field whose file was removed', () => {
      rmSync(path.join(copy, 'Opportunity/fields/Invoice_Balance__c.field-meta.xml'));

      expect(contractProblems(fieldCatalog(), copy)).toEqual([
        'Opportunity.Invoice_Balance__c: named by the middleware but not defined in force-app',
        'Opportunity.Invoice_Balance__c: synced per DESIGN.md but not defined in force-app'
      ]);
    });

    it('fails when a field the middleware names is not in metadata at all', () => {
      const catalog: FieldSpec[] = [
        ...fieldCatalog(),
        { object: 'Opportunity', name: 'Invoice_Tax__c', owner: 'quickbooks', synced: true },
        { object: 'Opportunity', name: 'OwnerId', owner: 'salesforce', synced: false }
      ];

      expect(contractProblems(catalog, copy)).toEqual([
        'Opportunity.Invoice_Tax__c: named by the middleware but not defined in force-app',
        'Opportunity.OwnerId: standard field not in the allow-list'
      ]);
    });
  });
});
