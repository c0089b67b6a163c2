/**
 * Product2 ↔ QBO items: an existing id link first, then the SKU (ProductCode = Item.Sku, or the item's
 * name when it carries the code, as the invoice engine maps them), then the normalized name.
 */
import { assign, type Assigned, type ScoredPair } from './assign';
import { BlockIndex, deletionForms } from './blocking';
import { findDuplicateLinks, groupLinks } from './duplicates';
import { compareNames, type NameComparison } from './name-compare';
import { normalizeSku } from './normalize-contact';
import { foldText, stripQboArtifacts, words, type NormalizedName } from './normalize-name';
import { toScore } from './scorer';
import type { Alternative, ItemMatchResult, ItemProposal, MatchItem, MatchProduct, Unmatched } from './types';

export const ITEM_WEIGHTS = {
  linkedId: 10, sku: 7, codeIsName: 6, skuConflict: -4, nameSame: 4, nameTypo: 3, nameSubset: -1, nameDifferent: -3,
} as const;
export const ITEM_PROBABLE_POINTS = 3;
/** A pair this strong is proposed even when the item is already taken (points at duplicates). */
export const ITEM_STRONG_POINTS = 10;

interface Article {
  id: string;
  name: NormalizedName;
  sku: string | null;
  /** The name read as a SKU (items whose name is the product code). */
  nameAsSku: string | null;
  linkedId: string | null;
  active: boolean;
}

function itemName(raw: string): NormalizedName {
  const tokens = words(foldText(stripQboArtifacts(raw)));
  const key = tokens.join('');
  return { tokens, key, digits: key.replace(/\D/g, '') };
}

const productArticle = (p: MatchProduct): Article => ({
  id: p.Id, name: itemName(p.Name ?? ''), sku: normalizeSku(p.ProductCode), nameAsSku: null,
  linkedId: p.QuickBooks_Item_Id__c?.trim() || null, active: true,
});

const itemArticle = (i: MatchItem): Article => ({
  id: i.Id, name: itemName(i.Name ?? ''), sku: normalizeSku(i.Sku), nameAsSku: normalizeSku(i.Name), linkedId: null,
  active: i.Active !== false && !/\(deleted\)\s*$/i.test(i.Name ?? ''),
});

function articleKeys(article: Article): string[] {
  const keys = new Set<string>([`l:${article.id}`]);
  if (article.linkedId) keys.add(`l:${article.linkedId}`);
  if (article.sku) keys.add(`s:${article.sku}`);
  if (article.nameAsSku) keys.add(`s:${article.nameAsSku}`);
  if (article.name.key) keys.add(`n:${article.name.key}`);
  for (const token of article.name.tokens) for (const form of deletionForms(token)) keys.add(`w:${form}`);
  return [...keys];
}

export interface ItemPairScore {
  points: number;
  score: number;
  reasons: string[];
  exactEligible: boolean;
}

/** Evidence for one product ↔ item pair, or for two records of one system (duplicates). */
export function scoreArticles(p: Article, i: Article): ItemPairScore {
  const reasons: string[] = [];
  let points = 0;
  const linked = p.linkedId !== null && p.linkedId === i.id;
  if (linked) { points += ITEM_WEIGHTS.linkedId; reasons.push(`already linked: QuickBooks_Item_Id__c = ${i.id}`); }
  const skuSame = p.sku !== null && p.sku === i.sku;
  const codeIsName = !skuSame && p.sku !== null && p.sku === i.nameAsSku;
  if (skuSame) { points += ITEM_WEIGHTS.sku; reasons.push(`same SKU ${p.sku}`); }
  else if (codeIsName) { points += ITEM_WEIGHTS.codeIsName; reasons.push(`item name is the product code ${p.sku}`); }
  const skuConflict = p.sku !== null && i.sku !== null && p.sku !== i.sku && !codeIsName;
  if (skuConflict) { points += ITEM_WEIGHTS.skuConflict; reasons.push('but different SKUs'); }
  const name: NameComparison = compareNames(p.name, i.name);
  if (!codeIsName) points += nameEvidence(name, reasons);
  const exactEligible = i.active && (linked || (skuSame && name.relation !== 'different') || codeIsName
    || (name.relation === 'same' && !skuConflict));
  if (!i.active) reasons.push('but the QuickBooks item is inactive');
  return { points, score: toScore(points + 2), reasons, exactEligible };
}

function nameEvidence(name: NameComparison, reasons: string[]): number {
  switch (name.relation) {
    case 'same': reasons.push('same normalized name'); return ITEM_WEIGHTS.nameSame;
    case 'typo': reasons.push('names differ by a typo'); return ITEM_WEIGHTS.nameTypo;
    case 'subset': reasons.push(`one name has more words (${name.extra.join(', ')})`); return ITEM_WEIGHTS.nameSubset;
    case 'different': reasons.push('but the names differ'); return ITEM_WEIGHTS.nameDifferent;
    default: return 0;
  }
}

export function matchItems(products: MatchProduct[], items: MatchItem[], options: { maxBlock?: number; duplicates?: boolean } = {}): ItemMatchResult {
  const maxBlock = options.maxBlock ?? 100;
  const P = products.map(productArticle);
  const I = items.map(itemArticle);
  const pKeys = P.map(articleKeys);
  const iKeys = I.map(articleKeys);
  const index = new BlockIndex(maxBlock);
  iKeys.forEach((keys, i) => index.add(i, keys));
  const pairs: ScoredPair[] = [];
  const hintP = new Map<number, ScoredPair>();
  const hintI = new Map<number, ScoredPair>();
  P.forEach((product, p) => {
    for (const i of index.candidates(pKeys[p] as string[])) {
      const s = scoreArticles(product, I[i] as Article);
      const pair: ScoredPair = { a: p, b: i, ...s };
      if (s.points > (hintP.get(p)?.points ?? 0)) hintP.set(p, pair);
      if (s.points > (hintI.get(i)?.points ?? 0)) hintI.set(i, pair);
      if (s.exactEligible || s.points >= ITEM_PROBABLE_POINTS) pairs.push(pair);
    }
  });
  const assignment = assign(pairs, (p) => `Product ${(P[p] as Article).id}`, ITEM_PROBABLE_POINTS, ITEM_STRONG_POINTS);
  const toProposal = (x: Assigned): ItemProposal => ({
    productId: (P[x.pair.a] as Article).id, itemId: (I[x.pair.b] as Article).id, score: x.pair.score, tier: x.tier,
    reasons: x.reasons, alternatives: x.alternatives.map((q) => hint((I[q.b] as Article).id, q)),
  });
  const proposals = assignment.proposals.map(toProposal);
  const matchedP = new Set(assignment.proposals.map((x) => x.pair.a));
  const matchedI = new Set(assignment.proposals.map((x) => x.pair.b));
  const unmatched = (list: Article[], matched: Set<number>, hints: Map<number, ScoredPair>, other: (q: ScoredPair) => string): Unmatched[] =>
    list.flatMap((article, k) => {
      if (matched.has(k)) return [];
      const near = hints.get(k);
      return [near ? { id: article.id, nearest: hint(other(near), near) } : { id: article.id }];
    });
  const result: ItemMatchResult = {
    exact: proposals.filter((x) => x.tier === 'exact'),
    probable: proposals.filter((x) => x.tier === 'probable'),
    unmatchedProducts: unmatched(P, matchedP, hintP, (q) => (I[q.b] as Article).id),
    unmatchedItems: unmatched(I, matchedI, hintI, (q) => (P[q.a] as Article).id),
    duplicateProducts: [],
    duplicateItems: [],
  };
  if (options.duplicates === false) return result;
  const within = (list: Article[], keys: string[][]) => groupLinks(findDuplicateLinks({
    count: list.length, keysOf: (k) => keys[k] as string[], maxBlock,
    score: (x, y) => ({ x, y, ...scoreArticles({ ...(list[x] as Article), linkedId: null }, list[y] as Article) }),
  }, ITEM_PROBABLE_POINTS + 1), (k) => (list[k] as Article).id);
  result.duplicateProducts = within(P, pKeys);
  result.duplicateItems = within(I, iKeys);
  return result;
}

function hint(id: string, pair: { score: number; reasons: string[] }): Alternative {
  return { id, score: pair.score, reasons: pair.reasons };
}
