/**
 * Records as the onboarding run reads them (Salesforce SOQL rows and QBO query rows), and what the
 * matching engine answers. Only the fields used for matching are listed; extra fields are ignored.
 */

export interface MatchAccount {
  Id: string;
  Name: string;
  Billing_Email__c?: string | null;
  Phone?: string | null;
  BillingStreet?: string | null;
  BillingCity?: string | null;
  BillingState?: string | null;
  BillingPostalCode?: string | null;
  BillingCountry?: string | null;
  Website?: string | null;
  QuickBooks_Customer_Id__c?: string | null;
}

export interface MatchCustomer {
  Id: string;
  DisplayName: string;
  CompanyName?: string | null;
  PrimaryEmailAddr?: { Address?: string | null } | null;
  PrimaryPhone?: { FreeFormNumber?: string | null } | null;
  BillAddr?: {
    Line1?: string | null;
    City?: string | null;
    CountrySubDivisionCode?: string | null;
    PostalCode?: string | null;
    Country?: string | null;
  } | null;
  WebAddr?: { URI?: string | null } | null;
  Active?: boolean | null;
}

export interface MatchProduct {
  Id: string;
  Name: string;
  ProductCode?: string | null;
  QuickBooks_Item_Id__c?: string | null;
}

export interface MatchItem {
  Id: string;
  Name: string;
  Sku?: string | null;
  Active?: boolean | null;
}

/**
 * exact: safe to link without a person (see README "Tiers").
 * probable: likely the same, a person decides.
 */
export type Tier = 'exact' | 'probable';

export interface Alternative {
  id: string;
  score: number;
  reasons: string[];
}

export interface Proposal {
  accountId: string;
  customerId: string;
  /** 0..1, monotonic in the evidence points; comparable across pairs of one run. */
  score: number;
  tier: Tier;
  /** Human-readable evidence, strongest first; negative evidence starts with "but". */
  reasons: string[];
  /** Other customers that also scored as probable for this Account (for the person deciding). */
  alternatives: Alternative[];
}

export interface ItemProposal {
  productId: string;
  itemId: string;
  score: number;
  tier: Tier;
  reasons: string[];
  alternatives: Alternative[];
}

/** Records of one system that look like one real company (or product). Never merged automatically. */
export interface DuplicateGroup {
  ids: string[];
  /** Pairwise evidence that tied the group together. */
  links: Array<{ a: string; b: string; score: number; reasons: string[] }>;
}

/** A record left without a proposal, with its nearest candidate below the probable threshold, if any. */
export interface Unmatched {
  id: string;
  nearest?: Alternative;
  note?: string;
}

export interface CustomerMatchResult {
  exact: Proposal[];
  probable: Proposal[];
  unmatchedAccounts: Unmatched[];
  unmatchedCustomers: Unmatched[];
  duplicateAccounts: DuplicateGroup[];
  duplicateCustomers: DuplicateGroup[];
}

export interface ItemMatchResult {
  exact: ItemProposal[];
  probable: ItemProposal[];
  unmatchedProducts: Unmatched[];
  unmatchedItems: Unmatched[];
  duplicateProducts: DuplicateGroup[];
  duplicateItems: DuplicateGroup[];
}
