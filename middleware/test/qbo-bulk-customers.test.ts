import { randomBytes } from 'node:crypto';
import { createLedgerline, type Ledgerline } from '../src/container';
import { startQboEmulator, DEFAULT_REALM, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { AppError } from '../src/errors';
import { createLogger } from '../src/logger';
import { BatchCreator, type Creator } from '../src/quickbooks/batch-creator';
import { tokensFromIntuit } from '../src/quickbooks/tokens';
import type { QboCompany, QboEntity } from '../src/quickbooks/api';
import { CustomerResolver, type CustomerLinks, type LinkedCustomer } from '../src/services/invoicing/customer-resolver';
import type { SfAccount } from '../src/sync/source';
import { createTestDatabase, type TestDatabase } from '../src/store/test-databases';
import { qboOnlyConfig } from './support/qbo-only-config';

/**
 * Customers in bulk and full batches, through the product's QboApi (real HTTP, real tokens) against the QBO
 * emulator with Intuit's limits: the look-ups of Accounts resolved together go as `Query` items of one
 * batch request; their customers are created at once, each as a plain create with its requestid (a customer
 * create never waits for a batch slot, and rides only in a batch of invoices leaving at that moment); a lost
 * answer is followed by a look-up, never a second customer; and a partial batch of invoices keeps gathering
 * until the company's next batch slot.
 */
type Rec = Record<string, any>;
const logger = createLogger({ level: 'silent' });

class MemoryLinks implements CustomerLinks {
  readonly links = new Map<string, LinkedCustomer & { how: string }>();
  async findCustomer(realmId: string, accountId: string) {
    return this.links.get(`${realmId}:${accountId}`);
  }
  async saveCustomer(realmId: string, accountId: string, customer: { id: string; displayName: string; currency: string | null }, how: string) {
    this.links.set(`${realmId}:${accountId}`, { ...customer, how });
  }
}

describe('customers in bulk and full batches against the QBO emulator', () => {
  let db: TestDatabase;
  let qbo: QboEmulator;
  let app: Ledgerline;
  let company: QboCompany;
  let itemId: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    qbo = await startQboEmulator({ port: 0 });
    app = await createLedgerline(qboOnlyConfig({ databaseUrl: db.url, qbo, encryptionKey: randomBytes(32).toString('base64'), apiKeyPrefix: 'bulk-test-key' }), { logger });
    await app.store.connections.connect({ realmId: DEFAULT_REALM, billingEntity: 'Default', ...tokensFromIntuit(qbo.control.issueTokens(DEFAULT_REALM), Date.now()) });
    company = app.qbo.company(DEFAULT_REALM);
    itemId = String((qbo.control.list(DEFAULT_REALM, 'Item') as Rec[])[0]!.Id);
  });
  afterAll(async () => {
    await app?.stop(0);
    await qbo?.close();
    await db?.drop();
  });
  beforeEach(() => {
    qbo.control.clearFaults();
    qbo.control.resetCounters();
  });

  const account = (tag: string, n: number): SfAccount => ({ Id: `001BULK${tag}${String(n).padStart(8, '0')}`, Name: `Bulk ${tag} Customer ${n} Ltd` }) as SfAccount;
  const customersNamed = (name: string) => (qbo.control.list(DEFAULT_REALM, 'Customer') as Rec[]).filter((c) => c.DisplayName === name);

  it('looks up the Accounts resolved together with batch queries and creates their customers at once as plain creates', async () => {
    const creator = new BatchCreator({ logger });
    const links = new MemoryLinks();
    const resolver = new CustomerResolver(links, { maxLength: 500 }, undefined, creator);
    const buyer = String((qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'Bulk A Known Buyer' }) as Rec).Id);
    qbo.control.resetCounters();
    // Invoices of known customers waiting at the same moment: the look-ups ride along in their batch.
    const invoices = Array.from({ length: 5 }, (_v, i) => creator.create<Rec>(company, 'Invoice', { CustomerRef: { value: buyer }, Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10, SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: 10 } }] }, `ll-inv-bulk-a-${i}`));
    const accounts = Array.from({ length: 12 }, (_v, i) => account('A', i + 1));
    const resolved = await Promise.all(accounts.map((a, i) => resolver.resolve(company, a, `ap${i + 1}@bulk-a.example`, null)));
    expect(new Set((await Promise.all(invoices)).map((i) => i.Id)).size).toBe(5);
    const counters = qbo.control.counters();
    // One batch of 5 invoices and the look-ups (names and e-mails, two Query items); then no batch of
    // invoices is leaving, so the 12 customers are created at once, each a plain create with its requestid.
    expect(counters.byOperation['*.batch']).toBe(1);
    expect(counters.byOperation['Customer.query'] ?? 0).toBe(0);
    expect(counters.byOperation['Customer.create']).toBe(12);
    expect(counters.total).toBe(13);
    expect(creator.stats).toMatchObject({ batches: 1, batchedItems: 5, lookupItems: 2, single: 12 });
    expect(qbo.control.counters().replayed).toBe(0);
    expect(resolved.every((r) => r.created && r.how === 'created')).toBe(true);
    expect(new Set(resolved.map((r) => r.customer.id)).size).toBe(12);
    for (const a of accounts) expect(customersNamed(a.Name)).toHaveLength(1);
    expect(links.links.size).toBe(12);
    // Known now: the same Accounts again cost no QBO call at all (the links carry name and currency).
    qbo.control.resetCounters();
    const again = await Promise.all(accounts.map((a, i) => resolver.resolve(company, a, `ap${i + 1}@bulk-a.example`, null)));
    expect(again.map((r) => r.customer.id)).toEqual(resolved.map((r) => r.customer.id));
    expect(qbo.control.counters().total).toBe(0);
  });

  it('sends look-ups with no create to ride along with as plain in (…) queries, sparing the batch budget', async () => {
    const creator = new BatchCreator({ logger });
    const resolver = new CustomerResolver(new MemoryLinks(), { maxLength: 500 }, undefined, creator);
    const accounts = Array.from({ length: 12 }, (_v, i) => account('E', i + 1));
    await Promise.all(accounts.map((a, i) => resolver.resolve(company, a, `ap${i + 1}@bulk-e.example`, null)));
    // 12 Accounts: one query by name, one by e-mail, then 12 plain creates (no batch of invoices to ride in).
    expect(qbo.control.counters().byOperation).toEqual({ 'Customer.query': 2, 'Customer.create': 12 });
    for (const a of accounts) expect(customersNamed(a.Name)).toHaveLength(1);
  });

  it('finds an existing customer by name in the batch look-up, and creates only the missing ones', async () => {
    const existing = qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'Bulk B Customer 1 Ltd' }) as Rec;
    const taken = qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'bulk b customer 2 ltd' }) as Rec;
    const resolver = new CustomerResolver(new MemoryLinks(), { maxLength: 500 }, undefined, new BatchCreator({ logger }));
    const [first, second, third] = await Promise.all([1, 2, 3].map((n) => resolver.resolve(company, account('B', n), `ap${n}@bulk-b.example`, null)));
    expect(first).toMatchObject({ how: 'name', created: false, customer: { id: String(existing.Id) } });
    // QBO compares names without regard to case, and so does the hand-out of the batch's rows.
    expect(second).toMatchObject({ how: 'name', created: false, customer: { id: String(taken.Id) } });
    expect(third).toMatchObject({ how: 'created', created: true });
    // Two look-ups (by name, by e-mail, for all three Accounts); the one create went alone, as a plain create with its requestid.
    expect(qbo.control.counters().byOperation).toEqual({ 'Customer.query': 2, 'Customer.create': 1 });
  });

  it('after lost create answers the retry looks the customers up before creating: no duplicate customer', async () => {
    const batching = new BatchCreator({ resendDelayMs: 10, logger });
    let armed = false;
    // Loses the answers of the three customer creates (each a plain create), not of the look-ups.
    const creator: Creator = {
      create: <T>(c: QboCompany, entity: QboEntity, body: object, requestId: string) => {
        if (!armed) {
          armed = true;
          qbo.control.injectFault({ kind: 'lost-response', mode: '500', entity: 'Customer', operation: 'create', times: 3 });
        }
        return batching.create<T>(c, entity, body, requestId);
      },
      find: (c, entity, field, values) => batching.find(c, entity, field, values),
    };
    const links = new MemoryLinks();
    const resolver = new CustomerResolver(links, { maxLength: 500 }, undefined, creator);
    const accounts = [1, 2, 3].map((n) => account('C', n));
    const first = await Promise.allSettled(accounts.map((a) => resolver.resolve(company, a, null, null)));
    expect(first.every((o) => o.status === 'rejected' && (o.reason as AppError).retryable)).toBe(true);
    expect(links.links.size).toBe(0);
    // QuickBooks did create them: the answer was lost, not the work.
    for (const a of accounts) expect(customersNamed(a.Name)).toHaveLength(1);
    const retried = await Promise.all(accounts.map((a) => resolver.resolve(company, a, null, null)));
    expect(retried.every((r) => !r.created && r.how === 'name')).toBe(true);
    for (const [i, a] of accounts.entries()) {
      expect(customersNamed(a.Name)).toHaveLength(1);
      expect(retried[i]!.customer.id).toBe(String(customersNamed(a.Name)[0]!.Id));
    }
    expect(batching.stats).toMatchObject({ batches: 0, resent: 0 });
  });

  it('lets customer creates ride in a batch of invoices leaving now; after its lost answer the retry looks them up: no duplicate', async () => {
    const batching = new BatchCreator({ resendDelayMs: 10, logger });
    const buyer = String((qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'Bulk R Known Buyer' }) as Rec).Id);
    const links = new MemoryLinks();
    const resolver = new CustomerResolver(links, { maxLength: 500 }, undefined, batching);
    const accounts = [1, 2].map((n) => account('R', n));
    // The look-ups go first (plain queries), then the customers' creates come with invoices of known
    // customers: one batch, invoices first, the customers in the room left over. Its answer (and that of its
    // resend with the same requestid) is lost.
    const invoiceBody = { CustomerRef: { value: buyer }, Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10, SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: 10 } }] };
    const riding: Creator = {
      create: <T>(c: QboCompany, entity: QboEntity, body: object, requestId: string) => {
        if (entity === 'Customer' && requestId.endsWith('R00000001-0')) {
          qbo.control.injectFault({ kind: 'lost-response', mode: '500', operation: 'batch', times: 2 });
          void Promise.allSettled([1, 2, 3].map((n) => batching.create(c, 'Invoice', invoiceBody, `ll-inv-bulk-r-${n}`)));
        }
        return batching.create<T>(c, entity, body, requestId);
      },
      find: (c, entity, field, values) => batching.find(c, entity, field, values),
    };
    const first = await Promise.allSettled(accounts.map((a) => new CustomerResolver(links, { maxLength: 500 }, undefined, riding).resolve(company, a, null, null)));
    expect(first.every((o) => o.status === 'rejected' && (o.reason as AppError).retryable)).toBe(true);
    expect(qbo.control.counters().byOperation['*.batch']).toBe(2);
    expect(qbo.control.counters().byOperation['Customer.create'] ?? 0).toBe(0);
    expect(batching.stats).toMatchObject({ batches: 0, resent: 1 });
    for (const a of accounts) expect(customersNamed(a.Name)).toHaveLength(1);
    const retried = await Promise.all(accounts.map((a) => resolver.resolve(company, a, null, null)));
    expect(retried.every((r) => !r.created && r.how === 'name')).toBe(true);
    for (const a of accounts) expect(customersNamed(a.Name)).toHaveLength(1);
  });

  it('a create refused as a duplicate name (another process created the customer meanwhile) is linked, not created under a second name', async () => {
    const batching = new BatchCreator({ logger });
    // The look-ups find nothing; then "another process" creates both customers just before this one's batch create.
    const racing: Creator = {
      create: <T>(c: QboCompany, entity: QboEntity, body: object, requestId: string) => {
        const name = String((body as Rec).DisplayName);
        if (customersNamed(name).length === 0) qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: name });
        return batching.create<T>(c, entity, body, requestId);
      },
      find: (c, entity, field, values) => batching.find(c, entity, field, values),
    };
    const resolver = new CustomerResolver(new MemoryLinks(), { maxLength: 500 }, undefined, racing);
    const [a, b] = [account('D', 1), account('D', 2)];
    const [ra, rb] = await Promise.all([resolver.resolve(company, a, null, null), resolver.resolve(company, b, null, null)]);
    expect([ra.how, rb.how]).toEqual(['name', 'name']);
    expect(customersNamed(a.Name)).toHaveLength(1);
    expect(customersNamed(b.Name)).toHaveLength(1);
    expect((qbo.control.list(DEFAULT_REALM, 'Customer') as Rec[]).filter((c) => String(c.DisplayName).startsWith('Bulk D'))).toHaveLength(2);
  });

  it('two new Accounts of one name created together get a customer each: the refused one takes the disambiguated name', async () => {
    const links = new MemoryLinks();
    const linked: CustomerLinks = {
      findCustomer: (realmId, accountId) => links.findCustomer(realmId, accountId),
      saveCustomer: (realmId, accountId, customer, how) => links.saveCustomer(realmId, accountId, customer, how),
      accountsLinkedTo: async (realmId, customerId) => [...links.links].filter(([key, c]) => key.startsWith(`${realmId}:`) && c.id === customerId).map(([key]) => key.slice(realmId.length + 1)),
    };
    const resolver = new CustomerResolver(linked, { maxLength: 500 }, undefined, new BatchCreator({ logger }));
    const [a, b] = [account('T', 1), { ...account('U', 1), Name: account('T', 1).Name }];
    const [ra, rb] = await Promise.all([resolver.resolve(company, a, null, null), resolver.resolve(company, b, null, null)]);
    expect(ra.customer.id).not.toBe(rb.customer.id);
    expect([ra.created, rb.created]).toEqual([true, true]);
    expect(customersNamed(a.Name)).toHaveLength(1);
    expect((qbo.control.list(DEFAULT_REALM, 'Customer') as Rec[]).filter((c) => String(c.DisplayName).startsWith(a.Name))).toHaveLength(2);
  });

  it('keeps gathering a partial batch until the next batch slot instead of sending each late create alone', async () => {
    const creator = new BatchCreator({ batchesPerMinute: 36, logger });
    const customer = String((qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'Full Batch Buyer' }) as Rec).Id);
    const invoice = (note: string) => ({ CustomerRef: { value: customer }, PrivateNote: note, Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10, SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: 10 } }] });
    const made: Array<Promise<Rec>> = [];
    made.push(creator.create<Rec>(company, 'Invoice', invoice('full first 1'), 'll-inv-full-first-1'), creator.create<Rec>(company, 'Invoice', invoice('full first 2'), 'll-inv-full-first-2'));
    // Then six more, each arriving 100 ms after the one before (longer than any fixed gathering window).
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      made.push(creator.create<Rec>(company, 'Invoice', invoice(`full late ${i}`), `ll-inv-full-late-${i}`));
    }
    const invoices = await Promise.all(made);
    expect(new Set(invoices.map((i) => i.Id)).size).toBe(8);
    expect(qbo.control.counters().byOperation['*.batch']).toBe(2);
    expect(qbo.control.counters().byOperation['Invoice.create'] ?? 0).toBe(0);
    expect(creator.stats).toMatchObject({ batches: 2, batchedItems: 8, single: 0 });
  });

  it('sends a lone create at once as a plain create with its requestid when nothing else is waiting', async () => {
    const creator = new BatchCreator({ batchesPerMinute: 36, logger });
    const customer = String((qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'Lone Buyer' }) as Rec).Id);
    const made = await creator.create<Rec>(company, 'Invoice', { CustomerRef: { value: customer }, Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10, SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: 1, UnitPrice: 10 } }] }, 'll-inv-lone-1');
    expect(made.Id).toBeTruthy();
    expect(qbo.control.counters().byOperation).toEqual({ 'Invoice.create': 1 });
    expect(creator.stats).toMatchObject({ batches: 0, single: 1 });
  });
});
