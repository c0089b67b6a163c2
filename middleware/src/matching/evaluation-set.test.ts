import { readFileSync } from 'node:fs';
import path from 'node:path';
import { evaluateProposals } from './evaluate';
import { evaluateSet, missedTargets, parseEvaluationSet } from './evaluation-set';

const FIXTURE = path.join(__dirname, '..', '..', 'test', 'fixtures', 'matching', 'realistic-customers.csv');

describe('realistic evaluation set', () => {
  const set = parseEvaluationSet(readFileSync(FIXTURE, 'utf8'));

  it('has the size the goal asks for: 150+ companies in both systems, as many one-sided look-alikes, duplicates on each side', () => {
    const accountCompanies = new Set(set.truth.account.values());
    const customerCompanies = new Set(set.truth.customer.values());
    const both = [...accountCompanies].filter((c) => customerCompanies.has(c));
    const oneSided = [...set.truth.account.values(), ...set.truth.customer.values()].filter((c) => !(accountCompanies.has(c) && customerCompanies.has(c)));
    expect(both.length).toBeGreaterThanOrEqual(150);
    expect(oneSided.length).toBeGreaterThanOrEqual(150);
    expect(set.accounts.length - accountCompanies.size).toBeGreaterThanOrEqual(15);
    expect(set.customers.length - customerCompanies.size).toBeGreaterThanOrEqual(15);
  });

  it('meets the targets: 0 false links, exact-tier recall >= 85%, all tiers >= 95%, duplicate pairs >= 90%', () => {
    const q = evaluateSet(set);
    expect(missedTargets(q)).toEqual([]);
    expect(q.falseLinks).toBe(0);
  });

  it('refuses a malformed set, naming the line', () => {
    const header = 'side,truth,id,name,company,email,phone,website,street,city,state,postal,country,linked,active';
    expect(() => parseEvaluationSet(`${header}\nX,p1,1,Acme,,,,,,,,,,,\n`)).toThrow(/line 2: side must be A/);
    expect(() => parseEvaluationSet(`${header}\nC,p1,1,Acme,,,,,,,,,,,\nC,p2,1,Acme 2,,,,,,,,,,,\n`)).toThrow(/line 3: id 1 appears twice/);
    expect(() => parseEvaluationSet('id,name\n')).toThrow(/header/);
  });
});

describe('evaluateProposals per tier and per company', () => {
  it('counts exact-tier coverage, companies linked and false links; a duplicate\'s second record stays uncovered', () => {
    const truth = {
      left: new Map([['a1', 'X'], ['a2', 'X'], ['a3', 'Y'], ['a4', 'Z']]),
      right: new Map([['c1', 'X'], ['c3', 'Y'], ['c4', 'Z'], ['c5', 'W']]),
    };
    const q = evaluateProposals([
      { left: 'a1', right: 'c1', tier: 'exact' },
      { left: 'a3', right: 'c3', tier: 'probable' },
      { left: 'a4', right: 'c5', tier: 'probable' },
    ], truth, { left: [], right: [] });
    expect(q.matchable).toBe(7);
    expect(q.exactCovered).toBe(2);
    expect(q.exactRecall).toBeCloseTo(2 / 7);
    expect(q.companies).toEqual({ matchable: 3, exact: 1, any: 2, exactRecall: 1 / 3, recall: 2 / 3 });
    expect(q.falseLinks).toBe(1);
    expect(missedTargets(q)).toEqual(expect.arrayContaining([expect.stringMatching(/1 false links/), expect.stringMatching(/exact-tier recall 0.333/)]));
  });
});
