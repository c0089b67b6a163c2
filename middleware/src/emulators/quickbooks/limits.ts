/** Intuit's per-realm throttles: requests per minute, concurrent requests, batch requests per minute. */
import type { LimitOptions } from './options';

export type LimitVerdict = 'ok' | 'rate' | 'concurrency' | 'batch';

const MINUTE = 60_000;

function prune(list: number[], now: number): number[] {
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
