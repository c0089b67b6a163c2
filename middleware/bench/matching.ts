/**
 * Matching benchmark: generates a synthetic onboarding set (default 50,000 Accounts × 20,000 QBO
 * customers), times matchCustomers (blocking, scoring, assignment and duplicate search in both
 * systems), and scores the result against the generator's ground truth.
 * Run: npx tsx middleware/bench/matching.ts [accounts] [customers] [seed]
 */
import { evaluateProposals, type Quality } from '../src/matching/evaluate';
import { matchCustomers } from '../src/matching/customer-matcher';
import { generateSynthetic } from '../src/matching/synthetic';
import type { MatchAccount, MatchCustomer } from '../src/matching/types';

export interface MatchingBenchResult {
  accounts: number;
  customers: number;
  /** Wall time of matchCustomers, including duplicate search (first run, cold). */
  matchMs: number;
  /** Wall time of a second run without duplicate search (warm). */
  crossOnlyMs: number;
  exact: number;
  probable: number;
  duplicateAccountGroups: number;
  duplicateCustomerGroups: number;
  /** Peak resident set size of this process so far (includes the generated data). */
  peakRssMb: number;
  heapUsedMb: number;
}

export function benchMatching(input: { accounts: MatchAccount[]; customers: MatchCustomer[] }): MatchingBenchResult {
  // The full run goes first, on a cold JIT, as an onboarding run would.
  const start = performance.now();
  const result = matchCustomers(input.accounts, input.customers);
  const matchMs = performance.now() - start;
  const startCross = performance.now();
  matchCustomers(input.accounts, input.customers, { duplicates: false });
  const crossOnlyMs = performance.now() - startCross;
  const usage = process.resourceUsage();
  return {
    accounts: input.accounts.length,
    customers: input.customers.length,
    matchMs: Math.round(matchMs),
    crossOnlyMs: Math.round(crossOnlyMs),
    exact: result.exact.length,
    probable: result.probable.length,
    duplicateAccountGroups: result.duplicateAccounts.length,
    duplicateCustomerGroups: result.duplicateCustomers.length,
    peakRssMb: Math.round(usage.maxRSS / 1024),
    heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576),
  };
}

/** Generates the set, benchmarks it, and scores it against ground truth. */
export function benchMatchingSynthetic(accounts = 50_000, customers = 20_000, seed = 7): MatchingBenchResult & { generateMs: number; quality: Quality } {
  const t0 = performance.now();
  const data = generateSynthetic({ seed, accounts, customers, products: 10, items: 10 });
  const generateMs = Math.round(performance.now() - t0);
  const figures = benchMatching(data);
  const result = matchCustomers(data.accounts, data.customers);
  const quality = evaluateProposals(
    [...result.exact, ...result.probable].map((p) => ({ left: p.accountId, right: p.customerId, tier: p.tier })),
    { left: data.truth.account, right: data.truth.customer },
    { left: result.duplicateAccounts.map((g) => g.ids), right: result.duplicateCustomers.map((g) => g.ids) },
  );
  return { ...figures, generateMs, quality };
}

if (require.main === module) {
  const [accounts, customers, seed] = process.argv.slice(2).map(Number);
  const r = benchMatchingSynthetic(accounts || undefined, customers || undefined, seed || undefined);
  const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
  console.log(`matching ${r.accounts} Accounts × ${r.customers} customers (generated in ${r.generateMs} ms)`);
  console.log(`  match + duplicates: ${(r.matchMs / 1000).toFixed(2)} s   match only: ${(r.crossOnlyMs / 1000).toFixed(2)} s`);
  console.log(`  peak RSS ${r.peakRssMb} MB, heap used ${r.heapUsedMb} MB`);
  console.log(`  proposals: ${r.exact} exact, ${r.probable} probable; duplicate groups: ${r.duplicateAccountGroups} Accounts, ${r.duplicateCustomerGroups} customers`);
  console.log(`  precision ${pct(r.quality.precision)} (exact ${pct(r.quality.exact.precision)}, probable ${pct(r.quality.probable.precision)}), recall ${pct(r.quality.recall)}`);
}
