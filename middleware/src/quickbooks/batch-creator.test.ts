import { AppError } from '../errors';
import { createLogger } from '../logger';
import { Batcher } from '../util/batcher';
import { Gathering } from '../util/gathering';
import type { QboCompany } from './api';
import { BatchCreator } from './batch-creator';

/**
 * The batch creator's decisions, against a recording company whose answers the test hands out: a customer
 * create never waits for a batch slot (it rides a batch of invoices leaving now, in the room left over, or
 * goes alone at once with its requestid), and on shutdown what is gathered goes at once and is answered
 * before drain() resolves.
 */
type Rec = Record<string, unknown>;
const logger = createLogger({ level: 'silent' });

interface Sent {
  kind: 'batch' | 'create' | 'query';
  /** Batch: `Entity` of each create item, `Query` for a look-up item. Create: the entity. */
  items: string[];
  requestId?: string;
  answer: () => void;
}

function recordingCompany(options: { slotInMs?: () => number; hold?: boolean } = {}) {
  const sent: Sent[] = [];
  let next = 1;
  const deliver = <T>(entry: Omit<Sent, 'answer'>, value: () => T): Promise<T> =>
    new Promise<T>((resolve) => {
      const record: Sent = { ...entry, answer: () => resolve(value()) };
      sent.push(record);
      if (!options.hold) record.answer();
    });
  const company = {
    realmId: 'realm-1',
    batchSlotInMs: () => options.slotInMs?.() ?? 0,
    create: (entity: string, body: Rec, requestId: string) => deliver({ kind: 'create', items: [entity], requestId }, () => ({ ...body, Id: String(next++) })),
    query: (entity: string) => deliver({ kind: 'query', items: [entity] }, () => []),
    batch: (items: Rec[], requestId: string) => {
      const entityOf = (i: Rec) => (i.Query ? 'Query' : Object.keys(i).find((k) => k !== 'bId' && k !== 'operation')!);
      return deliver({ kind: 'batch', items: items.map(entityOf), requestId }, () => ({
        BatchItemResponse: items.map((i) => (i.Query ? { bId: i.bId, QueryResponse: {} } : { bId: i.bId, [entityOf(i)]: { ...(i[entityOf(i)] as Rec), Id: String(next++) } })),
      }));
    },
  };
  return { company: company as unknown as QboCompany, sent };
}

/** Resolves with the value, or with `still waiting` after a generous deadline (the old rule held these for a slot). */
function within<T>(promise: Promise<T>, ms = 10_000): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)))]).finally(() => clearTimeout(timer));
}

const invoice = (n: number) => ({ CustomerRef: { value: '1' }, PrivateNote: `invoice ${n}` });
const customer = (n: number) => ({ DisplayName: `Customer ${n}` });

describe('BatchCreator: a customer create never waits for a batch slot', () => {
  it('sends a customer create at once, alone with its requestid, while invoice creates wait for their batch slot', async () => {
    // The gate has no batch slot for a minute: the invoices keep gathering.
    const { company, sent } = recordingCompany({ slotInMs: () => 60_000 });
    const creator = new BatchCreator({ logger });
    const invoices = [1, 2, 3].map((n) => creator.create<Rec>(company, 'Invoice', invoice(n), `ll-inv-${n}-0`));
    const made = creator.create<Rec>(company, 'Customer', customer(1), 'll-cus-001A-0');
    await expect(within(made.then((c) => c.DisplayName))).resolves.toBe('Customer 1');
    expect(sent.map((s) => [s.kind, s.items, s.requestId])).toEqual([['create', ['Customer'], 'll-cus-001A-0']]);
    expect(creator.stats).toMatchObject({ batches: 0, single: 1 });
    // The invoices are still gathered; on shutdown they go.
    expect(await creator.drain(10_000)).toBe(true);
    expect((await Promise.all(invoices)).map((i) => i.PrivateNote)).toEqual(['invoice 1', 'invoice 2', 'invoice 3']);
    expect(sent.map((s) => [s.kind, s.items])).toEqual([['create', ['Customer']], ['batch', ['Invoice', 'Invoice', 'Invoice']]]);
  });

  it('lets customer creates ride in a batch of invoice creates leaving now, after the invoices, in the room left over', async () => {
    const { company, sent } = recordingCompany();
    const creator = new BatchCreator({ logger });
    // The customers come first, 28 invoices after them in the same turn: room for two customers, not three.
    const customers = [1, 2, 3].map((n) => creator.create<Rec>(company, 'Customer', customer(n), `ll-cus-00${n}B-0`));
    const invoices = Array.from({ length: 28 }, (_v, i) => creator.create<Rec>(company, 'Invoice', invoice(i + 1), `ll-inv-b${i}-0`));
    const made = await within(Promise.all([...customers, ...invoices]));
    expect(made).not.toBe('still waiting');
    expect(sent.map((s) => [s.kind, s.items])).toEqual([
      ['batch', [...Array(28).fill('Invoice'), 'Customer', 'Customer']],
      ['create', ['Customer']],
    ]);
    expect(sent[1]!.requestId).toBe('ll-cus-003B-0');
    expect(creator.stats).toMatchObject({ batches: 1, batchedItems: 30, single: 1 });
  });

  it('never lets customer creates make a batch: alone, or with a single invoice, each goes as a plain create', async () => {
    const { company, sent } = recordingCompany();
    const creator = new BatchCreator({ logger });
    await within(Promise.all(Array.from({ length: 12 }, (_v, n) => creator.create<Rec>(company, 'Customer', customer(n), `ll-cus-0${n}C-0`))));
    expect(sent.map((s) => s.kind)).toEqual(Array(12).fill('create'));
    sent.length = 0;
    await within(Promise.all([creator.create<Rec>(company, 'Invoice', invoice(1), 'll-inv-c-0'), creator.create<Rec>(company, 'Customer', customer(99), 'll-cus-099C-0')]));
    expect(sent.map((s) => [s.kind, s.items]).sort()).toEqual([['create', ['Customer']], ['create', ['Invoice']]]);
    expect(creator.stats).toMatchObject({ batches: 0, single: 14 });
  });

  it('does not let a customer create ride in a full batch the gate holds back: it goes alone at once', async () => {
    let slot = 0;
    const { company, sent } = recordingCompany({ slotInMs: () => slot });
    const creator = new BatchCreator({ logger });
    // A customer, then 31 invoices: the first 30 make a full batch that goes at once whatever the slot
    // says (the gate holds it back); the customer does not wait in it.
    slot = 60_000;
    const made = creator.create<Rec>(company, 'Customer', customer(1), 'll-cus-001D-0');
    const invoices = Array.from({ length: 31 }, (_v, i) => creator.create<Rec>(company, 'Invoice', invoice(i + 1), `ll-inv-d${i}-0`));
    await expect(within(made.then(() => 'created'))).resolves.toBe('created');
    expect(sent.map((s) => [s.kind, s.items.length])).toEqual([['batch', 30], ['create', 1]]);
    expect(await creator.drain(10_000)).toBe(true);
    expect(new Set((await Promise.all(invoices)).map((i) => i.Id)).size).toBe(31);
  });
});

describe('BatchCreator: a burst\u2019s partial batch and the next wave', () => {
  const invoices = (from: number, count: number) => Array.from({ length: count }, (_v, i) => from + i);
  const setup = (moreComing: () => boolean) => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const reads = new Batcher<string, number>(async (keys) => new Map(keys.map((k) => [k, k.length] as [string, number])), { maxBatch: 200, windowMs: 1, gathering });
    const { company, sent } = recordingCompany();
    // Counts the holds the creator takes on the gathering (a caller's job marked as waiting).
    const held = { count: 0 };
    const counted = { holder: () => { const take = gathering.holder(); return () => { held.count += 1; return take(); }; } };
    const creator = new BatchCreator({ logger, gathering: counted, moreComing });
    const createAll = (jobId: string, numbers: number[]) =>
      gathering.job(jobId, () => Promise.all(numbers.map((n) => creator.create<Rec>(company, 'Invoice', invoice(n), `ll-inv-w${n}-0`))));
    return { gathering, reads, company, sent, creator, createAll, held };
  };

  it('while more jobs are due, the remainder waits for the next wave and its job counts as waiting, so another job\u2019s Salesforce read goes', async () => {
    const { gathering, reads, sent, creator, createAll } = setup(() => true);
    // A wave: one full batch leaves at once, two invoices are left over.
    const full = createAll('j0', invoices(1, 30));
    const remainder = createAll('j1', invoices(31, 2));
    await full;
    // Another job of the wave reads from Salesforce while the remainder is held back for the next wave.
    await expect(within(gathering.job('j2', () => reads.load('abcd')))).resolves.toBe(4);
    expect(gathering.flushes.maxWait).toBe(0);
    expect(sent.map((s) => s.items.length)).toEqual([30]);
    // The next wave's creates join the remainder: one full batch, not a partial one of its own, and it goes at once.
    const next = createAll('j3', invoices(33, 28));
    expect(await within(remainder, 3_000)).toHaveLength(2);
    expect(await next).toHaveLength(28);
    expect(sent.map((s) => [s.kind, s.items.length])).toEqual([['batch', 30], ['batch', 30]]);
    expect(gathering.state).toEqual({ running: 0, waiting: 0 });
    expect(await creator.drain(10_000)).toBe(true);
  });

  it('while the remainder waits for the next wave, a customer look-up does not: it goes at once as a plain query', async () => {
    const { sent, creator, createAll, gathering, company } = setup(() => true);
    await createAll('j0', invoices(1, 30));
    const remainder = createAll('j1', invoices(31, 2));
    const rows = await within(gathering.job('j2', () => creator.find<Rec>(company, 'Customer', 'DisplayName', ['Acme GmbH'])));
    expect(rows).toEqual([]);
    expect(sent.map((s) => [s.kind, s.items.length])).toEqual([['batch', 30], ['query', 1]]);
    expect(await creator.drain(10_000)).toBe(true);
    expect(await remainder).toHaveLength(2);
  });

  it('when no more jobs are due, the remainder goes on its own soon and its job never counted as waiting', async () => {
    const { sent, createAll, held } = setup(() => false);
    await createAll('j0', invoices(1, 30));
    expect(await within(createAll('j1', invoices(31, 2)))).toHaveLength(2);
    expect(sent.map((s) => s.items.length)).toEqual([30, 2]);
    expect(held.count).toBe(0);
  });
});

describe('BatchCreator on shutdown', () => {
  it('drain() sends what is gathered at once, ignoring the spacing, and resolves only once it is answered', async () => {
    const { company, sent } = recordingCompany({ hold: true });
    // One batch a minute: after the first batch the next one would wait a minute.
    const creator = new BatchCreator({ batchesPerMinute: 1, logger });
    const first = [1, 2].map((n) => creator.create<Rec>(company, 'Invoice', invoice(n), `ll-inv-e${n}-0`));
    await within(new Promise<void>((resolve) => { const poll = () => (sent.length > 0 ? resolve() : setTimeout(poll, 5)); poll(); }));
    sent[0]!.answer();
    await Promise.all(first);
    const gathered = [3, 4].map((n) => creator.create<Rec>(company, 'Invoice', invoice(n), `ll-inv-e${n}-0`));
    const lookup = creator.find<Rec>(company, 'Customer', 'DisplayName', ['Customer 7']);
    let drained: boolean | undefined;
    const draining = creator.drain(10_000).then((done) => (drained = done));
    // Sent at once (not a minute later), as one batch with the look-up riding along.
    expect(sent.map((s) => [s.kind, s.items])).toEqual([['batch', ['Invoice', 'Invoice']], ['batch', ['Invoice', 'Invoice', 'Query']]]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(drained).toBeUndefined();
    sent[1]!.answer();
    await draining;
    expect(drained).toBe(true);
    expect((await Promise.all(gathered)).map((i) => i.PrivateNote)).toEqual(['invoice 3', 'invoice 4']);
    await expect(lookup).resolves.toEqual([]);
  });

  it('after hurry() later arrivals go at once; after drain() creates and look-ups are refused with a retryable error, nothing sent', async () => {
    const { company, sent } = recordingCompany();
    const creator = new BatchCreator({ batchesPerMinute: 1, logger });
    await Promise.all([1, 2].map((n) => creator.create<Rec>(company, 'Invoice', invoice(n), `ll-inv-f${n}-0`)));
    creator.hurry();
    const late = await within(Promise.all([3, 4].map((n) => creator.create<Rec>(company, 'Invoice', invoice(n), `ll-inv-f${n}-0`))));
    expect(late).not.toBe('still waiting');
    expect(sent.map((s) => [s.kind, s.items.length])).toEqual([['batch', 2], ['batch', 2]]);
    expect(await creator.drain(10_000)).toBe(true);
    const refused = await Promise.allSettled([creator.create(company, 'Invoice', invoice(5), 'll-inv-f5-0'), creator.find(company, 'Customer', 'DisplayName', ['x'])]);
    for (const outcome of refused) {
      expect(outcome.status).toBe('rejected');
      expect(((outcome as PromiseRejectedResult).reason as AppError).retryable).toBe(true);
    }
    expect(sent).toHaveLength(2);
  });

  it('drain() gives up at its deadline when an answer does not come (false)', async () => {
    const { company, sent } = recordingCompany({ hold: true });
    const creator = new BatchCreator({ logger });
    void creator.create(company, 'Invoice', invoice(1), 'll-inv-g1-0');
    void creator.create(company, 'Invoice', invoice(2), 'll-inv-g2-0');
    expect(await creator.drain(50)).toBe(false);
    expect(sent).toHaveLength(1);
  });
});
