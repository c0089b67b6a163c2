/**
 * Salesforce Accounts ↔ QBO customers: blocking, scoring, one-to-one assignment, duplicates.
 * Pure: reads arrays, returns proposals; links nothing.
 */
import { assign, type Assigned, type ScoredPair } from './assign';
import { BlockIndex, partyKeys } from './blocking';
import { DUPLICATE_POINTS, findDuplicateLinks, groupLinks, type DuplicateLink } from './duplicates';
import { accountParty, customerParty, type Party } from './party';
import { EXACT_POINTS, HINT_POINTS, PROBABLE_POINTS, WEIGHTS, scorePair, toScore, type PairScore } from './scorer';
import { SharedValues } from './shared-values';
import type { Alternative, CustomerMatchResult, MatchAccount, MatchCustomer, Proposal, Unmatched } from './types';

export interface MatchOptions {
  /** Block keys shared by more records than this are not used for candidates (default 100). */
  maxBlock?: number;
  /** A contact value used under more distinct names than this is ignored as evidence (default 3). */
  sharedLimit?: number;
  /** Also look for duplicates inside each system (default true). */
  duplicates?: boolean;
}

/** May this pair be linked without a person? See README "Tiers". */
export function isExactEligible(score: PairScore, customer: Party): boolean {
  if (!customer.active) return false;
  if (score.linked) return true;
  const sameName = score.name.relation === 'same' || score.formLift;
  return sameName && score.corroborated && !score.conflict && score.points >= EXACT_POINTS;
}

function scored(a: number, b: number, s: PairScore, customer: Party): ScoredPair {
  const exactEligible = isExactEligible(s, customer);
  const reasons = !customer.active ? [...s.reasons, 'but the QuickBooks customer is inactive'] : s.reasons;
  return { a, b, points: s.points, score: s.score, reasons, exactEligible };
}

export function matchCustomers(accounts: MatchAccount[], customers: MatchCustomer[], options: MatchOptions = {}): CustomerMatchResult {
  const maxBlock = options.maxBlock ?? 100;
  const A = accounts.map(accountParty);
  const C = customers.map(customerParty);
  const shared = new SharedValues(concat(A, C), options.sharedLimit ?? 3);
  const aKeys = A.map((p) => partyKeys(p, shared));
  const cKeys = C.map((p) => partyKeys(p, shared));
  const index = new BlockIndex(maxBlock);
  cKeys.forEach((keys, b) => index.add(b, keys));
  const customerIds = new Set(C.map((c) => c.id));

  const pairs: ScoredPair[] = [];
  const hintA: Array<ScoredPair | undefined> = new Array(A.length);
  const hintB: Array<ScoredPair | undefined> = new Array(C.length);
  for (let a = 0; a < A.length; a += 1) {
    for (const b of index.candidates(aKeys[a] as string[])) {
      const quick = scorePair(A[a] as Party, C[b] as Party, shared, false);
      if (quick.points < HINT_POINTS && !quick.linked) continue;
      const s = scorePair(A[a] as Party, C[b] as Party, shared);
      const pair = scored(a, b, s, C[b] as Party);
      if (!hintA[a] || pair.points > (hintA[a] as ScoredPair).points) hintA[a] = pair;
      if (!hintB[b] || pair.points > (hintB[b] as ScoredPair).points) hintB[b] = pair;
      if (pair.exactEligible || pair.points >= PROBABLE_POINTS) pairs.push(pair);
    }
  }
  const assignment = assign(pairs, (a) => `Account ${(A[a] as Party).id}`);
  const toProposal = (x: Assigned): Proposal => ({
    accountId: (A[x.pair.a] as Party).id,
    customerId: (C[x.pair.b] as Party).id,
    score: x.pair.score,
    tier: x.tier,
    reasons: x.reasons,
    alternatives: x.alternatives.map((p) => alternative((C[p.b] as Party).id, p)),
  });
  const proposals = assignment.proposals.map(toProposal);
  const matchedA = new Set(assignment.proposals.map((x) => x.pair.a));
  const matchedB = new Set(assignment.proposals.map((x) => x.pair.b));

  const unmatchedAccounts: Unmatched[] = [];
  A.forEach((party, a) => {
    if (matchedA.has(a)) return;
    const hint = hintA[a];
    const entry: Unmatched = { id: party.id };
    if (hint) entry.nearest = alternative((C[hint.b] as Party).id, hint);
    if (party.linkedId && !customerIds.has(party.linkedId)) {
      entry.note = `QuickBooks_Customer_Id__c ${party.linkedId} is not among the QuickBooks customers read (stale link?)`;
    }
    unmatchedAccounts.push(entry);
  });
  const unmatchedCustomers: Unmatched[] = [];
  C.forEach((party, b) => {
    if (matchedB.has(b)) return;
    const hint = hintB[b];
    unmatchedCustomers.push(hint ? { id: party.id, nearest: alternative((A[hint.a] as Party).id, hint) } : { id: party.id });
  });

  const result: CustomerMatchResult = {
    exact: proposals.filter((p) => p.tier === 'exact'),
    probable: proposals.filter((p) => p.tier === 'probable'),
    unmatchedAccounts,
    unmatchedCustomers,
    duplicateAccounts: [],
    duplicateCustomers: [],
  };
  if (options.duplicates === false) return result;
  const twinLink = (x: number, y: number, text: string): DuplicateLink => ({
    x: Math.min(x, y), y: Math.max(x, y), points: EXACT_POINTS, score: toScore(EXACT_POINTS), reasons: [text],
  });
  const accountLinks = findDuplicateLinks({ count: A.length, keysOf: (i) => aKeys[i] as string[], score: (x, y) => duplicateLink(A, x, y, shared), maxBlock });
  for (const twin of assignment.leftTwins) accountLinks.push(twinLink(twin.x, twin.y, `both match QuickBooks customer ${(C[twin.via] as Party).id} exactly`));
  const customerLinks = findDuplicateLinks({ count: C.length, keysOf: (i) => cKeys[i] as string[], score: (x, y) => duplicateLink(C, x, y, shared), maxBlock });
  for (const twin of assignment.rightTwins) customerLinks.push(twinLink(twin.x, twin.y, `both match Account ${(A[twin.via] as Party).id} exactly`));
  result.duplicateAccounts = groupLinks(dedupeLinks(accountLinks), (i) => (A[i] as Party).id);
  result.duplicateCustomers = groupLinks(dedupeLinks(customerLinks), (i) => (C[i] as Party).id);
  return result;
}

export function alternative(id: string, pair: { score: number; reasons: string[] }): Alternative {
  return { id, score: pair.score, reasons: pair.reasons };
}

function duplicateLink(parties: Party[], x: number, y: number, shared: SharedValues): DuplicateLink {
  const px = parties[x] as Party;
  const py = parties[y] as Party;
  const sameLink = px.linkedId !== null && px.linkedId === py.linkedId;
  const bonus = sameLink ? WEIGHTS.linkedId : 0;
  const quick = scorePair(px, py, shared, false);
  const points = quick.points + bonus;
  if (points < DUPLICATE_POINTS) return { x, y, points, score: toScore(points), reasons: [] };
  const reasons = scorePair(px, py, shared).reasons;
  if (sameLink) reasons.unshift(`both carry the same linked id ${px.linkedId}`);
  return { x, y, points, score: toScore(points), reasons };
}

function dedupeLinks(links: DuplicateLink[]): DuplicateLink[] {
  const seen = new Map<string, DuplicateLink>();
  for (const link of links) {
    const key = `${link.x}:${link.y}`;
    const held = seen.get(key);
    if (!held) seen.set(key, link);
    else if (held !== link) held.reasons = [...held.reasons, ...link.reasons.filter((r) => !held.reasons.includes(r))];
  }
  return [...seen.values()];
}

function* concat<T>(...lists: T[][]): Iterable<T> {
  for (const list of lists) yield* list;
}
