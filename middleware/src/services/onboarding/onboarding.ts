/**
 * Onboarding an existing business: read every Salesforce Account and Product2 and every QBO customer
 * and item of one company, match them, and report. A run links nothing; `applyLinks` (onboarding-apply.ts)
 * writes only exact matches or the rows a person marked "link" in the report.
 */
import type { Connection } from 'jsforce';
import {
  customerReportCsv, customerSummary, itemReportCsv, itemSummary, matchCustomers, matchItems,
  type CustomerMatchResult, type ItemMatchResult, type MatchAccount, type MatchProduct,
} from '../../matching';
import type { QboCompany } from '../../quickbooks/api';
import { readOnboardingData, type QboItemRow, type ReadPhase, type ReadProgress } from './onboarding-read';
import type { KnownCustomer } from '../accounts';

export type MatchingPhase = ReadPhase | 'match-customers' | 'match-items';

export interface MatchingProgress {
  phase: MatchingPhase;
  done: number;
  total: number | null;
  finished: boolean;
}

/** The QBO id each Salesforce record is linked to in this company today (the link table). */
export interface StoredLinks {
  customers: Map<string, string>;
  items: Map<string, string>;
}

export interface MatchingRunInput {
  realmId: string;
  salesforce: Connection;
  qbo: QboCompany;
  onProgress?: (progress: MatchingProgress) => void;
  /**
   * Whether `Account.QuickBooks_Customer_Id__c` and `Product2.QuickBooks_Item_Id__c` hold ids of this
   * company (the default billing entity). For another company only the link table counts. Default true.
   */
  isDefaultRealm?: boolean;
  storedLinks?: StoredLinks;
}

export interface MatchingRun {
  realmId: string;
  isDefaultRealm: boolean;
  accounts: MatchAccount[];
  products: MatchProduct[];
  customers: KnownCustomer[];
  items: QboItemRow[];
  customerResult: CustomerMatchResult;
  itemResult: ItemMatchResult;
  /** Salesforce id → the QBO id it is linked to in this company, or null (every record read is a key). */
  currentCustomer: Map<string, string | null>;
  currentItem: Map<string, string | null>;
  timings: { readMs: number; matchMs: number };
}

/** Reads the four sides (paged) and matches them. Pure apart from the reads: writes nothing anywhere. */
export async function runMatching(input: MatchingRunInput): Promise<MatchingRun> {
  const onProgress = input.onProgress ?? (() => undefined);
  const isDefaultRealm = input.isDefaultRealm ?? true;
  const stored = input.storedLinks ?? { customers: new Map(), items: new Map() };
  const t0 = performance.now();
  const data = await readOnboardingData(input.salesforce, input.qbo, (p: ReadProgress) => onProgress(p));
  const readMs = performance.now() - t0;

  // The matcher takes an existing link as the strongest evidence; give it this company's links only.
  const currentCustomer = new Map<string, string | null>();
  const accounts = data.accounts.map((a) => {
    const id = (isDefaultRealm ? a.QuickBooks_Customer_Id__c?.trim() : null) || stored.customers.get(a.Id) || null;
    currentCustomer.set(a.Id, id);
    return { ...a, QuickBooks_Customer_Id__c: id };
  });
  const currentItem = new Map<string, string | null>();
  const products = data.products.map((p) => {
    const id = (isDefaultRealm ? p.QuickBooks_Item_Id__c?.trim() : null) || stored.items.get(p.Id) || null;
    currentItem.set(p.Id, id);
    return { ...p, QuickBooks_Item_Id__c: id };
  });

  const t1 = performance.now();
  onProgress({ phase: 'match-customers', done: 0, total: accounts.length, finished: false });
  const customerResult = matchCustomers(accounts, data.customers);
  onProgress({ phase: 'match-customers', done: accounts.length, total: accounts.length, finished: true });
  onProgress({ phase: 'match-items', done: 0, total: products.length, finished: false });
  const itemResult = matchItems(products, data.items);
  onProgress({ phase: 'match-items', done: products.length, total: products.length, finished: true });
  const matchMs = performance.now() - t1;

  return {
    realmId: input.realmId,
    isDefaultRealm,
    accounts,
    products,
    customers: data.customers,
    items: data.items,
    customerResult,
    itemResult,
    currentCustomer,
    currentItem,
    timings: { readMs: Math.round(readMs), matchMs: Math.round(matchMs) },
  };
}

export interface MatchingReport {
  customersCsv: string;
  itemsCsv: string;
  summary: string;
}

/**
 * The two CSV files (customers, items) and the text a person reads first. After an apply the report
 * shows the state the apply started from.
 */
export function matchingReport(run: MatchingRun, options: { applied?: boolean } = {}): MatchingReport {
  const nameOf = <T extends { Id: string }>(rows: T[], name: (row: T) => string) => {
    const byId = new Map(rows.map((r) => [r.Id, name(r)]));
    return (id: string) => byId.get(id) ?? '';
  };
  const customersCsv = customerReportCsv(run.customerResult, {
    account: nameOf(run.accounts, (a) => a.Name),
    customer: nameOf(run.customers, (c) => c.DisplayName),
  });
  const itemsCsv = itemReportCsv(run.itemResult, {
    product: nameOf(run.products, (p) => (p.ProductCode ? `${p.Name} [${p.ProductCode}]` : p.Name)),
    item: nameOf(run.items, (i) => (i.Sku ? `${i.Name} [${i.Sku}]` : i.Name)),
  });
  const customers = customerSummary(run.customerResult, { accounts: run.accounts.length, customers: run.customers.length });
  const summary = [
    `QuickBooks company ${run.realmId}${run.isDefaultRealm ? ' (default billing entity)' : ''}.`,
    options.applied ? withoutDryRunNote(customers) : customers,
    itemSummary(run.itemResult, { products: run.products.length, items: run.items.length }),
    `Read in ${(run.timings.readMs / 1000).toFixed(1)} s, matched in ${(run.timings.matchMs / 1000).toFixed(1)} s.`,
  ].join('\n');
  return { customersCsv, itemsCsv, summary };
}

/** customerSummary ends with the dry-run note ("Nothing was linked…"), untrue once links were applied. */
function withoutDryRunNote(summary: string): string {
  const lines = summary.split('\n');
  const at = lines.findIndex((l) => l.startsWith('Nothing was linked'));
  return (at < 0 ? lines : lines.slice(0, at)).join('\n');
}
