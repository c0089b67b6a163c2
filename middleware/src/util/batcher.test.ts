import { Batcher } from './batcher';

describe('Batcher', () => {
  it('merges concurrent loads into one call and hands each caller its own result', async () => {
    const seen: string[][] = [];
    const batcher = new Batcher<string, number>(async (keys) => {
      seen.push(keys);
      return new Map(keys.map((k) => [k, k === 'bad' ? new Error('bad key') : k.length] as [string, number | Error]));
    }, { maxBatch: 10, windowMs: 5 });
    const results = await Promise.allSettled([batcher.load('a'), batcher.load('bbb'), batcher.load('a'), batcher.load('bad')]);
    expect(seen).toEqual([['a', 'bbb', 'bad']]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([1, 3, 1, 'bad key']);
  });

  it('splits at maxBatch and rejects everyone in a failed call', async () => {
    let calls = 0;
    const batcher = new Batcher<number, number>(async (keys) => {
      calls += 1;
      if (keys.includes(4)) throw new Error('down');
      return new Map(keys.map((k) => [k, k * 2]));
    }, { maxBatch: 3, windowMs: 5 });
    const results = await Promise.allSettled([1, 2, 3, 4, 5].map((k) => batcher.load(k)));
    expect(calls).toBe(2);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect(batcher.calls).toBe(2);
  });
});
