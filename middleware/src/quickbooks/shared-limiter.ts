/**
 * One budget per QuickBooks company for every middleware process on the same PostgreSQL database.
 *
 * - Requests and batch requests per minute: rate-limiter-flexible's RateLimiterPostgres (table
 *   `qbo_rate_limits`). Its windows are fixed (each starts with its first request), so the gate uses short
 *   windows sized so that any 60 s, widened by the delay between taking a point and the request reaching
 *   Intuit, cannot hold more than the limit (see `windowsFor`).
 * - Requests in flight: leases in `qbo_request_leases`, one row per slot (at most `concurrency` per
 *   company). A lease is taken before the rate points, renewed while the request runs and given back when
 *   the answer is in; a process that dies leaves its leases to expire after `leaseMs` (10 s by default).
 *
 * Every statement uses the database's clock (leases) or one machine's clock per process (rate windows,
 * as the library does), and a database that does not answer is retried for a while, then the request
 * fails as retryable: nothing is sent outside the budget.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { Pool } from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { GateLimits, RequestGate, RequestKind } from './limiter';

export interface SharedGateOptions extends GateLimits {
  databaseUrl: string;
  /**
   * How long a request slot stays taken without being renewed (ms): a process that dies holding slots
   * leaves them taken this long. The slot of a request still running is renewed every `leaseMs / 3`.
   */
  leaseMs: number;
  logger: Logger;
  /** Pause between two looks for a free slot (ms; jittered). */
  pollMs?: number;
  /** How long a database that does not answer is retried before the request fails (ms). */
  databaseRetryMs?: number;
  /** Allowance for the time between taking a rate point and the request reaching Intuit (ms). */
  sendSlackMs?: number;
}

/**
 * Points per fixed window and the window's length so that no 60 s (plus `slackMs`) can hold more than
 * `perMinute` requests. With one point per window the requests start at least a window apart; with more,
 * any 60 s + slack touches at most (60 s + slack)/window + 1 windows.
 */
export function windowsFor(perMinute: number, slackMs: number): { points: number; durationMs: number } {
  const span = 60_000 + slackMs;
  if (perMinute <= 1) return { points: 1, durationMs: span + 1 };
  const points = Math.max(1, Math.floor(perMinute / 100));
  if (points === 1) return { points, durationMs: Math.ceil(span / (perMinute - 1)) };
  const usable = points * Math.floor(perMinute / points);
  return { points, durationMs: Math.ceil((points * span) / (usable - points)) };
}


interface Lease {
  slot: number;
  /** Unique per lease: a late release never frees a slot someone else has taken since. */
  holder: string;
}

interface Lane {
  /** Callers waiting for a slot, in arrival order; the first one looks, the others wait their turn. */
  waiting: Array<() => void>;
  looking: boolean;
}

export class PostgresGate implements RequestGate {
  private readonly pool: Pool;
  private readonly requests: RateLimiterPostgres;
  private readonly batches: RateLimiterPostgres;
  private readonly lanes = new Map<string, Lane>();
  private readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private leases = 0;
  /** When each company's batch budget was last seen to free up again (ms, this machine's clock). */
  private readonly batchesFreeAt = new Map<string, number>();
  private closed = false;
  /** Waits in progress: close() ends them, so nothing waits on a closed gate. */
  private readonly pauses = new Set<() => void>();
  /** Slots taken, rate refusals waited out, database errors retried (metrics, tests). */
  readonly stats = { granted: 0, slotWaits: 0, rateWaits: 0, databaseRetries: 0 };

  constructor(private readonly options: SharedGateOptions) {
    this.pool = new Pool({ connectionString: options.databaseUrl, max: 4 });
    // A connection the server drops emits 'error' on the pool; the next query reconnects.
    this.pool.on('error', () => undefined);
    const slack = options.sendSlackMs ?? 2_000;
    const requestWindows = windowsFor(options.requestsPerMinute, slack);
    const batchWindows = windowsFor(options.batchesPerMinute, slack);
    const common = { storeClient: this.pool, storeType: 'pool', tableName: 'qbo_rate_limits', tableCreated: true, clearExpiredByTimeout: false } as const;
    this.requests = new RateLimiterPostgres({ ...common, keyPrefix: 'request', points: requestWindows.points, duration: requestWindows.durationMs / 1000 });
    this.batches = new RateLimiterPostgres({ ...common, keyPrefix: 'batch', points: batchWindows.points, duration: batchWindows.durationMs / 1000 });
  }

  async run<T>(realmId: string, kind: RequestKind, task: () => Promise<T>): Promise<T> {
    const lease = await this.takeSlot(realmId);
    const renewal = setInterval(() => void this.renew(realmId, lease), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    renewal.unref();
    try {
      await this.takePoints(realmId, kind);
      this.stats.granted += 1;
      return await task();
    } finally {
      clearInterval(renewal);
      void this.giveBack(realmId, lease).finally(() => this.nudge(realmId));
    }
  }

  /** What this process last saw of the shared batch budget (a batch sent earlier waits in run() all the same). */
  batchSlotInMs(realmId: string): number {
    return Math.max(0, (this.batchesFreeAt.get(realmId) ?? 0) - Date.now());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const end of [...this.pauses]) end();
    await this.pool.end();
  }

  /** Sleeps `ms`, or less when the gate closes; then throws if it is closed. */
  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const end = () => {
        clearTimeout(timer);
        this.pauses.delete(end);
        resolve();
      };
      const timer = setTimeout(end, ms);
      this.pauses.add(end);
    });
    if (this.closed) throw new AppError('QBO_ERROR', 'The middleware is stopping: the QuickBooks request was not sent.', { retryable: true });
  }

  /** Runs `statement`, retrying while the database does not answer (connections dropped, restarts). */
  private async withDatabase<T>(what: string, statement: () => Promise<T>): Promise<T> {
    const giveUpAt = Date.now() + (this.options.databaseRetryMs ?? 15_000);
    for (let attempt = 1; ; attempt++) {
      try {
        return await statement();
      } catch (error) {
        if (error instanceof RateLimiterRes) throw error;
        if (this.closed || Date.now() >= giveUpAt) {
          throw new AppError('QBO_ERROR', `The shared QuickBooks request budget could not be read from the database (${what}); nothing was sent.`, {
            retryable: true,
            fix: 'Check that PostgreSQL (DATABASE_URL) answers; the job is retried.',
            cause: error,
          });
        }
        this.stats.databaseRetries += 1;
        if (attempt === 1) this.options.logger.warn({ err: error, what }, 'shared QuickBooks budget: the database did not answer; retrying');
        await this.sleep(Math.min(2_000, 50 * 2 ** attempt) * (0.5 + Math.random() / 2));
      }
    }
  }

  private lane(realmId: string): Lane {
    let lane = this.lanes.get(realmId);
    if (!lane) {
      lane = { waiting: [], looking: false };
      this.lanes.set(realmId, lane);
    }
    return lane;
  }

  /** Wakes the caller whose turn it is to look for a slot (after a release, or when the looker is done). */
  private nudge(realmId: string): void {
    const lane = this.lane(realmId);
    if (lane.looking) return;
    const next = lane.waiting.shift();
    if (next) {
      lane.looking = true;
      next();
    }
  }

  /** Waits for this process's turn, then for a free slot of the company. */
  private async takeSlot(realmId: string): Promise<Lease> {
    const lane = this.lane(realmId);
    await new Promise<void>((resolve) => {
      lane.waiting.push(resolve);
      this.nudge(realmId);
    });
    try {
      for (;;) {
        const lease = await this.withDatabase('request slot', () => this.tryLease(realmId));
        if (lease) return lease;
        this.stats.slotWaits += 1;
        await this.sleep((this.options.pollMs ?? 25) * (0.5 + Math.random()));
      }
    } finally {
      lane.looking = false;
      this.nudge(realmId);
    }
  }

  private async tryLease(realmId: string): Promise<Lease | null> {
    this.leases += 1;
    const holder = `${this.holder}:${this.leases}`;
    const { rows } = await this.pool.query<{ slot: number }>(
      `with free as (
         select s.slot from generate_series(0, $2::int - 1) as s(slot)
         where not exists (select 1 from qbo_request_leases l where l.realm_id = $1 and l.slot = s.slot and l.expires_at > clock_timestamp())
         order by random() limit 1
       )
       insert into qbo_request_leases (realm_id, slot, holder, expires_at)
       select $1, slot, $3, clock_timestamp() + $4::int * interval '1 millisecond' from free
       on conflict (realm_id, slot) do update set holder = excluded.holder, expires_at = excluded.expires_at
         where qbo_request_leases.expires_at <= clock_timestamp()
       returning slot`,
      [realmId, this.options.concurrency, holder, this.options.leaseMs],
    );
    return rows[0] ? { slot: rows[0].slot, holder } : null;
  }

  /** Keeps a slot whose request is still running (a failed renewal is tried again at the next beat). */
  private async renew(realmId: string, lease: Lease): Promise<void> {
    if (this.closed) return;
    await this.pool
      .query(`update qbo_request_leases set expires_at = clock_timestamp() + $4::int * interval '1 millisecond' where realm_id = $1 and slot = $2 and holder = $3`, [realmId, lease.slot, lease.holder, this.options.leaseMs])
      .catch((error: unknown) => this.options.logger.warn({ err: error, realmId, slot: lease.slot }, 'shared QuickBooks budget: a request slot could not be renewed; trying again'));
  }

  private async giveBack(realmId: string, lease: Lease): Promise<void> {
    try {
      await this.withDatabase('request slot release', () => this.pool.query('delete from qbo_request_leases where realm_id = $1 and slot = $2 and holder = $3', [realmId, lease.slot, lease.holder]));
    } catch (error) {
      this.options.logger.warn({ err: error, realmId, slot: lease.slot }, 'shared QuickBooks budget: a request slot could not be given back; it frees itself when its lease expires');
    }
  }

  /** One point of the company's request budget (and of its batch budget for a batch), waiting as needed. */
  private async takePoints(realmId: string, kind: RequestKind): Promise<void> {
    for (;;) {
      if (kind === 'batch') {
        // Wait for the batch budget before spending a request point on it.
        const seen = await this.withDatabase('batch budget', () => this.batches.get(realmId));
        if (seen && seen.consumedPoints >= this.batches.points && seen.msBeforeNext > 0) {
          this.batchesFreeAt.set(realmId, Date.now() + seen.msBeforeNext);
          this.stats.rateWaits += 1;
          await this.sleep(seen.msBeforeNext + Math.random() * 20);
          continue;
        }
      }
      const request = await this.consume(this.requests, realmId);
      if (request > 0) {
        this.stats.rateWaits += 1;
        await this.sleep(request + Math.random() * 20);
        continue;
      }
      if (kind === 'request') return;
      const batch = await this.consume(this.batches, realmId);
      if (batch === 0) return;
      // Another process took the last batch point meanwhile: the request point goes unused (under budget).
      this.stats.rateWaits += 1;
      await this.sleep(batch + Math.random() * 20);
    }
  }

  /** 0 when a point was taken, otherwise the milliseconds until the next window. */
  private async consume(limiter: RateLimiterPostgres, realmId: string): Promise<number> {
    try {
      await this.withDatabase('request budget', () => limiter.consume(realmId));
      return 0;
    } catch (error) {
      if (error instanceof RateLimiterRes) return Math.max(1, error.msBeforeNext);
      throw error;
    }
  }
}
