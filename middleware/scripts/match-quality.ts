/**
 * Prints matching quality on the generated onboarding set (known ground truth):
 * precision and recall of exact + probable proposals, per tier, and of duplicate groups.
 * Run: npx tsx middleware/scripts/match-quality.ts [accounts] [customers] [seed...]
 * Exits 1 when precision < 0.98 or recall < 0.90 on any seed (the acceptance line of the issue).
 */
import { evaluateProposals, generateSynthetic, matchCustomers, matchItems, type Quality } from '../src/matching';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

function line(label: string, q: Quality): string {
  return `${label}: precision ${pct(q.precision)} (${q.correct}/${q.proposals}; exact ${pct(q.exact.precision)} of ${q.exact.proposals}, `
    + `probable ${pct(q.probable.precision)} of ${q.probable.proposals}), recall ${pct(q.recall)} (${q.covered}/${q.matchable} records)`;
}

function main(): number {
  const [accountsArg, customersArg, ...seedArgs] = process.argv.slice(2).map(Number);
  const accounts = accountsArg || 2000;
  const customers = customersArg || 1500;
  const seeds = seedArgs.length > 0 ? seedArgs : [1, 2, 3];
  let failed = false;
  for (const seed of seeds) {
    const data = generateSynthetic({ seed, accounts, customers });
    const r = matchCustomers(data.accounts, data.customers);
    const q = evaluateProposals(
      [...r.exact, ...r.probable].map((p) => ({ left: p.accountId, right: p.customerId, tier: p.tier })),
      { left: data.truth.account, right: data.truth.customer },
      { left: r.duplicateAccounts.map((g) => g.ids), right: r.duplicateCustomers.map((g) => g.ids) },
    );
    const items = matchItems(data.products, data.items);
    const qi = evaluateProposals(
      [...items.exact, ...items.probable].map((p) => ({ left: p.productId, right: p.itemId, tier: p.tier })),
      { left: data.truth.product, right: data.truth.item },
      { left: items.duplicateProducts.map((g) => g.ids), right: items.duplicateItems.map((g) => g.ids) },
    );
    console.log(`seed ${seed}: ${accounts} Accounts × ${customers} customers, ${data.products.length} products × ${data.items.length} items`);
    console.log(`  ${line('customers', q)}`);
    const d = q.duplicates;
    console.log(`  duplicate Accounts: precision ${pct(d.left.precision)}, recall ${pct(d.left.recall)} (${d.left.truePairs} true pairs); `
      + `duplicate customers: precision ${pct(d.right.precision)}, recall ${pct(d.right.recall)} (${d.right.truePairs} true pairs)`);
    console.log(`  ${line('items', qi)}`);
    if (q.precision < 0.98 || q.recall < 0.9) failed = true;
  }
  console.log(failed ? 'FAIL: below precision 0.98 / recall 0.90' : 'PASS: precision >= 0.98 and recall >= 0.90 on every seed');
  return failed ? 1 : 0;
}

process.exitCode = main();
