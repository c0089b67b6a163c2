/**
 * The fault suite's 429-storm scenario as a bench (issue #19's shared budget): 3 middleware processes on
 * PostgreSQL, Intuit's limits on, bursts of 429s, `deals` deals (default 1,000). Needs PostgreSQL
 * (LEDGERLINE_TEST_POSTGRES_URL). Figures: seconds, job retries, duplicates, lost, and the peaks QBO saw.
 */
import { runScenario, SCENARIOS } from '../scripts/fault-suite';
import { report } from './result';

export async function benchStorm(deals = 1000) {
  const scenario = SCENARIOS.find((s) => s.name === '429-storm')!;
  const r = await runScenario(scenario, { deals, short: false });
  return { scenario: r.name, deals: r.deals, invoices: r.invoicesCreated, duplicates: r.duplicates, lost: r.lost, retries: r.retries, seconds: r.seconds, retriesByCode: r.retriesByCode, ...r.extra, ok: r.ok };
}

if (require.main === module) {
  benchStorm(Number(process.argv[2] ?? 1000))
    .then((r) => report(r))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
