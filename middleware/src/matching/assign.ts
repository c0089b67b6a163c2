/**
 * Turns scored candidate pairs into proposals: one-to-one in the exact tier (strongest pair first),
 * one proposal per left-side record, the rest kept as alternatives or hints.
 */
import { EXACT_POINTS, PROBABLE_POINTS } from './scorer';

export interface ScoredPair {
  a: number;
  b: number;
  points: number;
  score: number;
  reasons: string[];
  exactEligible: boolean;
}

export interface Assigned {
  pair: ScoredPair;
  tier: 'exact' | 'probable';
  reasons: string[];
  alternatives: ScoredPair[];
}

export interface Assignment {
  proposals: Assigned[];
  /** Two left records that both matched one right record exactly: likely duplicates (left side). */
  leftTwins: Array<{ x: number; y: number; via: number }>;
  /** One left record that matched two right records exactly: likely duplicates (right side). */
  rightTwins: Array<{ x: number; y: number; via: number }>;
}

const byStrength = (p: ScoredPair, q: ScoredPair): number => q.points - p.points || p.a - q.a || p.b - q.b;

/**
 * @param probablePoints pairs at or above it are proposed (one per left record)
 * @param strongPoints a pair this strong is proposed even when its right record is already taken
 */
export function assign(pairs: ScoredPair[], leftLabel: (a: number) => string, probablePoints = PROBABLE_POINTS, strongPoints = EXACT_POINTS): Assignment {
  const exactOfA = new Map<number, Assigned>();
  const exactOfB = new Map<number, Assigned>();
  const leftTwins: Assignment['leftTwins'] = [];
  const rightTwins: Assignment['rightTwins'] = [];
  const demoted = new Map<ScoredPair, string>();
  for (const pair of pairs.filter((p) => p.exactEligible).sort(byStrength)) {
    const heldA = exactOfA.get(pair.a);
    const heldB = exactOfB.get(pair.b);
    if (!heldA && !heldB) {
      const assigned: Assigned = { pair, tier: 'exact', reasons: pair.reasons, alternatives: [] };
      exactOfA.set(pair.a, assigned);
      exactOfB.set(pair.b, assigned);
    } else if (heldA) {
      rightTwins.push({ x: heldA.pair.b, y: pair.b, via: pair.a });
    } else if (heldB) {
      leftTwins.push({ x: heldB.pair.a, y: pair.a, via: pair.b });
      demoted.set(pair, `would be exact, but the same record already matches ${leftLabel(heldB.pair.a)} exactly (possible duplicate)`);
    }
  }
  const proposalOfA = new Map<number, Assigned>(exactOfA);
  const probableOfB = new Map<number, Assigned>();
  for (const pair of pairs.filter((p) => p.points >= probablePoints || demoted.has(p)).sort(byStrength)) {
    const own = proposalOfA.get(pair.a);
    if (own) {
      if (own.pair === pair) continue;
      own.alternatives.push(pair);
      // A record linked exactly that also matches another right record strongly: twins on the right side.
      if (own.tier === 'exact' && pair.points >= strongPoints && !demoted.has(pair)) rightTwins.push({ x: own.pair.b, y: pair.b, via: pair.a });
      continue;
    }
    let note = demoted.get(pair);
    const holder = exactOfB.get(pair.b) ?? probableOfB.get(pair.b);
    if (!note && holder) {
      // A weak second claim is only a hint; a strong one is shown, since it points at duplicate records.
      if (pair.points < strongPoints) continue;
      note = `the same record is also proposed for ${leftLabel(holder.pair.a)} (possible duplicate)`;
      // Twins on the left side: the right record is already linked exactly (often by id) to another left record.
      if (holder.tier === 'exact') leftTwins.push({ x: holder.pair.a, y: pair.a, via: pair.b });
    }
    const assigned: Assigned = { pair, tier: 'probable', reasons: note ? [...pair.reasons, note] : pair.reasons, alternatives: [] };
    proposalOfA.set(pair.a, assigned);
    if (!probableOfB.has(pair.b)) probableOfB.set(pair.b, assigned);
  }
  const proposals = [...proposalOfA.values()].sort((x, y) => byStrength(x.pair, y.pair));
  return { proposals, leftTwins, rightTwins };
}
