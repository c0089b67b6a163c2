/** Compares two normalized company names and says how they differ, not only how much. */
import type { NormalizedName } from './normalize-name';
import { editDistance, jaroWinkler, typoBudget } from './similarity';

export type NameRelation =
  /** Same key after normalization. */
  | 'same'
  /** Same words, one or two letters off (a typo), numbers equal. */
  | 'typo'
  /** One name has every word of the other plus more ("Acme Corp" / "Acme Corp West"): often another company. */
  | 'subset'
  /** Different words but close spelling overall. */
  | 'similar'
  | 'different'
  /** One side has no usable name. */
  | 'missing';

export interface NameComparison {
  relation: NameRelation;
  /** Jaro-Winkler similarity of the keys, 0..1. */
  similarity: number;
  /** Words found on one side only (after typo-tolerant alignment). */
  extra: string[];
}

const DIGITS = /\d/;

export function compareNames(a: NormalizedName, b: NormalizedName): NameComparison {
  if (!a.key || !b.key) return { relation: 'missing', similarity: 0, extra: [] };
  if (a.key === b.key) return { relation: 'same', similarity: 1, extra: [] };
  const used = new Uint8Array(b.tokens.length);
  const leftover: string[] = [];
  for (const token of a.tokens) {
    const at = indexOfUnused(b.tokens, used, token);
    if (at >= 0) used[at] = 1;
    else leftover.push(token);
  }
  const extraA: string[] = [];
  for (const token of leftover) {
    let at = -1;
    for (let j = 0; j < b.tokens.length && at < 0; j += 1) if (!used[j] && isTypoOf(token, b.tokens[j] as string)) at = j;
    if (at >= 0) used[at] = 1;
    else extraA.push(token);
  }
  const extraB = b.tokens.filter((_, j) => !used[j]);
  const extra = [...extraA, ...extraB];
  if (extra.length === 0) return { relation: 'typo', similarity: jaroWinkler(a.key, b.key), extra };
  if (splitTypo(a, b, extraA, extraB)) return { relation: 'typo', similarity: jaroWinkler(a.key, b.key), extra: [] };
  if (extraA.length === 0 || extraB.length === 0) return { relation: 'subset', similarity: 0, extra };
  const similarity = jaroWinkler(a.key, b.key);
  return { relation: similarity >= 0.9 ? 'similar' : 'different', similarity, extra };
}

function indexOfUnused(tokens: string[], used: Uint8Array, token: string): number {
  for (let j = 0; j < tokens.length; j += 1) if (!used[j] && tokens[j] === token) return j;
  return -1;
}

/**
 * Words split or joined differently and a typo on top ("Blue Sky Plumbng" / "Bluesky Plumbing"):
 * the keys are within the typo budget. Cheap length tests first; the edit distance only when they pass.
 */
function splitTypo(a: NormalizedName, b: NormalizedName, extraA: string[], extraB: string[]): boolean {
  if (a.digits !== b.digits) return false;
  const budget = Math.min(2, typoBudget(Math.min(a.key.length, b.key.length)));
  if (budget === 0 || Math.abs(a.key.length - b.key.length) > budget) return false;
  const lengthA = extraA.reduce((n, t) => n + t.length, 0);
  const lengthB = extraB.reduce((n, t) => n + t.length, 0);
  if (Math.abs(lengthA - lengthB) > budget) return false;
  return editDistance(a.key, b.key, budget) <= budget;
}

/** Two words that differ by a slip of the keyboard; words with digits must be equal. */
export function isTypoOf(x: string, y: string): boolean {
  if (DIGITS.test(x) || DIGITS.test(y)) return false;
  const budget = typoBudget(Math.min(x.length, y.length));
  return budget > 0 && editDistance(x, y, budget) <= budget;
}

/** The closest relation among every pair of name variants (a customer has DisplayName and CompanyName). */
export function compareNameSets(a: NormalizedName[], b: NormalizedName[]): NameComparison {
  const order: NameRelation[] = ['same', 'typo', 'subset', 'similar', 'different', 'missing'];
  let best: NameComparison = { relation: 'missing', similarity: 0, extra: [] };
  for (const x of a) {
    for (const y of b) {
      const found = compareNames(x, y);
      const better = order.indexOf(found.relation) < order.indexOf(best.relation)
        || (found.relation === best.relation && found.similarity > best.similarity);
      if (better) best = found;
      if (best.relation === 'same') return best;
    }
  }
  return best;
}
