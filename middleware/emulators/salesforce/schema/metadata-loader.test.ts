import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Schema } from './schema';

const field = (xml: string): string => `<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">${xml}</CustomField>`;

describe('schema from source-format metadata', () => {
  const root = mkdtempSync(join(tmpdir(), 'sf-meta-'));
  const put = (rel: string, text: string): void => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), text);
  };
  put('objects/Invoice__c/Invoice__c.object-meta.xml', '<CustomObject><label>Invoice</label><pluralLabel>Invoices</pluralLabel><nameField><label>Invoice Name</label><type>AutoNumber</type><displayFormat>INV-{0000}</displayFormat></nameField><sharingModel>ReadWrite</sharingModel></CustomObject>');
  put('objects/Invoice__c/fields/Key__c.field-meta.xml', field('<fullName>Key__c</fullName><label>Key</label><type>Text</type><length>64</length><externalId>true</externalId><unique>true</unique>'));
  put('objects/Invoice__c/fields/Deal__c.field-meta.xml', field('<fullName>Deal__c</fullName><label>Deal</label><type>Lookup</type><referenceTo>Opportunity</referenceTo><relationshipName>Invoices</relationshipName>'));
  put('objects/Invoice__c/fields/Entity__c.field-meta.xml', field('<fullName>Entity__c</fullName><label>Entity</label><type>Picklist</type><valueSet><valueSetName>Entities</valueSetName></valueSet>'));
  put('globalValueSets/Entities.globalValueSet-meta.xml', '<GlobalValueSet><customValue><fullName>US</fullName><default>false</default><label>US</label></customValue></GlobalValueSet>');
  put('objects/Account/fields/Terms__c.field-meta.xml', field('<fullName>Terms__c</fullName><label>Terms</label><type>Picklist</type><valueSet><restricted>true</restricted><valueSetDefinition><value><fullName>Net 30</fullName><default>true</default><label>Net 30</label></value></valueSetDefinition></valueSet>'));

  const schema = new Schema({ metadataDir: root });

  it('reads custom objects with an a0 key prefix, fields, lengths, external ids and auto-number names', () => {
    const inv = schema.object('invoice__c');
    expect(inv).toMatchObject({ name: 'Invoice__c', keyPrefix: 'a00', custom: true });
    expect(schema.field(inv!, 'key__c')).toMatchObject({ type: 'string', length: 64, externalId: true, unique: true });
    expect(schema.field(inv!, 'Name')).toMatchObject({ autoNumber: 'INV-{0000}', createable: false });
    expect(schema.field(inv!, 'OwnerId')).toBeDefined();
  });

  it('links lookups both ways (Deal__r, Invoices__r) and reads global value sets', () => {
    const inv = schema.object('Invoice__c')!;
    expect(schema.parentRelationship(inv, 'Deal__r')?.target.name).toBe('Opportunity');
    expect(schema.childRelationship(schema.object('Opportunity')!, 'Invoices__r')).toMatchObject({ childSObject: 'Invoice__c', field: 'Deal__c' });
    expect(schema.field(inv, 'Entity__c')).toMatchObject({ restrictedPicklist: true, picklistValues: [expect.objectContaining({ value: 'US' })] });
  });

  it('adds custom fields to standard objects, with picklist defaults', () => {
    expect(schema.field(schema.object('Account')!, 'Terms__c')).toMatchObject({ type: 'picklist', restrictedPicklist: true, defaultValue: 'Net 30' });
  });
});
