import { createLogger } from '../logger';
import { openStore } from '../store';
import { createTestDatabase, POSTGRES_TEST_URL_VARIABLE, type TestDatabase } from '../store/test-databases';
import { PostgresGate, windowsFor } from './shared-limiter';

const logger = createLogger({ level: 'silent' });

/**
 * The worst case of fixed windows: every window spends all its points, each at the moment that packs the
 * most of them into one 60 s span (plus the send slack). Returns the most requests any such span can hold.
 */
function worstMinute(points: number, durationMs: number, slackMs: number): number {
  // Windows start back to back (the library starts one at the first request after the last expired).
  // With one point it is spent at the window's start; with more, anywhere inside it.
  const span = 60_000 + slackMs;
  if (points === 1) return Math.floor(span / durationMs) + 1;
  return points * Math.ceil((span + durationMs) / durationMs);
}

describe('windowsFor', () => {
  it.each([500, 450, 120, 40, 36, 3, 2, 1])('never lets %i requests per minute be exceeded, even when every window is full', (perMinute) => {
    for (const slack of [0, 2_000]) {
      const { points, durationMs } = windowsFor(perMinute, slack);
      expect(points).toBeGreaterThanOrEqual(1);
      expect(worstMinute(points, durationMs, slack)).toBeLessThanOrEqual(perMinute);
      // ...and still uses most of a realistic budget.
      if (perMinute >= 36) expect((points * 60_000) / durationMs).toBeGreaterThanOrEqual(0.9 * perMinute);
    }
  });
});

const describePg = process.env[POSTGRES_TEST_URL_VARIABLE] ? describe : describe.skip;

describePg('PostgresGate: one budget for several processes', () => {
  let db: TestDatabase;
  const gates: PostgresGate[] = [];
  const gate = (options: { concurrency?: number; leaseMs?: number; requestsPerMinute?: number } = {}) => {
    const made = new PostgresGate({ databaseUrl: db.url, concurrency: options.concurrency ?? 2, requestsPerMinute: options.requestsPerMinute ?? 500, batchesPerMinute: 40, leaseMs: options.leaseMs ?? 30_000, logger, pollMs: 10 });
    gates.push(made);
    return made;
  };

  beforeAll(async () => {
    db = await createTestDatabase('postgres');
    await (await openStore(db.url)).close(); // migrations create the tables
  });
  afterAll(async () => {
    for (const g of gates) await g.close();
    await db?.drop();
  });

  it('lets at most `concurrency` requests of a company run at once across gates, and other companies run beside them', async () => {
    const [a, b, c] = [gate(), gate(), gate()];
    let running = 0;
    let peak = 0;
    const task = async () => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 30));
      running -= 1;
    };
    await Promise.all([a, b, c].flatMap((g) => Array.from({ length: 6 }, () => g.run('111', 'request', task))));
    expect(peak).toBe(2);

    // While both of company 111's slots are held, company 222 still runs.
    let open!: () => void;
    const held = new Promise<void>((resolve) => (open = resolve));
    const holding = [a.run('111', 'request', () => held), b.run('111', 'request', () => held)];
    await new Promise((r) => setTimeout(r, 300));
    let thirdRan = false;
    const blocked = c.run('111', 'request', async () => {
      thirdRan = true;
      return 'third';
    });
    const other = await Promise.race([c.run('222', 'request', async () => 'other company ran'), new Promise((r) => setTimeout(() => r('other company waited'), 5_000))]);
    expect(other).toBe('other company ran');
    expect(thirdRan).toBe(false);
    open();
    await Promise.all(holding);
    await expect(blocked).resolves.toBe('third');
  });

  it('frees the slots of a process that died holding them once their lease expires, not before', async () => {
    const dead = gate({ concurrency: 1, leaseMs: 1_500 });
    // The "dead" process takes the only slot, then stops renewing it and never gives it back (its task
    // never ends, and its connections are gone).
    void dead.run('333', 'request', () => new Promise(() => undefined));
    await new Promise((r) => setTimeout(r, 200));
    await dead.close();
    const alive = gate({ concurrency: 1 });
    const started = Date.now();
    await alive.run('333', 'request', async () => undefined);
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThanOrEqual(1_000);
    expect(waited).toBeLessThan(15_000);
  });

  it('keeps the slot of a request that runs longer than the lease (it is renewed)', async () => {
    const slow = gate({ concurrency: 1, leaseMs: 600 });
    const other = gate({ concurrency: 1, leaseMs: 600 });
    let overlapped = false;
    let slowRunning = false;
    const long = slow.run('555', 'request', async () => {
      slowRunning = true;
      await new Promise((r) => setTimeout(r, 2_000));
      slowRunning = false;
    });
    await new Promise((r) => setTimeout(r, 200));
    await other.run('555', 'request', async () => {
      overlapped = slowRunning;
    });
    await long;
    expect(overlapped).toBe(false);
  });

  it('shares the per-minute budget: two gates together get one budget, not two', async () => {
    // 4 a minute: one request per window of (62 s / 3); the second request anywhere waits for the next window.
    const [a, b] = [gate({ requestsPerMinute: 4 }), gate({ requestsPerMinute: 4 })];
    const starts: number[] = [];
    const note = async () => {
      starts.push(Date.now());
    };
    await a.run('444', 'request', note);
    const second = b.run('444', 'request', note);
    const raced = await Promise.race([second.then(() => 'ran'), new Promise((r) => setTimeout(() => r('waiting'), 2_000))]);
    expect(raced).toBe('waiting');
    expect(starts).toHaveLength(1);
    // Give the waiting request its window: the test only checks that it was held back, then ends it.
    await b.close();
    await second.catch(() => undefined);
  });
});
