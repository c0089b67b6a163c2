/**
 * Prints matching quality with known ground truth, on two sets:
 * - the generated onboarding set (synthetic.ts): precision and recall of exact + probable proposals, per
 *   tier, and of duplicate groups; exits 1 when precision < 0.98 or recall < 0.90 on any seed;
 * - the hand-written realistic set (test/fixtures/matching/realistic-customers.csv): false links, exact-tier
 *   and all-tier recall per company, duplicate pairs found; exits 1 when a target is missed
 *   (0 false links, exact >= 85%, all tiers >= 95%, duplicate pairs >= 90% in each system).
 * Run: npx tsx middleware/scripts/match-quality.ts [accounts] [customers] [seed...]
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  evaluateProposals, evaluateSet, generateSynthetic, matchCustomers, matchItems, missedTargets, parseEvaluationSet,
  REALISTIC_TARGETS, type Quality,
} from '../src/matching';

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const REALISTIC_SET = path.join(__dirname, '..', 'test', 'fixtures', 'matching', 'realistic-customers.csv');

function line(label: string, q: Quality): string {
  return `${label}: precision ${pct(q.precision)} (${q.correct}/${q.proposals}; exact ${pct(q.exact.precision)} of ${q.exact.proposals}, `
    + `probable ${pct(q.probable.precision)} of ${q.probable.proposals}), recall ${pct(q.recall)} (${q.covered}/${q.matchable} records; `
    + `exact tier ${pct(q.exactRecall)})`;
}

function duplicates(q: Quality): string {
  const d = q.duplicates;
  return `duplicate Accounts: precision ${pct(d.left.precision)}, recall ${pct(d.left.recall)} (${d.left.correctPairs}/${d.left.truePairs} true pairs); `
    + `duplicate customers: precision ${pct(d.right.precision)}, recall ${pct(d.right.recall)} (${d.right.correctPairs}/${d.right.truePairs} true pairs)`;
}

function synthetic(accounts: number, customers: number, seed: number): boolean {
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
  console.log(`synthetic seed ${seed}: ${accounts} Accounts × ${customers} customers, ${data.products.length} products × ${data.items.length} items`);
  console.log(`  ${line('customers', q)}`);
  console.log(`  ${duplicates(q)}`);
  console.log(`  ${line('items', qi)}`);
  return q.precision >= 0.98 && q.recall >= 0.9;
}

function realistic(): string[] {
  const set = parseEvaluationSet(readFileSync(REALISTIC_SET, 'utf8'));
  const q = evaluateSet(set);
  const c = q.companies;
  const t = REALISTIC_TARGETS;
  console.log(`realistic set ${path.relative(process.cwd(), REALISTIC_SET)}: ${set.accounts.length} Accounts × ${set.customers.length} customers, ${c.matchable} companies in both systems`);
  console.log(`  false links: ${q.falseLinks} of ${q.proposals} proposals (${q.exact.proposals} exact, ${q.probable.proposals} probable)   target ${t.falseLinks}`);
  console.log(`  companies linked: exact tier ${pct(c.exactRecall)} (${c.exact}/${c.matchable}), all tiers ${pct(c.recall)} (${c.any}/${c.matchable})   targets ${pct(t.exactRecall)} / ${pct(t.recall)}`);
  console.log(`  records covered: exact tier ${pct(q.exactRecall)}, all tiers ${pct(q.recall)} (${q.covered}/${q.matchable}; a duplicate's second record cannot be linked)`);
  console.log(`  ${duplicates(q)}   target ${pct(t.duplicateRecall)} each`);
  return missedTargets(q);
}

function main(): number {
  const [accountsArg, customersArg, ...seedArgs] = process.argv.slice(2).map(Number);
  const accounts = accountsArg || 2000;
  const customers = customersArg || 1500;
  const seeds = seedArgs.length > 0 ? seedArgs : [1, 2, 3];
  let syntheticOk = true;
  for (const seed of seeds) syntheticOk = synthetic(accounts, customers, seed) && syntheticOk;
  console.log(syntheticOk ? 'PASS synthetic: precision >= 0.98 and recall >= 0.90 on every seed' : 'FAIL synthetic: below precision 0.98 / recall 0.90');
  const missed = realistic();
  console.log(missed.length === 0 ? 'PASS realistic: every target met' : `FAIL realistic: ${missed.join('; ')}`);
  return syntheticOk && missed.length === 0 ? 0 : 1;
}

process.exitCode = main();
