import { Batcher } from './batcher';
import { Gathering } from './gathering';

/** A batcher that records the keys of each call, answering each key with its length. */
function recorder(gathering: Gathering, maxBatch = 200) {
  const calls: string[][] = [];
  const batcher = new Batcher<string, number>(async (keys) => {
    calls.push(keys);
    return new Map(keys.map((k) => [k, k === 'bad' ? new Error(`refused ${k}`) : k.length] as [string, number | Error]));
  }, { maxBatch, windowMs: 1, gathering });
  return { calls, batcher };
}

/** Resolves when the test releases it: stands for a job's work elsewhere (QuickBooks). */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('Gathering', () => {
  it('sends a lone job\u2019s request at once, without waiting for the maximum window', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { calls, batcher } = recorder(gathering);
    const started = Date.now();
    await expect(gathering.job('j1', () => batcher.load('abc'))).resolves.toBe(3);
    expect(calls).toEqual([['abc']]);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(gathering.flushes).toEqual({ allWaiting: 1, maxWait: 0 });
  });

  it('holds requests until every running job waits, then sends them in one call', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { calls, batcher } = recorder(gathering);
    const slow = gate();
    const jobs = ['a', 'bb', 'ccc'].map((key, i) =>
      gathering.job(`j${i}`, async () => {
        if (i === 2) await slow.opened; // still busy elsewhere: the others wait for it
        return batcher.load(key);
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(calls).toEqual([]);
    expect(gathering.state).toEqual({ running: 3, waiting: 2 });
    slow.open();
    await expect(Promise.all(jobs)).resolves.toEqual([1, 2, 3]);
    expect(calls).toEqual([['a', 'bb', 'ccc']]);
  });

  it('stops waiting for a job once it has ended (failed elsewhere)', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { calls, batcher } = recorder(gathering);
    const slow = gate();
    const waiting = gathering.job('j1', () => batcher.load('x'));
    const failing = gathering.job('j2', async () => {
      await slow.opened;
      throw new Error('QuickBooks refused the invoice');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(calls).toEqual([]);
    slow.open();
    await expect(failing).rejects.toThrow('refused');
    await expect(waiting).resolves.toBe(1);
    expect(calls).toEqual([['x']]);
  });

  it('sends after the maximum wait when a job stays busy elsewhere', async () => {
    const gathering = new Gathering({ maxWaitMs: 40 });
    const { calls, batcher } = recorder(gathering);
    const slow = gate();
    const busy = gathering.job('busy', () => slow.opened);
    await expect(gathering.job('j1', () => batcher.load('abcd'))).resolves.toBe(4);
    expect(calls).toEqual([['abcd']]);
    expect(gathering.flushes.maxWait).toBe(1);
    slow.open();
    await busy;
  });

  it('keeps the maximum wait of a held later-step request while a steady stream of new jobs is sent step by step', async () => {
    const maxWaitMs = 200;
    const gathering = new Gathering({ maxWaitMs });
    const answer = async (keys: string[]) => new Map(keys.map((k) => [k, k.length] as [string, number]));
    const reads = new Batcher<string, number>(answer, { maxBatch: 200, windowMs: 1, gathering, stage: 0 });
    const writes = new Batcher<string, number>(answer, { maxBatch: 200, windowMs: 1, gathering, stage: 4 });
    let arrivals = 0;
    let sentAfterArrivals: number | undefined;
    const held = gathering.job('old', async () => {
      await writes.load('old');
      sentAfterArrivals = arrivals;
    });
    // A new deal every 20 ms for at least 6 maximum waits: each is sent at once (earliest step), the held write must
    // not wait for the stream to end.
    const stream: Array<Promise<unknown>> = [];
    for (let i = 0; i < 60 && sentAfterArrivals === undefined; i++) {
      arrivals += 1;
      stream.push(gathering.job(`new${i}`, async () => {
        await reads.load(`new${i}`);
        await new Promise((resolve) => setTimeout(resolve, 30));
      }));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(stream);
    await held;
    expect(sentAfterArrivals).toBeLessThan(60);
    expect(gathering.flushes.maxWait).toBeGreaterThanOrEqual(1);
  });

  it('sends a full batch at once and gives each job its own result or refusal', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { calls, batcher } = recorder(gathering, 3);
    const slow = gate();
    const busy = gathering.job('busy', () => slow.opened);
    const keys = ['a', 'bad', 'ccc', 'dd'];
    const results = keys.map((key, i) => gathering.job(`j${i}`, () => batcher.load(key)));
    const first = await Promise.allSettled(results.slice(0, 3));
    // Three held = full: out without waiting for the busy job; the fourth waits for it.
    expect(first.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 'refused bad', 3]);
    expect(calls).toEqual([['a', 'bad', 'ccc']]);
    slow.open();
    await busy;
    await expect(results[3]).resolves.toBe(2);
    expect(calls).toEqual([['a', 'bad', 'ccc'], ['dd']]);
  });

  it('counts a job with several requests once, and a request made outside any job does not wait for jobs when none runs', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { calls, batcher } = recorder(gathering);
    await expect(batcher.load('outside')).resolves.toBe(7);
    const slow = gate();
    const two = gathering.job('j1', () => Promise.all([batcher.load('p'), batcher.load('qq')]));
    const other = gathering.job('j2', async () => {
      await slow.opened;
      return batcher.load('rrr');
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    // j1 waits twice, yet j2 still runs: nothing goes out.
    expect(calls).toEqual([['outside']]);
    slow.open();
    await expect(Promise.all([two, other])).resolves.toEqual([[1, 2], 3]);
    expect(calls).toEqual([['outside'], ['p', 'qq', 'rrr']]);
  });
});
