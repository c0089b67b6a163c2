/**
 * The sync policy names only fields that exist: Salesforce fields in force-app (standard objects from the
 * emulator's schema, custom fields from the metadata), QuickBooks properties in the recorded real samples
 * and the emulator's entity definitions. A policy naming anything else is refused, at start-up too.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config';
import { createLedgerline } from '../src/container';
import { customerDef } from '@ledgerline/emulators/quickbooks/entities/parties';
import { itemDef } from '@ledgerline/emulators/quickbooks/entities/item';
import { invoiceDef } from '@ledgerline/emulators/quickbooks/entities/sales-txn';
import { paymentDef } from '@ledgerline/emulators/quickbooks/entities/payment';
import { Schema } from '@ledgerline/emulators/salesforce/schema/schema';
import { createLogger } from '../src/logger';
import { DEFAULT_POLICY_PATH, QBO_FIELDS, SyncPolicy, builtInCatalogs, type FieldCatalogs } from '../src/policy';

const FORCE_APP = path.resolve(__dirname, '../../force-app/main/default');
const SAMPLES = path.resolve(__dirname, 'fixtures/quickbooks');
const schema = new Schema({ metadataDir: FORCE_APP, currencies: null });
/** CurrencyIsoCode exists only in a multi-currency org; the policy names it for those. */
const multiCurrencySchema = new Schema({ metadataDir: FORCE_APP });
const ENTITY_DEFS = { Customer: customerDef, Item: itemDef, Invoice: invoiceDef, Payment: paymentDef } as const;
const ALWAYS = ['Id', 'SyncToken', 'MetaData'];

/** Catalogs read from force-app itself and from the QuickBooks entity definitions. */
const forceAppCatalogs: FieldCatalogs = {
  salesforce: (object, field) => {
    const org = field === 'CurrencyIsoCode' ? multiCurrencySchema : schema;
    const def = org.object(object);
    return Boolean(def && org.field(def, field) && org.field(def, field)!.name === field);
  },
  quickbooks: (entity, dotted) => {
    if (dotted === '$company' || dotted === '$entity') return true;
    const def = ENTITY_DEFS[entity as keyof typeof ENTITY_DEFS];
    const top = dotted.split('.')[0]!;
    return Boolean(def) && [...ALWAYS, ...def.known, ...(def.serverFields ?? [])].includes(top) && QBO_FIELDS[entity as keyof typeof QBO_FIELDS].includes(dotted);
  },
  declaredOwner: builtInCatalogs().declaredOwner!,
};

interface PolicyDoc {
  pairs: Array<{ name: string; fields: unknown[] }>;
}
const raw = (): PolicyDoc => JSON.parse(readFileSync(DEFAULT_POLICY_PATH, 'utf8')) as PolicyDoc;
const withField = (pairName: string, field: Record<string, unknown>) => {
  const doc = raw();
  doc.pairs.find((p) => p.name === pairName)!.fields.push(field);
  return doc;
};

describe('sync policy', () => {
  it('loads, and every field it names exists in force-app and in the QuickBooks entity', () => {
    const policy = SyncPolicy.load(DEFAULT_POLICY_PATH, forceAppCatalogs);
    expect(policy.pairs.map((p) => `${p.salesforce}↔${p.quickbooks}`)).toEqual([
      'Account↔Customer',
      'Product2↔Item',
      'QuickBooks_Item_Mapping__c↔Item',
      'Opportunity↔Invoice',
      'QuickBooks_Invoice__c↔Invoice',
      'QuickBooks_Payment__c↔Payment',
    ]);
    expect(() => SyncPolicy.load()).not.toThrow();
  });

  it('the built-in QuickBooks catalog matches the entity definitions, and the Customer properties appear in a recorded real customer', () => {
    for (const [entity, paths] of Object.entries(QBO_FIELDS)) {
      const def = ENTITY_DEFS[entity as keyof typeof ENTITY_DEFS];
      const known = new Set([...ALWAYS, ...def.known, ...(def.serverFields ?? [])]);
      expect(paths.filter((p) => !known.has(p.split('.')[0]!))).toEqual([]);
    }
    const sample = JSON.parse(readFileSync(path.join(SAMPLES, 'customer-read.response.json'), 'utf8')).Customer;
    const customerPaths = SyncPolicy.load().pair('account-customer').fields.filter((f) => f.direction === 'to-quickbooks' && f.transform !== 'payment-terms').map((f) => f.quickbooks.split('.')[0]!);
    expect(customerPaths.filter((top) => !(top in sample))).toEqual([]);
  });

  it.each([
    ['a Salesforce field that does not exist', { salesforce: 'Shoe_Size__c', quickbooks: 'Notes', owner: 'salesforce', direction: 'to-quickbooks' }, /Salesforce field Account\.Shoe_Size__c does not exist/],
    ['a QuickBooks property that does not exist', { salesforce: 'Billing_Email__c', quickbooks: 'ShoeSize', owner: 'salesforce', direction: 'to-quickbooks' }, /QuickBooks Customer has no property ShoeSize/],
    ['an owner that disagrees with fields.ts', { salesforce: 'Tax_Exempt__c', quickbooks: 'Taxable', owner: 'quickbooks', direction: 'to-salesforce' }, /owner "quickbooks" disagrees with fields\.ts, which declares "salesforce"/],
    ['a field with two owners', { salesforce: 'Open_Balance__c', quickbooks: 'Notes', owner: 'salesforce', direction: 'to-quickbooks' }, /Account\.Open_Balance__c has two owners/],
    ['a QuickBooks-owned field sent to QuickBooks', { salesforce: 'BillingCity', quickbooks: 'BillAddr.City', owner: 'quickbooks', direction: 'to-quickbooks' }, /must be owned by Salesforce/],
  ])('refuses %s, naming it', (_what, field, message) => {
    const doc = withField('account-customer', field);
    expect(() => SyncPolicy.from(doc, forceAppCatalogs)).toThrow(message);
    expect(() => SyncPolicy.from(doc)).toThrow(message); // the start-up catalogs agree
  });

  it('stops the middleware at start-up when the policy names an unknown field', async () => {
    const dir = path.join(tmpdir(), `ledgerline-policy-${randomBytes(4).toString('hex')}`);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'sync-policy.json');
    writeFileSync(file, JSON.stringify(withField('product-item', { salesforce: 'Colour__c', quickbooks: 'Name', owner: 'quickbooks', direction: 'to-salesforce' })));
    const config = loadConfig({
      DATABASE_URL: 'sqlite::memory:',
      LEDGERLINE_API_KEYS: randomBytes(24).toString('base64url'),
      LEDGERLINE_ADMIN_KEYS: randomBytes(24).toString('base64url'),
      LEDGERLINE_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      QBO_CLIENT_ID: 'id',
      QBO_CLIENT_SECRET: 'secret',
      QBO_REDIRECT_URI: 'http://127.0.0.1/callback',
      SYNC_POLICY_PATH: file,
    });
    await expect(createLedgerline(config, { logger: createLogger({ level: 'silent' }) })).rejects.toThrow(/Product2\.Colour__c does not exist/);
  });

  it('invoiceDelivery.sendWhenCreated is off unless the policy turns it on, and only a boolean is taken', () => {
    expect(SyncPolicy.load().sendsNewInvoices).toBe(false);
    const { invoiceDelivery: _omitted, ...older } = JSON.parse(readFileSync(DEFAULT_POLICY_PATH, 'utf8')) as Record<string, unknown>;
    expect(SyncPolicy.from(older).sendsNewInvoices).toBe(false); // a policy file written before the option
    expect(SyncPolicy.from({ ...older, invoiceDelivery: { sendWhenCreated: true } }).sendsNewInvoices).toBe(true);
    expect(() => SyncPolicy.from({ ...older, invoiceDelivery: { sendWhenCreated: 'yes' } })).toThrow(/invoiceDelivery\.sendWhenCreated/);
    expect(() => SyncPolicy.from({ ...older, invoiceDelivery: { sendWhenCreated: true, cc: 'x@y.example' } })).toThrow(/invoiceDelivery/);
  });

  it('refuses a Salesforce write of a field outside the policy, and allows the approved ones', () => {
    const policy = SyncPolicy.load();
    expect(() => policy.assertSalesforceWrite('Opportunity', { Id: '006000000000001AAA', Invoice_Total__c: 10, Billing_Sync_Status__c: 'Synced' })).not.toThrow();
    expect(() => policy.assertSalesforceWrite('Account', { Id: '001000000000001AAA', Billing_Email__c: 'x@example.com' })).toThrow(/does not approve writing Billing_Email__c on Salesforce Account/);
    expect(() => policy.assertSalesforceWrite('Opportunity', { Id: '006000000000001AAA', Amount: 1 })).toThrow(/POLICY|does not approve/);
    expect(() => policy.assertQuickbooksWrite('Customer', { Id: '1', SyncToken: '0', Notes: 'x' }, 'update')).toThrow(/does not approve writing Notes/);
    expect(() => policy.assertQuickbooksWrite('Customer', { Id: '1', SyncToken: '0', PrimaryPhone: {} }, 'update')).toThrow(/PrimaryPhone/);
    expect(() => policy.assertQuickbooksWrite('Customer', { DisplayName: 'x', PrimaryPhone: {} }, 'create')).not.toThrow();
  });
});
