/**
 * Scores a matching run against ground truth (record id → real company id), as printed by
 * scripts/match-quality.ts and bench/matching.ts. Definitions (README "Measuring quality"):
 *   precision = proposals (exact + probable) whose two records are one company / all proposals
 *   recall    = records that have a counterpart on the other side and appear in a correct proposal,
 *               over all such records (both sides counted)
 *   exact recall: the same, counting exact proposals only
 *   companies: companies with records on both sides, and how many have a correct (exact) proposal; with
 *               duplicates only one record of each side can be linked, so this is the recall per company
 *   duplicates: pairs inside a reported group vs pairs of records of one company on one side.
 */
export interface Truth {
  left: Map<string, string>;
  right: Map<string, string>;
}

export interface Quality {
  proposals: number;
  correct: number;
  precision: number;
  recall: number;
  exact: { proposals: number; correct: number; precision: number };
  probable: { proposals: number; correct: number; precision: number };
  /** Records with a counterpart on the other side, and how many of them a correct proposal covers. */
  matchable: number;
  covered: number;
  exactCovered: number;
  exactRecall: number;
  companies: { matchable: number; exact: number; any: number; exactRecall: number; recall: number };
  /** Proposals that link two different companies. */
  falseLinks: number;
  duplicates: { left: PairQuality; right: PairQuality };
}

export interface PairQuality {
  truePairs: number;
  reportedPairs: number;
  correctPairs: number;
  precision: number;
  recall: number;
}

interface Linked {
  left: string;
  right: string;
  tier: 'exact' | 'probable';
}

const ratio = (num: number, den: number): number => (den === 0 ? 1 : num / den);

export function evaluateProposals(proposals: Linked[], truth: Truth, groups: { left: string[][]; right: string[][] }): Quality {
  const coveredLeft = new Set<string>();
  const coveredRight = new Set<string>();
  const exactCovered = new Set<string>();
  const companiesFound = { exact: new Set<string>(), any: new Set<string>() };
  const tally = { exact: [0, 0], probable: [0, 0] };
  for (const p of proposals) {
    const company = truth.left.get(p.left);
    const ok = company !== undefined && company === truth.right.get(p.right);
    tally[p.tier][0] += 1;
    if (ok) {
      tally[p.tier][1] += 1;
      coveredLeft.add(p.left);
      coveredRight.add(p.right);
      companiesFound.any.add(company);
      if (p.tier === 'exact') {
        exactCovered.add(`l:${p.left}`).add(`r:${p.right}`);
        companiesFound.exact.add(company);
      }
    }
  }
  const leftCompanies = new Set(truth.left.values());
  const rightCompanies = new Set(truth.right.values());
  let matchable = 0;
  for (const company of truth.left.values()) if (rightCompanies.has(company)) matchable += 1;
  for (const company of truth.right.values()) if (leftCompanies.has(company)) matchable += 1;
  const covered = coveredLeft.size + coveredRight.size;
  let bothSides = 0;
  for (const company of leftCompanies) if (rightCompanies.has(company)) bothSides += 1;
  const total = tally.exact[0]! + tally.probable[0]!;
  const correct = tally.exact[1]! + tally.probable[1]!;
  return {
    proposals: total,
    correct,
    precision: ratio(correct, total),
    recall: ratio(covered, matchable),
    exact: { proposals: tally.exact[0]!, correct: tally.exact[1]!, precision: ratio(tally.exact[1]!, tally.exact[0]!) },
    probable: { proposals: tally.probable[0]!, correct: tally.probable[1]!, precision: ratio(tally.probable[1]!, tally.probable[0]!) },
    matchable,
    covered,
    exactCovered: exactCovered.size,
    exactRecall: ratio(exactCovered.size, matchable),
    companies: {
      matchable: bothSides,
      exact: companiesFound.exact.size,
      any: companiesFound.any.size,
      exactRecall: ratio(companiesFound.exact.size, bothSides),
      recall: ratio(companiesFound.any.size, bothSides),
    },
    falseLinks: total - correct,
    duplicates: { left: pairQuality(groups.left, truth.left), right: pairQuality(groups.right, truth.right) },
  };
}

function pairQuality(groups: string[][], truth: Map<string, string>): PairQuality {
  const bySize = new Map<string, number>();
  for (const company of truth.values()) bySize.set(company, (bySize.get(company) ?? 0) + 1);
  let truePairs = 0;
  for (const n of bySize.values()) truePairs += (n * (n - 1)) / 2;
  let reportedPairs = 0;
  let correctPairs = 0;
  for (const ids of groups) {
    for (let i = 0; i < ids.length; i += 1) {
      for (let j = i + 1; j < ids.length; j += 1) {
        reportedPairs += 1;
        const company = truth.get(ids[i] as string);
        if (company !== undefined && company === truth.get(ids[j] as string)) correctPairs += 1;
      }
    }
  }
  return { truePairs, reportedPairs, correctPairs, precision: ratio(correctPairs, reportedPairs), recall: ratio(correctPairs, truePairs) };
}
