/**
 * One company's QBO customers, indexed once, for single-record questions from the invoice engine:
 * "which customer is this Account?" and "is creating a new customer safe?".
 */
import { BlockIndex, partyKeys } from './blocking';
import { alternative, isExactEligible } from './customer-matcher';
import { accountParty, customerParty, type Party } from './party';
import { PROBABLE_POINTS, scorePair } from './scorer';
import { SharedValues } from './shared-values';
import type { MatchAccount, MatchCustomer, Proposal } from './types';

export interface CustomerIndex {
  readonly parties: Party[];
  readonly shared: SharedValues;
  readonly blocks: BlockIndex;
}

export interface BestCustomerMatch {
  /**
   * exact: link to `proposal.customerId` without asking.
   * probable: a person must decide; creating a new customer now could duplicate one.
   * none: no customer resembles the Account; creating one is safe.
   */
  tier: 'exact' | 'probable' | 'none';
  proposal: Proposal | null;
  /** Every customer at or above the probable line, strongest first. */
  candidates: Proposal[];
}

export function buildCustomerIndex(customers: MatchCustomer[], options: { maxBlock?: number; sharedLimit?: number } = {}): CustomerIndex {
  const parties = customers.map(customerParty);
  const shared = new SharedValues(parties, options.sharedLimit ?? 3);
  const blocks = new BlockIndex(options.maxBlock ?? 100);
  parties.forEach((party, i) => blocks.add(i, partyKeys(party, shared)));
  return { parties, shared, blocks };
}

export function bestCustomerMatch(account: MatchAccount, index: CustomerIndex): BestCustomerMatch {
  const party = accountParty(account);
  const found: Array<{ proposal: Proposal; points: number; eligible: boolean }> = [];
  for (const b of index.blocks.candidates(partyKeys(party, index.shared))) {
    const customer = index.parties[b] as Party;
    const quick = scorePair(party, customer, index.shared, false);
    if (!quick.linked && quick.points < PROBABLE_POINTS) continue;
    const s = scorePair(party, customer, index.shared);
    const eligible = isExactEligible(s, customer);
    const reasons = customer.active ? s.reasons : [...s.reasons, 'but the QuickBooks customer is inactive'];
    found.push({
      proposal: { accountId: party.id, customerId: customer.id, score: s.score, tier: eligible ? 'exact' : 'probable', reasons, alternatives: [] },
      points: s.points,
      eligible,
    });
  }
  found.sort((x, y) => Number(y.eligible) - Number(x.eligible) || y.points - x.points || x.proposal.customerId.localeCompare(y.proposal.customerId));
  const candidates = found.map((f) => f.proposal);
  const best = found[0];
  if (!best) return { tier: 'none', proposal: null, candidates };
  const rivals = found.slice(1).filter((f) => f.eligible);
  if (best.eligible && rivals.length === 0) {
    const proposal = { ...best.proposal, alternatives: candidates.slice(1).map((p) => alternative(p.customerId, p)) };
    return { tier: 'exact', proposal, candidates };
  }
  const note = rivals.length > 0 ? [`${rivals.length + 1} QuickBooks customers match exactly (duplicates in QuickBooks?)`] : [];
  const proposal: Proposal = {
    ...best.proposal,
    tier: 'probable',
    reasons: [...best.proposal.reasons, ...note],
    alternatives: candidates.slice(1).map((p) => alternative(p.customerId, p)),
  };
  return { tier: 'probable', proposal, candidates };
}
