import { manualClock, openStore, type InboxEventInput, type Store } from './index';
import { createTestDatabase, testDialects, type TestDatabase } from './test-databases';

function event(overrides: Partial<InboxEventInput> = {}): InboxEventInput {
  return {
    realmId: '9341453145470955',
    entity: 'Invoice',
    entityId: '130',
    operation: 'Update',
    changeTime: '2025-01-01T10:00:00.000Z',
    rawPayload: { name: 'Invoice', id: '130', operation: 'Update', lastUpdated: '2025-01-01T10:00:00.000Z' },
    ...overrides,
  };
}

describe.each(testDialects())('webhook inbox on %s', (dialect) => {
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

  it('stores each change once: a redelivered event is counted as a duplicate', async () => {
    const first = await store.inbox.record([event(), event({ entity: 'Payment', entityId: '145', operation: 'Create' })]);
    expect(first.duplicates).toBe(0);
    expect(first.stored.map((e) => e.entityId)).toEqual(['130', '145']);
    expect(first.stored[0]?.rawPayload).toEqual(event().rawPayload);

    const redelivery = await store.inbox.record([event(), event({ changeTime: '2025-01-01T10:05:00.000Z' })]);
    expect(redelivery.duplicates).toBe(1);
    expect(redelivery.stored.map((e) => e.changeTime)).toEqual(['2025-01-01T10:05:00.000Z']);
    const { rows } = await store.db.query<{ n: number }>('select count(*) as n from webhook_inbox');
    expect(rows[0]?.n).toBe(3);
  });

  it('treats the same change in another company or operation as new', async () => {
    const result = await store.inbox.record([event({ realmId: 'other' }), event({ operation: 'Void' }), event()]);
    expect(result).toMatchObject({ duplicates: 1 });
    expect(result.stored).toHaveLength(2);
  });

  it('lists pending events oldest first and marks them processed once', async () => {
    const pending = await store.inbox.pending(10);
    expect(pending).toHaveLength(5);
    expect(pending.map((e) => e.id)).toEqual([...pending.map((e) => e.id)].sort((a, b) => a - b));
    const ids = pending.slice(0, 2).map((e) => e.id);
    clock.advance(1000);
    expect(await store.inbox.markProcessed(ids)).toBe(2);
    expect(await store.inbox.markProcessed(ids)).toBe(0);
    expect((await store.inbox.get(ids[0] as number))?.processedAt).toEqual(clock());
    expect(await store.inbox.pending(10)).toHaveLength(3);
  });

  it('purges processed events older than the cut-off only', async () => {
    expect(await store.inbox.purgeProcessed(new Date(clock().getTime() - 60_000))).toBe(0);
    expect(await store.inbox.purgeProcessed(new Date(clock().getTime() + 60_000))).toBe(2);
    expect(await store.inbox.pending(10)).toHaveLength(3);
  });
});
