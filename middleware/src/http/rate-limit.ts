import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger';

export interface RateLimitOptions {
  /** Sustained requests per minute per client address. */
  perMinute: number;
  /** Requests a client may make at once before the refill rate applies (default: 10 seconds' worth, at least 10). */
  burst?: number;
  /** Name in logs and in the answer ("webhooks", "api", "oauth"). */
  name: string;
  /**
   * Which answers use up a token (default: all). Endpoints whose callers prove who they are (the bearer key,
   * Intuit's signature) count only rejected attempts: Salesforce sends every callout of an org from a few
   * addresses, and a burst of Closed Won deals must never be turned away; a guesser is.
   */
  counts?: (status: number) => boolean;
  /**
   * Requests that prove who they are before the limiter runs (a valid key): they never use nor wait on the
   * client address's bucket, so a flood of wrong keys from the same address (a shared proxy) cannot lock
   * out Salesforce.
   */
  trusted?: (req: Request) => boolean;
  /** What a bucket belongs to (default: the client address); e.g. a digest of the caller's key. */
  keyOf?: (req: Request) => string;
  /** Who the bucket belongs to, and the setting that sizes it, as the 429 names them. */
  per?: { noun: string; setting: string };
  /** Most client addresses remembered; the least recently seen are forgotten first. */
  maxClients?: number;
  logger?: Logger;
  now?: () => number;
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client address, in memory (each instance limits on its own, which is enough to
 * stop one client from flooding a public endpoint; a shared limit would need the database on every
 * request). An empty bucket answers 429 with Retry-After in the error shape of the app.
 */
export function rateLimit(options: RateLimitOptions): RequestHandler {
  const capacity = Math.max(1, options.burst ?? Math.max(10, Math.ceil(options.perMinute / 6)));
  const perMs = options.perMinute / 60_000;
  const maxClients = options.maxClients ?? 10_000;
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();
  const per = options.per ?? { noun: 'address', setting: 'RATE_LIMIT_PER_MINUTE' };
  let lastWarning = 0;

  return (req, res, next) => {
    if (options.trusted?.(req)) {
      next();
      return;
    }
    const key = options.keyOf ? options.keyOf(req) : (req.ip ?? req.socket.remoteAddress ?? 'unknown');
    const t = now();
    let bucket = buckets.get(key);
    if (bucket) {
      bucket.tokens = Math.min(capacity, bucket.tokens + (t - bucket.at) * perMs);
      bucket.at = t;
      // Re-insert so Map order is least recently seen first.
      buckets.delete(key);
    } else {
      bucket = { tokens: capacity, at: t };
      if (buckets.size >= maxClients) buckets.delete(buckets.keys().next().value as string);
    }
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      if (options.counts) {
        const spend = bucket;
        res.once('finish', () => {
          if (options.counts!(res.statusCode)) spend.tokens -= 1;
        });
      } else {
        bucket.tokens -= 1;
      }
      next();
      return;
    }
    const retryAfter = Math.max(1, Math.ceil((1 - bucket.tokens) / perMs / 1000));
    if (options.logger && t - lastWarning > 10_000) {
      lastWarning = t;
      options.logger.warn({ limiter: options.name, ...(options.keyOf ? {} : { client: key }), retryAfter }, 'rate limit reached; answering 429');
    }
    res.setHeader('Retry-After', String(retryAfter));
    res.status(429).json({
      error: {
        code: 'RATE_LIMITED',
        message: `Too many requests to the ${options.name} endpoints from this ${per.noun}.`,
        fix: `Wait ${retryAfter} s and send again; the limit is ${options.perMinute} requests per minute (${per.setting}).`,
      },
    });
  };
}
