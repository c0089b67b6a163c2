import { linkKeyFor, manualClock, openStore, type Store } from './index';
import { createTestDatabase, testDialects, type TestDatabase } from './test-databases';

describe('linkKeyFor', () => {
  it('keys customers and items by the Salesforce id, invoices and payments by the QBO id', () => {
    expect(linkKeyFor('customer', '001A', '58')).toBe('001A');
    expect(linkKeyFor('item', '01tA', '7')).toBe('01tA');
    expect(linkKeyFor('invoice', '006A', '130')).toBe('130');
    expect(linkKeyFor('payment', 'a01A', '145')).toBe('145');
  });
});

describe.each(testDialects())('record links on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  const clock = manualClock();

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url, { now: clock });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('upserts a customer link: one QBO customer per Account and company', async () => {
    await store.links.put({ kind: 'customer', realmId: 'R1', salesforceId: '001A', qboId: '58' });
    clock.advance(1000);
    const moved = await store.links.put({ kind: 'customer', realmId: 'R1', salesforceId: '001A', qboId: '59', extra: { matchedBy: 'name' } });
    expect(moved).toMatchObject({ linkKey: '001A', qboId: '59', extra: { matchedBy: 'name' } });
    expect(moved.updatedAt.getTime() - moved.createdAt.getTime()).toBe(1000);
    await store.links.put({ kind: 'customer', realmId: 'R2', salesforceId: '001A', qboId: '3' });
    expect((await store.links.findBySalesforceId('customer', '001A', 'R1')).map((l) => l.qboId)).toEqual(['59']);
    expect((await store.links.findBySalesforceId('customer', '001A')).map((l) => l.realmId)).toEqual(['R1', 'R2']);
  });

  it('lists every link of one kind in one company, oldest first (the customers a history import reads)', async () => {
    await store.links.put({ kind: 'customer', realmId: 'R9', salesforceId: '001X', qboId: '90' });
    await store.links.put({ kind: 'customer', realmId: 'R9', salesforceId: '001Y', qboId: '91' });
    await store.links.put({ kind: 'item', realmId: 'R9', salesforceId: '01tX', qboId: '92' });
    await store.links.put({ kind: 'customer', realmId: 'R8', salesforceId: '001Z', qboId: '93' });
    expect((await store.links.listKind('customer', 'R9')).map((l) => `${l.salesforceId}=${l.qboId}`)).toEqual(['001X=90', '001Y=91']);
    expect(await store.links.listKind('invoice', 'R9')).toEqual([]);
  });

  it('lets several products share one QBO item', async () => {
    await store.links.put({ kind: 'item', realmId: 'R1', salesforceId: '01tA', qboId: '7' });
    await store.links.put({ kind: 'item', realmId: 'R1', salesforceId: '01tB', qboId: '7' });
    expect((await store.links.findByQboId('item', 'R1', '7')).map((l) => l.salesforceId)).toEqual(['01tA', '01tB']);
  });

  it('lists the customers linked to several Accounts in one company, and only those', async () => {
    await store.links.put({ kind: 'customer', realmId: 'R9', salesforceId: '001X', qboId: '70' });
    await store.links.put({ kind: 'customer', realmId: 'R9', salesforceId: '001Y', qboId: '70' });
    await store.links.put({ kind: 'customer', realmId: 'R9', salesforceId: '001Z', qboId: '71' });
    await store.links.put({ kind: 'customer', realmId: 'R8', salesforceId: '001W', qboId: '70' });
    await store.links.put({ kind: 'item', realmId: 'R9', salesforceId: '01tX', qboId: '71' });
    expect((await store.links.sharedQboIds('customer', 'R9')).map((l) => [l.qboId, l.salesforceId])).toEqual([['70', '001X'], ['70', '001Y']]);
    expect(await store.links.sharedQboIds('customer', 'R8')).toEqual([]);
  });

  it('keeps several invoices per Opportunity, keyed by the QBO invoice id', async () => {
    await store.links.put({ kind: 'invoice', realmId: 'R1', salesforceId: '006A', qboId: '130', extra: { period: 1 } });
    await store.links.put({ kind: 'invoice', realmId: 'R1', salesforceId: '006A', qboId: '131', extra: { period: 2 } });
    const invoices = await store.links.findBySalesforceId<{ period: number }>('invoice', '006A', 'R1');
    expect(invoices.map((l) => [l.qboId, l.extra?.period])).toEqual([
      ['130', 1],
      ['131', 2],
    ]);
    expect((await store.links.get('invoice', 'R1', '131'))?.salesforceId).toBe('006A');
    expect((await store.links.findByQboId('invoice', 'R1', '130'))[0]?.salesforceId).toBe('006A');
  });

  it('keys a payment applied to two invoices by <paymentId>:<invoiceId>', async () => {
    await store.links.put({ kind: 'payment', realmId: 'R1', salesforceId: 'a01A', qboId: '145', linkKey: '145:130' });
    await store.links.put({ kind: 'payment', realmId: 'R1', salesforceId: 'a01B', qboId: '145', linkKey: '145:131' });
    expect((await store.links.findByQboId('payment', 'R1', '145')).map((l) => l.linkKey)).toEqual(['145:130', '145:131']);
    expect(await store.links.remove('payment', 'R1', '145:130')).toBe(true);
    expect(await store.links.remove('payment', 'R1', '145:130')).toBe(false);
    expect(await store.links.get('payment', 'R1', '145:130')).toBeUndefined();
  });

  it('refuses an unknown kind at the database', async () => {
    await expect(
      store.db.query(
        `insert into record_links (kind, realm_id, link_key, salesforce_id, qbo_id, created_at, updated_at)
         values ('vendor', 'R1', 'k', 's', 'q', 'x', 'x')`,
      ),
    ).rejects.toMatchObject({ name: 'SqlError', kind: 'check_violation' });
  });
});
