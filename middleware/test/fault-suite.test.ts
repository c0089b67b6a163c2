import { runFaultSuite } from '../scripts/fault-suite';
import { POSTGRES_TEST_URL_VARIABLE } from '../src/store/test-databases';

/**
 * CI's short run of `npm run faults`: every scenario (SIGKILL, 429 storms, QBO 500 after commit,
 * UNABLE_TO_LOCK_ROW, dropped database connections, token expiry, clock skew) with 30 deals on 3
 * processes and one fresh PostgreSQL database each. Nothing lost, nothing doubled, one token refresh.
 */
const describePg = process.env[POSTGRES_TEST_URL_VARIABLE] ? describe : describe.skip;

describePg('fault suite (short)', () => {
  it('loses and doubles nothing in any scenario', async () => {
    const lines: string[] = [];
    const results = await runFaultSuite({ short: true, print: (line) => lines.push(line) });
    console.log(lines.join('\n'));
    expect(results).toHaveLength(7);
    for (const r of results) {
      expect({ name: r.name, duplicates: r.duplicates, lost: r.lost, invoices: r.invoicesCreated }).toEqual({ name: r.name, duplicates: 0, lost: 0, invoices: r.deals });
      expect(r.paymentRows).toBe(r.paymentsApplied);
    }
    expect(results.find((r) => r.name === 'token-expiry')!.extra.refreshCalls).toBe(1);
    expect(results.find((r) => r.name === 'sigkill')!.extra.kills).toBeGreaterThan(0);
    expect(results.every((r) => r.ok)).toBe(true);
  }, 7 * 150_000); // each scenario has its own 120 s deadline for its deals (plus set-up); the sum of those, not a guess
});
