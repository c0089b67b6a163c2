/** Intuit's per-realm throttles: requests per minute, concurrent requests, batch requests per minute. */
import type { LimitOptions } from './options';

export type LimitVerdict = 'ok' | 'rate' | 'concurrency' | 'batch';

const MINUTE = 60_000;

function prune(list: number[], now: number): number[] {
  // A 60 s window holds at most a few hundred entries: shifting them is cheap.
  while (list.length && list[0]! <= now - MINUTE) list.shift();
  return list;
}

export class Limits {
  private readonly requests = new Map<string, number[]>();
  private readonly batches = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(private readonly options: LimitOptions, private readonly now: () => number) {}

  /** On 'ok' the caller must call release() when the response is finished. */
  acquire(realmId: string, isBatch: boolean): LimitVerdict {
    if (!this.options.enabled) {
      this.inFlight.set(realmId, (this.inFlight.get(realmId) ?? 0) + 1);
      return 'ok';
    }
    const now = this.now();
    const requests = prune(this.requests.get(realmId) ?? [], now);
    const batches = prune(this.batches.get(realmId) ?? [], now);
    this.requests.set(realmId, requests);
    this.batches.set(realmId, batches);
    if ((this.inFlight.get(realmId) ?? 0) >= this.options.concurrentPerRealm) return 'concurrency';
    if (requests.length >= this.options.requestsPerMinute) return 'rate';
    if (isBatch && batches.length >= this.options.batchPerMinute) return 'batch';
    requests.push(now);
    if (isBatch) batches.push(now);
    this.inFlight.set(realmId, (this.inFlight.get(realmId) ?? 0) + 1);
    return 'ok';
  }

  release(realmId: string): void {
    this.inFlight.set(realmId, Math.max(0, (this.inFlight.get(realmId) ?? 0) - 1));
  }

  reset(): void {
    this.requests.clear();
    this.batches.clear();
  }
}

/** What one company's traffic looked like, measured on every request that reached the API (injected faults included). */
export interface LoadPeaks {
  /** Most requests that arrived within any 60 s. */
  requestsPerMinute: number;
  /** Most batch requests that arrived within any 60 s. */
  batchesPerMinute: number;
  /** Most requests being answered at the same moment. */
  concurrent: number;
  /** Requests refused because a limit was reached, by limit (only while limits are enabled). */
  refused: { rate: number; concurrency: number; batch: number };
}

function emptyPeaks(): LoadPeaks {
  return { requestsPerMinute: 0, batchesPerMinute: 0, concurrent: 0, refused: { rate: 0, concurrency: 0, batch: 0 } };
}

/**
 * Measures each company's load on the real clock (the emulated clock may be moved): the sliding-minute
 * and concurrency peaks a client group produced, whether or not limits are enforced. Tests use it to show
 * that several middleware processes together stay within Intuit's limits.
 */
export class LoadMeter {
  private readonly realms = new Map<string, { requests: number[]; batches: number[]; inFlight: number; peaks: LoadPeaks }>();

  constructor(private readonly now: () => number = () => performance.now()) {}

  private realm(realmId: string) {
    let entry = this.realms.get(realmId);
    if (!entry) {
      entry = { requests: [], batches: [], inFlight: 0, peaks: emptyPeaks() };
      this.realms.set(realmId, entry);
    }
    return entry;
  }

  /** A request arrived; the returned function marks its answer finished (idempotent). */
  arrived(realmId: string, isBatch: boolean): () => void {
    const entry = this.realm(realmId);
    const now = this.now();
    entry.requests.push(now);
    prune(entry.requests, now);
    entry.peaks.requestsPerMinute = Math.max(entry.peaks.requestsPerMinute, entry.requests.length);
    if (isBatch) {
      entry.batches.push(now);
      prune(entry.batches, now);
      entry.peaks.batchesPerMinute = Math.max(entry.peaks.batchesPerMinute, entry.batches.length);
    }
    entry.inFlight += 1;
    entry.peaks.concurrent = Math.max(entry.peaks.concurrent, entry.inFlight);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      entry.inFlight -= 1;
    };
  }

  refused(realmId: string, verdict: Exclude<LimitVerdict, 'ok'>): void {
    this.realm(realmId).peaks.refused[verdict] += 1;
  }

  peaks(realmId: string): LoadPeaks {
    return structuredClone(this.realms.get(realmId)?.peaks ?? emptyPeaks());
  }

  reset(): void {
    for (const entry of this.realms.values()) entry.peaks = { ...emptyPeaks(), concurrent: entry.inFlight };
  }
}
