import type { Gathering } from './gathering';

/**
 * Collects single requests made at about the same time into one call: concurrent jobs each ask for
 * their own Opportunity, and Salesforce sees one query of up to `maxBatch` ids. Each caller gets its
 * own result or its own error.
 */
export interface BatcherOptions {
  maxBatch: number;
  /** How long to wait for more requests after the first one (ms); with `gathering`, not used. */
  windowMs: number;
  /** Decides when held requests go out (see Gathering): as soon as no other job could join, or at `maxBatch`. */
  gathering?: Gathering;
  /** This batcher's step in a job's work, for the gathering (see Gatherer.stage). */
  stage?: number;
}

interface Pending<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
  /** Tells the gathering the request is sent. */
  release?: () => void;
}

export class Batcher<K, V> {
  private queue: Array<Pending<K, V>> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Number of batch calls made (for benchmarks and tests). */
  calls = 0;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, V | Error>>,
    private readonly options: BatcherOptions,
  ) {
    options.gathering?.register(this);
  }

  get stage(): number {
    return this.options.stage ?? 0;
  }

  /** Requests held, not yet sent. */
  get size(): number {
    return this.queue.length;
  }

  load(key: K): Promise<V> {
    const { gathering } = this.options;
    return new Promise<V>((resolve, reject) => {
      const pending: Pending<K, V> = { key, resolve, reject };
      this.queue.push(pending);
      if (gathering) pending.release = gathering.hold();
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else if (!gathering && !this.timer) this.timer = setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), 0);
    if (batch.length === 0) return;
    for (const pending of batch) pending.release?.();
    this.calls += 1;
    const keys = [...new Set(batch.map((p) => p.key))];
    this.run(keys).then(
      (results) => {
        for (const pending of batch) {
          const value = results.get(pending.key);
          if (value instanceof Error) pending.reject(value);
          else if (value === undefined) pending.reject(new Error(`No result for ${String(pending.key)}`));
          else pending.resolve(value);
        }
      },
      (error: unknown) => {
        for (const pending of batch) pending.reject(error);
      },
    );
  }
}
