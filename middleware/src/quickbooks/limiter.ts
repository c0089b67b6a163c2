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
