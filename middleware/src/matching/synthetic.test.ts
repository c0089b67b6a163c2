import { matchCustomers } from './customer-matcher';
import { evaluateProposals } from './evaluate';
import { generateSynthetic } from './synthetic';

describe('generateSynthetic', () => {
  it('is deterministic per seed and different across seeds', () => {
    const a = generateSynthetic({ seed: 5, accounts: 300, customers: 200 });
    const b = generateSynthetic({ seed: 5, accounts: 300, customers: 200 });
    const c = generateSynthetic({ seed: 6, accounts: 300, customers: 200 });
    expect(b.accounts).toEqual(a.accounts);
    expect(b.customers).toEqual(a.customers);
    expect(c.accounts.map((x) => x.Name)).not.toEqual(a.accounts.map((x) => x.Name));
  });

  it('has the hard cases the acceptance needs: variants, duplicates, look-alikes, public mailboxes, unique DisplayNames', () => {
    const d = generateSynthetic({ seed: 11 });
    expect(d.accounts).toHaveLength(2000);
    expect(d.customers).toHaveLength(1500);
    const companies = [...d.truth.customer.values()];
    expect(new Set(companies).size).toBeLessThan(companies.length);
    expect(d.customers.some((c) => /@(gmail|yahoo|hotmail|outlook)\.com$/i.test(c.PrimaryEmailAddr?.Address ?? ''))).toBe(true);
    const displayNames = d.customers.map((c) => c.DisplayName.toLowerCase());
    expect(new Set(displayNames).size).toBe(displayNames.length);
    const baseNames = new Set(d.companies.map((c) => c.core));
    expect(d.companies.filter((c) => [...baseNames].some((b) => b !== c.core && c.core.startsWith(`${b} `))).length).toBeGreaterThan(20);
    expect(d.accounts.filter((a) => a.QuickBooks_Customer_Id__c).length).toBeGreaterThan(50);
  });

  it('the matcher reaches precision 0.98 and recall 0.90 on a generated set', () => {
    const d = generateSynthetic({ seed: 42 });
    const r = matchCustomers(d.accounts, d.customers);
    const q = evaluateProposals(
      [...r.exact, ...r.probable].map((p) => ({ left: p.accountId, right: p.customerId, tier: p.tier })),
      { left: d.truth.account, right: d.truth.customer },
      { left: [], right: [] },
    );
    expect(q.precision).toBeGreaterThanOrEqual(0.98);
    expect(q.exact.precision).toBeGreaterThanOrEqual(0.995);
    expect(q.recall).toBeGreaterThanOrEqual(0.9);
  });
});

describe('evaluateProposals', () => {
  it('counts correct proposals and covered records on both sides', () => {
    const truth = { left: new Map([['a1', 'X'], ['a2', 'Y'], ['a3', 'Z']]), right: new Map([['c1', 'X'], ['c2', 'Q'], ['c3', 'Y']]) };
    const q = evaluateProposals([{ left: 'a1', right: 'c1', tier: 'exact' }, { left: 'a2', right: 'c2', tier: 'probable' }], truth, { left: [['a1', 'a3']], right: [] });
    expect(q.precision).toBe(0.5);
    expect(q.matchable).toBe(4);
    expect(q.recall).toBe(0.5);
    expect(q.duplicates.left).toMatchObject({ truePairs: 0, reportedPairs: 1, correctPairs: 0, precision: 0 });
  });
});
