import { fieldCatalog, writableByMiddleware } from './field-owners';
import { invoiceKey, OPPORTUNITY_FIELDS, paymentKey, SOBJECTS } from './fields';

describe('salesforce field catalog', () => {
  const catalog = fieldCatalog();

  it('lists each object field once', () => {
    const keys = catalog.map((f) => `${f.object}.${f.name}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('gives every custom field an owner and treats standard fields as Salesforce-owned, unsynced', () => {
    for (const field of catalog.filter((f) => !f.name.endsWith('__c'))) {
      expect(field).toMatchObject({ owner: 'salesforce', synced: false });
    }
    expect(catalog.find((f) => f.object === 'Opportunity' && f.name === 'Billing_Sync_Status__c')).toEqual({
      object: 'Opportunity',
      name: 'Billing_Sync_Status__c',
      owner: 'middleware',
      synced: true
    });
  });

  it('never lets the middleware write a derived (formula) or Salesforce-owned field', () => {
    const writable = writableByMiddleware(SOBJECTS.opportunity);
    expect(writable).toContain(OPPORTUNITY_FIELDS.invoiceBalance);
    expect(writable).toContain(OPPORTUNITY_FIELDS.billingSyncError);
    expect(writable).not.toContain(OPPORTUNITY_FIELDS.paymentStatus);
    expect(writable).not.toContain(OPPORTUNITY_FIELDS.poNumber);
    expect(writableByMiddleware(SOBJECTS.invoice)).not.toContain('Status__c');
  });

  it('builds the mirror keys as realm:id[:invoice]', () => {
    expect(invoiceKey('9130', '145')).toBe('9130:145');
    expect(paymentKey('9130', '88', '145')).toBe('9130:88:145');
  });
});
