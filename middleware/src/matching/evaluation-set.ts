/**
 * A hand-written evaluation set (test/fixtures/matching/realistic-customers.csv) read into Accounts,
 * QBO customers and ground truth. One CSV, one row per record, grouped by real company so a reader can
 * check each case: side (A = Salesforce Account, C = QBO customer), truth (one id per real company),
 * id, name (Account Name / customer DisplayName), company (CompanyName), email, phone, website, street,
 * city, state, postal, country, linked (Account.QuickBooks_Customer_Id__c), active (customer).
 */
import { parseCsv } from './csv';
import { matchCustomers } from './customer-matcher';
import { evaluateProposals, type Quality } from './evaluate';
import type { MatchAccount, MatchCustomer } from './types';

export interface EvaluationSet {
  accounts: MatchAccount[];
  customers: MatchCustomer[];
  truth: { account: Map<string, string>; customer: Map<string, string> };
}

const COLUMNS = ['side', 'truth', 'id', 'name', 'company', 'email', 'phone', 'website', 'street', 'city', 'state', 'postal', 'country', 'linked', 'active'] as const;
type Column = (typeof COLUMNS)[number];

export function parseEvaluationSet(csv: string): EvaluationSet {
  const [header, ...rows] = parseCsv(csv);
  if (!header || header.join(',') !== COLUMNS.join(',')) throw new Error(`evaluation set: the header must be ${COLUMNS.join(',')}`);
  const set: EvaluationSet = { accounts: [], customers: [], truth: { account: new Map(), customer: new Map() } };
  const ids = new Set<string>();
  rows.forEach((cells, n) => {
    const row = Object.fromEntries(COLUMNS.map((c, i) => [c, (cells[i] ?? '').trim()])) as Record<Column, string>;
    const where = `evaluation set line ${n + 2}`;
    if (!row.truth || !row.id || !row.name) throw new Error(`${where}: truth, id and name are required`);
    if (ids.has(`${row.side}:${row.id}`)) throw new Error(`${where}: id ${row.id} appears twice`);
    ids.add(`${row.side}:${row.id}`);
    const v = (c: Column): string | null => row[c] || null;
    if (row.side === 'A') {
      set.accounts.push({
        Id: row.id, Name: row.name, Billing_Email__c: v('email'), Phone: v('phone'), Website: v('website'),
        BillingStreet: v('street'), BillingCity: v('city'), BillingState: v('state'), BillingPostalCode: v('postal'),
        BillingCountry: v('country'), QuickBooks_Customer_Id__c: v('linked'),
      });
      set.truth.account.set(row.id, row.truth);
    } else if (row.side === 'C') {
      set.customers.push({
        Id: row.id, DisplayName: row.name, CompanyName: v('company'),
        PrimaryEmailAddr: row.email ? { Address: row.email } : null,
        PrimaryPhone: row.phone ? { FreeFormNumber: row.phone } : null,
        WebAddr: row.website ? { URI: row.website } : null,
        BillAddr: { Line1: v('street'), City: v('city'), CountrySubDivisionCode: v('state'), PostalCode: v('postal'), Country: v('country') },
        Active: row.active !== 'false',
      });
      set.truth.customer.set(row.id, row.truth);
    } else throw new Error(`${where}: side must be A (Account) or C (customer), not "${row.side}"`);
  });
  return set;
}

/** Goals on the realistic set: no wrong link, most companies linked without a person, duplicates found. */
export const REALISTIC_TARGETS = { falseLinks: 0, exactRecall: 0.85, recall: 0.95, duplicateRecall: 0.9 } as const;

/** Matches the set and scores the result against its ground truth. */
export function evaluateSet(set: EvaluationSet): Quality {
  const r = matchCustomers(set.accounts, set.customers);
  return evaluateProposals(
    [...r.exact, ...r.probable].map((p) => ({ left: p.accountId, right: p.customerId, tier: p.tier })),
    { left: set.truth.account, right: set.truth.customer },
    { left: r.duplicateAccounts.map((g) => g.ids), right: r.duplicateCustomers.map((g) => g.ids) },
  );
}

/** The targets a quality misses, each as a sentence; empty when all hold. Recall is per company. */
export function missedTargets(q: Quality, t: typeof REALISTIC_TARGETS = REALISTIC_TARGETS): string[] {
  const missed: string[] = [];
  if (q.falseLinks > t.falseLinks) missed.push(`${q.falseLinks} false links (target ${t.falseLinks})`);
  if (q.companies.exactRecall < t.exactRecall) missed.push(`exact-tier recall ${q.companies.exactRecall.toFixed(3)} < ${t.exactRecall}`);
  if (q.companies.recall < t.recall) missed.push(`all-tier recall ${q.companies.recall.toFixed(3)} < ${t.recall}`);
  for (const side of ['left', 'right'] as const) {
    const d = q.duplicates[side];
    if (d.recall < t.duplicateRecall) missed.push(`duplicate-pair recall (${side === 'left' ? 'Accounts' : 'customers'}) ${d.recall.toFixed(3)} < ${t.duplicateRecall}`);
  }
  return missed;
}
