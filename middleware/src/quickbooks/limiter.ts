/**
 * Keeps one company's calls inside Intuit's published limits: at most `concurrency` requests in flight
 * and `perMinute` requests in any sliding minute. Callers wait rather than collect 429s.
 */
export class RateLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private readonly starts: number[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly concurrency: number,
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.active -= 1;
      this.drain();
    }
  }

  get inFlight(): number {
    return this.active;
  }

  /** How long a task started now would wait for the per-minute budget (ms; 0: it would start at once). */
  waitMs(): number {
    const windowStart = this.now() - 60_000;
    while (this.starts.length > 0 && this.starts[0]! <= windowStart) this.starts.shift();
    if (this.starts.length + this.waiting.length < this.perMinute) return 0;
    const ahead = this.starts.length + this.waiting.length - this.perMinute;
    const at = this.starts[Math.min(ahead, this.starts.length - 1)];
    return at === undefined ? 0 : Math.max(1, at + 60_000 - this.now());
  }

  private acquire(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.drain();
    });
  }

  private drain(): void {
    const windowStart = this.now() - 60_000;
    while (this.starts.length > 0 && this.starts[0]! <= windowStart) this.starts.shift();
    while (this.waiting.length > 0 && this.active < this.concurrency && this.starts.length < this.perMinute) {
      this.active += 1;
      this.starts.push(this.now());
      this.waiting.shift()!();
    }
    if (this.waiting.length > 0 && this.active < this.concurrency && !this.timer) {
      const wait = Math.max(1, this.starts[0]! + 60_000 - this.now());
      this.timer = setTimeout(() => {
        this.timer = null;
        this.drain();
      }, wait);
      this.timer.unref();
    }
  }
}

/** A plain request, or a POST /batch (which Intuit also counts against its own per-minute batch limit). */
export type RequestKind = 'request' | 'batch';

/** Admits each QBO request of a company within Intuit's limits: concurrency, requests and batches per minute. */
export interface RequestGate {
  run<T>(realmId: string, kind: RequestKind, task: () => Promise<T>): Promise<T>;
  /** How long a batch request of the company would wait for its per-minute budget if sent now (ms; best guess). */
  batchSlotInMs?(realmId: string): number;
  /** Releases what the gate holds (database connections). */
  close(): Promise<void>;
}

export interface GateLimits {
  concurrency: number;
  requestsPerMinute: number;
  batchesPerMinute: number;
}

/** One process's own count (SQLite, a single instance): the limits hold for this process alone. */
export class LocalGate implements RequestGate {
  private readonly requests = new Map<string, RateLimiter>();
  private readonly batches = new Map<string, RateLimiter>();

  constructor(private readonly limits: GateLimits) {}

  run<T>(realmId: string, kind: RequestKind, task: () => Promise<T>): Promise<T> {
    let requests = this.requests.get(realmId);
    if (!requests) {
      requests = new RateLimiter(this.limits.concurrency, this.limits.requestsPerMinute);
      this.requests.set(realmId, requests);
    }
    if (kind === 'request') return requests.run(task);
    let batches = this.batches.get(realmId);
    if (!batches) {
      batches = new RateLimiter(this.limits.batchesPerMinute, this.limits.batchesPerMinute);
      this.batches.set(realmId, batches);
    }
    const inner = requests;
    return batches.run(() => inner.run(task));
  }

  batchSlotInMs(realmId: string): number {
    return this.batches.get(realmId)?.waitMs() ?? 0;
  }

  async close(): Promise<void> {}
}
