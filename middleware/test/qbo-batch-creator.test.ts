import { randomBytes } from 'node:crypto';
import { createLedgerline, type Ledgerline } from '../src/container';
import { startQboEmulator, DEFAULT_REALM, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { AppError } from '../src/errors';
import { createLogger } from '../src/logger';
import { BatchCreator, batchRequestId } from '../src/quickbooks/batch-creator';
import { QboApi } from '../src/quickbooks/api';
import { isQboFaultCode } from '../src/quickbooks/errors';
import { TokenManager, tokensFromIntuit } from '../src/quickbooks/tokens';
import { createTestDatabase, type TestDatabase } from '../src/store/test-databases';
import { qboOnlyConfig } from './support/qbo-only-config';

/**
 * Invoices gathered into QBO batch requests, through the product's QboApi (real HTTP, real tokens) against
 * the QBO emulator: each caller gets its own invoice or its own error, a lost answer is resent with the
 * same requestid and replayed (never created twice), and Intuit's 30-item limit holds.
 */
type Rec = Record<string, any>;
const logger = createLogger({ level: 'silent' });

describe('BatchCreator against the QBO emulator', () => {
  let db: TestDatabase;
  let qbo: QboEmulator;
  let app: Ledgerline;
  let customerId: string;
  let itemId: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    qbo = await startQboEmulator({ port: 0 });
    app = await createLedgerline(
      qboOnlyConfig({ databaseUrl: db.url, qbo, encryptionKey: randomBytes(32).toString('base64'), apiKeyPrefix: 'batch-test-key' }),
      { logger },
    );
    await app.store.connections.connect({ realmId: DEFAULT_REALM, billingEntity: 'Default', ...tokensFromIntuit(qbo.control.issueTokens(DEFAULT_REALM), Date.now()) });
    customerId = String((qbo.control.create(DEFAULT_REALM, 'Customer', { DisplayName: 'Batch Buyer Ltd' }) as Rec).Id);
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

  const invoice = (n: number, customer = customerId) => ({
    CustomerRef: { value: customer },
    PrivateNote: `batch test ${n}`,
    Line: [{ DetailType: 'SalesItemLineDetail', Amount: 10 * n, SalesItemLineDetail: { ItemRef: { value: itemId }, Qty: n, UnitPrice: 10 } }],
  });
  const invoicesNoted = (prefix: string) => (qbo.control.list(DEFAULT_REALM, 'Invoice') as Rec[]).filter((i) => String(i.PrivateNote).startsWith(prefix));

  it('sends concurrent creates as one batch request and hands each caller its own invoice', async () => {
    const creator = new BatchCreator({ logger });
    const company = app.qbo.company(DEFAULT_REALM);
    const made = await Promise.all(Array.from({ length: 12 }, (_v, i) => creator.create<Rec>(company, 'Invoice', { ...invoice(i + 1), PrivateNote: `one-batch ${i + 1}` }, `ll-inv-test-a${i}-0`)));
    const counters = qbo.control.counters();
    expect(counters.byOperation['*.batch']).toBe(1);
    expect(counters.byOperation['Invoice.create'] ?? 0).toBe(0);
    expect(made.map((m) => m.PrivateNote)).toEqual(Array.from({ length: 12 }, (_v, i) => `one-batch ${i + 1}`));
    expect(made.map((m) => m.TotalAmt)).toEqual(Array.from({ length: 12 }, (_v, i) => 10 * (i + 1)));
    expect(new Set(made.map((m) => m.Id)).size).toBe(12);
    expect(invoicesNoted('one-batch ')).toHaveLength(12);
    expect(creator.stats).toMatchObject({ batches: 1, batchedItems: 12, single: 0, resent: 0 });
  });

  it('never puts more than 30 items in a batch', async () => {
    const creator = new BatchCreator({ logger });
    const company = app.qbo.company(DEFAULT_REALM);
    const made = await Promise.all(Array.from({ length: 61 }, (_v, i) => creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: `sixty-one ${i}` }, `ll-inv-test-b${i}-0`)));
    expect(new Set(made.map((m) => m.Id)).size).toBe(61);
    expect(invoicesNoted('sixty-one ')).toHaveLength(61);
    const counters = qbo.control.counters();
    // 30 + 30 in two batches, the last one alone as a plain create.
    expect(counters.byOperation['*.batch']).toBe(2);
    expect(creator.stats).toMatchObject({ batches: 2, batchedItems: 60, single: 1 });
  });

  it('rejects only the item QBO refused, naming it, and creates the others', async () => {
    const creator = new BatchCreator({ logger });
    const company = app.qbo.company(DEFAULT_REALM);
    const outcomes = await Promise.allSettled([
      creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: 'mixed ok 1' }, 'll-inv-test-c1-0'),
      creator.create<Rec>(company, 'Invoice', { ...invoice(2, '987654'), PrivateNote: 'mixed bad' }, 'll-inv-test-c2-0'),
      creator.create<Rec>(company, 'Invoice', { ...invoice(3), PrivateNote: 'mixed ok 3' }, 'll-inv-test-c3-0'),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const error = (outcomes[1] as PromiseRejectedResult).reason as AppError;
    expect(error).toBeInstanceOf(AppError);
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/create Invoice \(batch item 2 of 3\)/);
    expect(error.fix).toBeTruthy();
    expect(invoicesNoted('mixed ')).toHaveLength(2);
  });

  it('resends a batch whose answer was lost with the same requestid: QBO replays it, nothing is created twice', async () => {
    const creator = new BatchCreator({ resendDelayMs: 10, logger });
    const company = app.qbo.company(DEFAULT_REALM);
    qbo.control.injectFault({ kind: 'lost-response', mode: '500', operation: 'batch', times: 1 });
    const made = await Promise.all(Array.from({ length: 5 }, (_v, i) => creator.create<Rec>(company, 'Invoice', { ...invoice(i + 1), PrivateNote: `lost ${i}` }, `ll-inv-test-d${i}-0`)));
    expect(new Set(made.map((m) => m.Id)).size).toBe(5);
    expect(invoicesNoted('lost ')).toHaveLength(5);
    const counters = qbo.control.counters();
    expect(counters.byOperation['*.batch']).toBe(2);
    expect(counters.replayed).toBe(1);
    expect(creator.stats.resent).toBe(1);
  });

  it('sends a throttled batch again after a back-off (not as a lost answer): each caller gets its own invoice, none twice', async () => {
    const creator = new BatchCreator({ resendDelayMs: 10, logger });
    const company = app.qbo.company(DEFAULT_REALM);
    qbo.control.injectFault({ kind: 'throttle', operation: 'batch', times: 1 });
    const made = await Promise.all(Array.from({ length: 4 }, (_v, i) => creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: `backed-off ${i}` }, `ll-inv-test-e${i}-0`)));
    expect(new Set(made.map((m) => m.Id)).size).toBe(4);
    expect(invoicesNoted('backed-off ')).toHaveLength(4);
    expect(qbo.control.counters().throttled).toBe(1);
    expect(qbo.control.counters().byOperation['*.batch']).toBe(2);
    expect(creator.stats.resent).toBe(0);
  });

  it('when QuickBooks keeps answering 429 past the retry window, every caller gets a retryable error and nothing is created', async () => {
    const creator = new BatchCreator({ resendDelayMs: 10, logger });
    const impatient = new QboApi({ ...app.qbo.options, throttleRetryMs: 0 }, new TokenManager(app.store.connections, app.oauth, logger), logger);
    const company = impatient.company(DEFAULT_REALM);
    qbo.control.injectFault({ kind: 'throttle', operation: 'batch', times: 1 });
    const outcomes = await Promise.allSettled(Array.from({ length: 4 }, (_v, i) => creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: `throttled ${i}` }, `ll-inv-test-g${i}-0`)));
    expect(outcomes.every((o) => o.status === 'rejected' && (o.reason as AppError).code === 'QBO_THROTTLED' && (o.reason as AppError).retryable)).toBe(true);
    expect(invoicesNoted('throttled ')).toHaveLength(0);
    expect(creator.stats.resent).toBe(0);
  });

  it('gathers reads by id that come together into one query, and answers an id QuickBooks does not have with its 610 fault', async () => {
    const company = app.qbo.company(DEFAULT_REALM);
    const made = await Promise.all(Array.from({ length: 5 }, (_v, i) => company.create<Rec>('Invoice', { ...invoice(i + 1), PrivateNote: `gathered ${i}` })));
    qbo.control.resetCounters();
    const missing = '987654';
    const reads = await Promise.allSettled([...made.map((m) => company.read<Rec>('Invoice', String(m.Id))), company.read<Rec>('Invoice', missing)]);
    const counters = qbo.control.counters();
    expect(counters.total).toBe(1);
    expect(counters.byOperation['Invoice.query']).toBe(1);
    expect(reads.slice(0, 5).map((r) => (r.status === 'fulfilled' ? r.value.PrivateNote : r.reason))).toEqual(made.map((m) => m.PrivateNote));
    expect(reads.slice(0, 5).every((r) => r.status === 'fulfilled' && r.value.SyncToken !== undefined && Array.isArray(r.value.Line))).toBe(true);
    const last = reads[5]!;
    expect(last.status === 'rejected' && isQboFaultCode(last.reason, '610')).toBe(true);
    // A read on its own is still a plain GET.
    qbo.control.resetCounters();
    expect((await company.read<Rec>('Invoice', String(made[0]!.Id))).PrivateNote).toBe('gathered 0');
    expect(qbo.control.counters().byOperation['Invoice.read']).toBe(1);
  });

  it('sends a create that is alone in its window as a plain create with its own requestid', async () => {
    const creator = new BatchCreator({ logger });
    const company = app.qbo.company(DEFAULT_REALM);
    const first = await creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: 'alone' }, 'll-inv-test-f-0');
    const again = await creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: 'alone' }, 'll-inv-test-f-0');
    expect(again.Id).toBe(first.Id);
    expect(invoicesNoted('alone')).toHaveLength(1);
    expect(qbo.control.counters().byOperation['*.batch'] ?? 0).toBe(0);
    expect(creator.stats.single).toBe(2);
  });

  it('does not hold a lone create or a look-up alone for a batch slot (they go as plain requests)', async () => {
    const creator = new BatchCreator({ logger });
    // Other instances have used the company's batch budget: the next batch slot is a minute away.
    const real = app.qbo.company(DEFAULT_REALM);
    const company = new Proxy(real, { get: (target, key) => (key === 'batchSlotInMs' ? () => 60_000 : Reflect.get(target, key)) });
    const deadline = () => new Promise<string>((resolve) => setTimeout(() => resolve('still waiting after 10 s'), 10_000).unref());
    const made = creator.create<Rec>(company, 'Invoice', { ...invoice(1), PrivateNote: 'lone while slots are used' }, 'll-inv-test-slot-0').then(() => 'sent');
    await expect(Promise.race([made, deadline()])).resolves.toBe('sent');
    const found = creator.find<Rec>(company, 'Customer', 'DisplayName', ['Batch Buyer Ltd']).then((rows) => `found ${rows.length}`);
    await expect(Promise.race([found, deadline()])).resolves.toBe('found 1');
    expect(qbo.control.counters().byOperation['*.batch'] ?? 0).toBe(0);
  });

  it('derives the batch requestid from its items, within the 36 characters QBO takes on a batch', () => {
    const a = batchRequestId([{ requestId: 'll-inv-1-0' }, { requestId: 'll-inv-2-0' }]);
    expect(a).toBe(batchRequestId([{ requestId: 'll-inv-1-0' }, { requestId: 'll-inv-2-0' }]));
    expect(a).not.toBe(batchRequestId([{ requestId: 'll-inv-2-0' }, { requestId: 'll-inv-1-0' }]));
    expect(a.length).toBeLessThanOrEqual(36);
  });

  it('is held to Intuit\'s requestid limits by the emulator: 50 characters, 36 on a batch, bId of 10 with it', async () => {
    const token = String((qbo.control.issueTokens(DEFAULT_REALM) as Rec).access_token);
    const post = async (path: string, requestId: string, body: object) => {
      const res = await fetch(`${qbo.url}/v3/company/${DEFAULT_REALM}/${path}?requestid=${requestId}&minorversion=75`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Rec };
    };
    const item = (bId: string) => ({ BatchItemRequest: [{ bId, operation: 'create', Invoice: invoice(1) }] });
    expect((await post('invoice', 'x'.repeat(51), invoice(1))).status).toBe(400);
    const longBatch = await post('batch', 'y'.repeat(37), item('1'));
    expect(longBatch.status).toBe(400);
    expect(longBatch.body.Fault.Error[0].element).toBe('requestid');
    const longBid = await post('batch', 'z'.repeat(36), item('b'.repeat(11)));
    expect(longBid.status).toBe(400);
    expect(longBid.body.Fault.Error[0].element).toBe('bId');
    expect((await post('batch', 'w'.repeat(36), item('b'.repeat(10)))).status).toBe(200);
  });
});
