import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Gathers the Salesforce requests of concurrent jobs into as few calls as can be, without making a deal on
 * its own wait. Jobs that take part run inside `job()`; each gatherer (a query batcher, a write collection,
 * the roll-ups) holds requests until one of these is true:
 * - every job taking part is waiting on a held request (no other job could join, so waiting longer gains
 *   nothing; a job whose call is under way, at QuickBooks or Salesforce, will go on and may join);
 * - the gatherer is full (it flushes itself, e.g. at 200 records);
 * - the oldest request has waited `maxWaitMs` (a job stuck elsewhere, e.g. in a QuickBooks retry, holds no one up
 *   for longer than that).
 * A request made outside any job (an HTTP route, a sweep) does not count as a waiting job: when no job is
 * running it goes out at once, otherwise with the jobs' next flush.
 */
export interface Gatherer {
  /** Requests held now. */
  readonly size: number;
  /** Sends what is held (the gatherer splits it into calls of its own maximum size). */
  flush(): void;
  /**
   * Where its requests come in a job's work (lower: earlier; default 0). When every job waits, the earliest step
   * holding requests goes first, so jobs further on wait for those behind them to catch up and go with them.
   */
  readonly stage?: number;
}

/** The steps of an invoicing job that gather Salesforce requests, in order (Gatherer.stage). */
export const GATHERING_STAGES = {
  /** The deal's Opportunity, Account and lines. */
  read: 0,
  /** The invoice mirror record (QuickBooks_Invoice__c). */
  invoiceRecord: 1,
  /** The Account and Opportunity roll-ups, which read the mirror records. */
  rollups: 2,
  /** The roll-ups' writes: Accounts, then Opportunities (with the deal's Synced). */
  accounts: 3,
  opportunities: 4,
} as const;

export interface GatheringOptions {
  /** The longest a request waits for others to join (ms). */
  maxWaitMs: number;
}

export class Gathering {
  private readonly context = new AsyncLocalStorage<string>();
  /** Running jobs → the gathered requests each is waiting on now. */
  private readonly jobs = new Map<string, number>();
  private readonly gatherers = new Set<Gatherer>();
  private checkScheduled = false;
  private maxTimer: NodeJS.Timeout | null = null;
  /** Flushes made because every job was waiting, and because the maximum wait ran out (for tests and benchmarks). */
  readonly flushes = { allWaiting: 0, maxWait: 0 };

  constructor(private readonly options: GatheringOptions) {}

  /** Runs one job's work, so that its waits count as this job's. */
  async job<T>(jobId: string, run: () => Promise<T>): Promise<T> {
    this.jobs.set(jobId, this.jobs.get(jobId) ?? 0);
    try {
      return await this.context.run(jobId, run);
    } finally {
      this.jobs.delete(jobId);
      // One job fewer to wait for: the others may all be waiting now.
      this.poke();
    }
  }

  /** Jobs taking part, and how many of them wait on held requests now. */
  get state(): { running: number; waiting: number } {
    let waiting = 0;
    for (const n of this.jobs.values()) if (n > 0) waiting += 1;
    return { running: this.jobs.size, waiting };
  }

  register(gatherer: Gatherer): void {
    this.gatherers.add(gatherer);
  }

  /**
   * Marks the calling job as waiting on a request held by a gatherer, until the returned function is called
   * (when the request is sent: a job whose call is under way will soon go on, so the others wait for it).
   * Has the gatherers checked soon, after the requests made in the same turn of the event loop have joined.
   */
  hold(): () => void {
    return this.holdFor(this.context.getStore());
  }

  /**
   * The calling job, to be marked as waiting later, from outside its context (e.g. by the QuickBooks batch
   * creator, which decides on a timer whether a job's create is held back for others): calling the returned
   * function marks it as waiting until the release it returns is called.
   */
  holder(): () => () => void {
    const jobId = this.context.getStore();
    return () => this.holdFor(jobId);
  }

  private holdFor(jobId: string | undefined): () => void {
    let release = (): void => {};
    if (jobId !== undefined && this.jobs.has(jobId)) {
      this.jobs.set(jobId, this.jobs.get(jobId)! + 1);
      let released = false;
      release = () => {
        if (released) return;
        released = true;
        const n = this.jobs.get(jobId);
        if (n !== undefined) this.jobs.set(jobId, Math.max(0, n - 1));
      };
    }
    this.poke();
    return release;
  }

  /** Checks soon whether held requests should go out. */
  poke(): void {
    if (!this.maxTimer) {
      this.maxTimer = setTimeout(() => this.context.exit(() => this.flushAll('maxWait')), this.options.maxWaitMs);
      this.maxTimer.unref?.();
    }
    if (this.checkScheduled) return;
    this.checkScheduled = true;
    setImmediate(() =>
      this.context.exit(() => {
        this.checkScheduled = false;
        const { running, waiting } = this.state;
        if (waiting >= running && this.held() > 0) this.flushAll('allWaiting');
      }),
    );
  }

  private held(): number {
    let n = 0;
    for (const g of this.gatherers) n += g.size;
    return n;
  }

  /**
   * When every job waits: sends the requests of the earliest step that holds any. Jobs held at later steps wait
   * for the jobs just sent to reach them, so groups of jobs that started apart (claimed as others ended) end up
   * in the same calls. The maximum wait sends everything.
   */
  private flushAll(why: 'allWaiting' | 'maxWait'): void {
    // The maximum wait runs from the oldest held request: a send of the earliest step alone must not restart it, or
    // a later step's request would wait as long as new jobs keep coming. It ends when it fires or nothing is held.
    if (why === 'maxWait') this.maxTimer = null;
    const holding = [...this.gatherers].filter((g) => g.size > 0);
    if (holding.length === 0) return;
    this.flushes[why] += 1;
    const earliest = Math.min(...holding.map((g) => g.stage ?? 0));
    for (const g of holding) if (why === 'maxWait' || (g.stage ?? 0) === earliest) g.flush();
    // Requests still held wait for the next check (the jobs just sent come back with new requests) or the maximum wait.
    if (this.held() > 0) this.poke();
    else if (this.maxTimer) {
      clearTimeout(this.maxTimer);
      this.maxTimer = null;
    }
  }
}
