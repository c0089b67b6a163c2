/**
 * Onboarding an existing business: match Salesforce Accounts ↔ QBO customers and Product2 ↔ QBO items,
 * find duplicates in each system, report, and plan links from exact matches or an edited report.
 * Pure functions, no I/O (see README.md for tiers and scoring).
 */
export { matchCustomers, isExactEligible, type MatchOptions } from './customer-matcher';
export { buildCustomerIndex, bestCustomerMatch, type BestCustomerMatch, type CustomerIndex } from './customer-index';
export { matchItems } from './item-matcher';
export { customerReportCsv, itemReportCsv, customerSummary, itemSummary, CUSTOMER_LABELS, ITEM_LABELS, type ReportLabels } from './report';
export { readDecisions, planLinks, type Decision, type DecisionRead, type LinkPlan } from './decisions';
export { normalizeCompanyName } from './normalize-name';
export { normalizeEmail, normalizePhone, normalizePostalCode, normalizeSku } from './normalize-contact';
export { isGenericDomain } from './generic-domains';
export { evaluateProposals, type Quality } from './evaluate';
export { generateSynthetic, type SyntheticData, type SyntheticOptions } from './synthetic';
export { parseEvaluationSet, evaluateSet, missedTargets, REALISTIC_TARGETS, type EvaluationSet } from './evaluation-set';
export type {
  MatchAccount, MatchCustomer, MatchProduct, MatchItem, Proposal, ItemProposal, Tier, Alternative, DuplicateGroup,
  Unmatched, CustomerMatchResult, ItemMatchResult,
} from './types';
