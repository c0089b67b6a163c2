import { backoffDelay, type BackoffPolicy } from './backoff';

const policy = (random: number, overrides: Partial<BackoffPolicy> = {}): BackoffPolicy => ({
  baseMs: 1000,
  capMs: 60_000,
  jitter: 0.5,
  random: () => random,
  ...overrides,
});

describe('backoffDelay', () => {
  it('doubles per attempt without jitter and stops at the cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => backoffDelay(attempt, policy(0, { jitter: 0 })));
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000]);
  });

  it('keeps a jittered delay within [½·d, d] so it still grows and stays bounded', () => {
    for (let attempt = 1; attempt <= 12; attempt += 1) {
      const ceiling = Math.min(60_000, 1000 * 2 ** (attempt - 1));
      expect(backoffDelay(attempt, policy(0))).toBe(ceiling / 2);
      expect(backoffDelay(attempt, policy(0.999999))).toBeLessThanOrEqual(ceiling);
      expect(backoffDelay(attempt, policy(0.999999))).toBeGreaterThan(ceiling * 0.99);
    }
    // the lowest wait of attempt n+1 is never below the lowest wait of attempt n
    const lows = [1, 2, 3, 4, 5, 6, 7].map((attempt) => backoffDelay(attempt, policy(0)));
    expect(lows).toEqual([...lows].sort((a, b) => a - b));
  });

  it('spreads retries with real randomness and never exceeds the cap for huge attempt numbers', () => {
    const samples = Array.from({ length: 200 }, () => backoffDelay(3, { baseMs: 1000, capMs: 60_000, jitter: 0.5, random: Math.random }));
    expect(new Set(samples).size).toBeGreaterThan(50);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(2000);
    expect(Math.max(...samples)).toBeLessThanOrEqual(4000);
    expect(backoffDelay(10_000, policy(0.5))).toBeLessThanOrEqual(60_000);
    expect(backoffDelay(0, policy(0, { jitter: 0 }))).toBe(1000);
  });
});
