import { manualClock, openStore, type Store } from './index';
import { createTestDatabase, testDialects, type TestDatabase } from './test-databases';

describe.each(testDialects())('audit log on %s', (dialect) => {
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

  it('appends entries and finds them by Salesforce id, QBO id and job, newest first', async () => {
    const ids = await store.audit.append([
      { actor: 'sync', action: 'invoice.created', system: 'quickbooks', realmId: 'R1', salesforceId: '006A', qboId: '130', jobId: 'job-1', sourceEvent: 'closed_won' },
      { actor: 'sync', action: 'field.updated', system: 'salesforce', salesforceId: '006A', qboId: '130', field: 'Invoice_Balance__c', oldValue: null, newValue: 1250.5, jobId: 'job-2' },
    ]);
    clock.advance(5000);
    await store.audit.append({ actor: 'webhook', action: 'field.updated', system: 'salesforce', salesforceId: '006B', field: 'Invoice_Balance__c', oldValue: 10, newValue: 0 });
    expect(ids).toHaveLength(2);
    expect((ids[1] as number) > (ids[0] as number)).toBe(true);

    const bySf = await store.audit.query({ salesforceId: '006A' });
    expect(bySf.map((e) => e.action)).toEqual(['field.updated', 'invoice.created']);
    expect(bySf[0]).toMatchObject({ field: 'Invoice_Balance__c', oldValue: null, newValue: '1250.5', qboId: '130' });
    expect((await store.audit.query({ qboId: '130', realmId: 'R1' })).map((e) => e.jobId)).toEqual(['job-1']);
    expect((await store.audit.query({ jobId: 'job-2' }))[0]?.salesforceId).toBe('006A');
    const latest = await store.audit.query({ limit: 1 });
    expect(latest[0]).toMatchObject({ salesforceId: '006B', actor: 'webhook' });
    expect(latest[0]?.at).toEqual(clock());
    const older = await store.audit.query({ beforeId: latest[0]?.id, limit: 10 });
    expect(older).toHaveLength(2);
  });

  it('never records the value of a secret-looking field', async () => {
    await store.audit.append({ actor: 'oauth', action: 'tokens.rotated', system: 'middleware', realmId: 'R1', field: 'refresh_token', oldValue: 'old-secret', newValue: 'new-secret' });
    const [entry] = await store.audit.query({ realmId: 'R1', limit: 1 });
    expect(entry).toMatchObject({ action: 'tokens.rotated', oldValue: '[redacted]', newValue: '[redacted]' });
    const { rows } = await store.db.query('select * from audit_log');
    expect(JSON.stringify(rows)).not.toContain('secret');
  });

  it('is append-only at the database: UPDATE and DELETE are refused', async () => {
    await expect(store.db.query("update audit_log set actor = 'someone else'")).rejects.toThrow(/append-only/);
    await expect(store.db.query('delete from audit_log')).rejects.toThrow(/append-only/);
    expect((await store.audit.query({ limit: 100 })).length).toBe(4);
  });
});
