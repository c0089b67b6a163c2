/**
 * Exponential back-off with jitter. The n-th retry waits `min(cap, base · 2^(n-1))`, of which a fraction
 * `jitter` is random: with the default 0.5 the wait lies in [½·d, d], so it still grows with every
 * attempt, never exceeds the cap, and retries from many jobs that failed together spread out.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  /** 0 = no randomness, 1 = anywhere in [0, d]. */
  jitter: number;
  /** Source of randomness in [0, 1); tests inject their own. */
  random: () => number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1000, capMs: 15 * 60_000, jitter: 0.5, random: Math.random };

/** Delay before the retry that follows failed attempt number `attempt` (1-based). */
export function backoffDelay(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(attempt, 1) - 1, 52);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  const random = Math.min(Math.max(policy.random(), 0), 1);
  return Math.round(ceiling * (1 - jitter) + ceiling * jitter * random);
}
