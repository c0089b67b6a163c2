/**
 * Collects single requests made at about the same time into one call: concurrent jobs each ask for
 * their own Opportunity, and Salesforce sees one query of up to `maxBatch` ids. Each caller gets its
 * own result or its own error.
 */
export interface BatcherOptions {
  maxBatch: number;
  /** How long to wait for more requests after the first one (ms). */
  windowMs: number;
}

interface Pending<K, V> {
  key: K;
  resolve: (value: V) => void;
  reject: (error: unknown) => void;
}

export class Batcher<K, V> {
  private queue: Array<Pending<K, V>> = [];
  private timer: NodeJS.Timeout | null = null;
  /** Number of batch calls made (for benchmarks and tests). */
  calls = 0;

  constructor(
    private readonly run: (keys: K[]) => Promise<Map<K, V | Error>>,
    private readonly options: BatcherOptions,
  ) {}

  load(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      this.queue.push({ key, resolve, reject });
      if (this.queue.length >= this.options.maxBatch) this.flush();
      else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const batch = this.queue.splice(0, this.options.maxBatch);
    if (this.queue.length > 0) this.timer = setTimeout(() => this.flush(), 0);
    if (batch.length === 0) return;
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
