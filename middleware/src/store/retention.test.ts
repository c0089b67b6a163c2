import { createJobQueue } from '../jobs';
import { manualClock, openStore, type Store } from './index';
import { purgeExpired } from './retention';
import { createTestDatabase, testDialects, type TestDatabase } from './test-databases';

const DAY = 86_400_000;

describe.each(testDialects())('retention on %s', (dialect) => {
  let database: TestDatabase;
  let store: Store;
  const clock = manualClock(new Date('2026-01-01T00:00:00.000Z'));

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    store = await openStore(database.url, { now: clock });
  });
  afterAll(async () => {
    await store.close();
    await database.drop();
  });

  it('deletes history older than its policy, keeps the rest, and the audit log stays append-only after its horizon', async () => {
    const queue = createJobQueue(store, { now: clock });
    // 400 days ago: a processed and a pending webhook event, a completed and a dead job, an audit entry, an abandoned connect.
    const [processed, pending] = (await store.inbox.record([1, 2].map((n) => ({ realmId: '1', entity: 'Invoice', entityId: String(n), operation: 'Update', changeTime: `2024-12-0${n}T00:00:00Z`, rawPayload: {} })))).stored;
    await store.inbox.markProcessed([processed!.id]);
    const done = (await queue.enqueue({ type: 'old.done', payload: {} })).job;
    await queue.claim('w', ['old.done'], 60_000);
    await queue.complete(done.id);
    const dead = (await queue.enqueue({ type: 'old.dead', payload: {}, maxAttempts: 1 })).job;
    await queue.claim('w', ['old.dead'], 60_000);
    await queue.fail(dead.id, new Error('needs a person'));
    await store.audit.append({ actor: 'sync', action: 'invoice.created', system: 'quickbooks', qboId: '1' });
    await store.settings.set('oauth-state:abandoned', { billingEntity: 'Default', expiresAt: 0 });
    await store.settings.set('default-entity', 'Default');

    clock.advance(400 * DAY);
    await store.audit.append({ actor: 'sync', action: 'invoice.created', system: 'quickbooks', qboId: '2' });
    const purged = await purgeExpired(store, queue, { webhookDays: 30, jobDays: 30, auditDays: 365 }, clock());

    expect(purged).toEqual({ webhookEvents: 1, jobs: 1, auditEntries: 1, oauthStates: 1 });
    expect(await store.inbox.get(processed!.id)).toBeUndefined();
    expect(await store.inbox.get(pending!.id)).toBeDefined();
    expect(await queue.get(done.id)).toBeUndefined();
    expect((await queue.get(dead.id))?.state).toBe('dead');
    expect((await store.audit.query({ limit: 10 })).map((e) => e.qboId)).toEqual(['2']);
    expect(await store.settings.get('oauth-state:abandoned')).toBeUndefined();
    expect(await store.settings.get('default-entity')).toBe('Default');
    // Newer entries stay undeletable, and no entry can be changed.
    await expect(store.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    await expect(store.db.query("update audit_log set actor = 'x'")).rejects.toThrow(/append-only/);
    // The horizon never moves back.
    expect(await store.audit.purgeBefore(new Date('2020-01-01T00:00:00.000Z'))).toBe(0);
    await expect(store.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
  });

  it('keeps the audit log forever with auditDays 0', async () => {
    clock.advance(10_000 * DAY);
    const purged = await purgeExpired(store, createJobQueue(store, { now: clock }), { webhookDays: 30, jobDays: 30, auditDays: 0 }, clock());
    expect(purged.auditEntries).toBe(0);
    expect(await store.audit.query({ limit: 10 })).toHaveLength(1);
  });
});
