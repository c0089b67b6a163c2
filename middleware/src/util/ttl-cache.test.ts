import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  it('shares one load per key until ttlMs has passed', async () => {
    let now = 0;
    let loads = 0;
    const cache = new TtlCache<string, number>(100, () => now);
    const load = async () => ++loads;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load), cache.get('b', load)])).toEqual([1, 1, 2]);
    now = 99;
    expect(await cache.get('a', load)).toBe(1);
    now = 100;
    expect(await cache.get('a', load)).toBe(3);
    cache.delete('b');
    expect(await cache.get('b', load)).toBe(4);
  });

  it('forgets a failed load at once, so the next caller tries again', async () => {
    const cache = new TtlCache<string, string>(Infinity);
    await expect(cache.get('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'up')).toBe('up');
    expect(await cache.get('k', async () => 'again')).toBe('up');
  });
});
