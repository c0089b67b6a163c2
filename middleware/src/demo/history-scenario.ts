/**
 * A company with years of QuickBooks history and part of its customers linked to Salesforce Accounts (some of
 * whose invoices name a deal), and what the mirror should hold afterwards, computed from the emulator's data
 * alone: used by the history import tests and the benchmark.
 */
import type { QboEmulator } from '@ledgerline/emulators/quickbooks';
import type { SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { DOCUMENT_TYPES, type SalesDocumentEntity } from '../salesforce/fields';
import { privateNoteFor } from '../sync/invoice-draft';

export interface HistorySize {
  customers: number;
  documents: number;
  linked: number;
  months?: number;
}

export const FULL_SIZE: HistorySize = { customers: 300, documents: 5000, linked: 200, months: 24 };

export interface HistoryScenario {
  /** QBO customer id → Salesforce Account id. */
  linked: Map<string, string>;
  opportunities: string[];
  counts: Record<string, number>;
}

interface QboDoc {
  Id: string;
  CustomerRef?: { value: string };
  TxnDate: string;
  TotalAmt: number;
  Balance?: number;
  RemainingCredit?: number;
  PrivateNote?: string;
  Line?: Array<{ Amount?: number; LinkedTxn?: Array<{ TxnId: string; TxnType: string }> }>;
}

interface MirrorRow {
  Id: string;
  Account__c: string;
  Opportunity__c: string | null;
  Type__c: string | null;
  Total__c: number;
  Balance__c: number;
  Invoice__c: string;
  Amount__c: number;
}

const docs = (qbo: QboEmulator, realmId: string, entity: string): QboDoc[] => qbo.control.list(realmId, entity) as unknown as QboDoc[];

/** Seeds Salesforce Accounts (and a deal for every fifth), then the QBO history; the caller stores the links. */
export function seedHistoryScenario(qbo: QboEmulator, sf: SalesforceEmulator, realmId: string, size: HistorySize, seed = 7): HistoryScenario {
  const accounts = sf.control.seed({ Account: Array.from({ length: size.linked }, (_, i) => ({ Name: `History Account ${i + 1}`, Billing_Email__c: `ap${i + 1}@history.example`, Payment_Terms__c: 'Net 30' })) }).Account ?? [];
  const withDeal = accounts.map((id, i) => (i % 5 === 0 ? { index: i, id } : null)).filter((x): x is { index: number; id: string } => x !== null);
  const opportunities = sf.control.seed({ Opportunity: withDeal.map((a) => ({ Name: `History deal ${a.index + 1}`, StageName: 'Closed Won', CloseDate: '2025-06-30', AccountId: a.id, Pricebook2Id: sf.control.standardPricebookId })) }).Opportunity ?? [];
  const dealOf = new Map(withDeal.map((a, i) => [a.index, opportunities[i]!]));
  const result = qbo.control.seedHistory(realmId, {
    customers: size.customers,
    documents: size.documents,
    months: size.months ?? 24,
    seed,
    // Every other invoice of a customer with a deal names it, as invoices the middleware makes do.
    invoiceNote: (customer, n) => (dealOf.has(customer) && n % 2 === 0 ? privateNoteFor(dealOf.get(customer)!) : undefined),
  });
  const linked = new Map(result.customers.slice(0, size.linked).map((c, i) => [c.Id, accounts[i]!]));
  return { linked, opportunities, counts: result.counts };
}

export interface AccountFigures {
  documents: Record<string, number>;
  totals: Record<string, number>;
  balances: Record<string, number>;
  payments: number;
  paid: number;
  withDeal: number;
}

const cents = (n: unknown) => Math.round(Number(n ?? 0) * 100);

function empty(): AccountFigures {
  return { documents: {}, totals: {}, balances: {}, payments: 0, paid: 0, withDeal: 0 };
}

/** What QBO holds for the linked customers since `since`, per Account (money in cents). */
export function expectedFigures(qbo: QboEmulator, realmId: string, linked: Map<string, string>, since: string): Map<string, AccountFigures> {
  const out = new Map<string, AccountFigures>();
  const mirrored = new Set<string>();
  for (const entity of Object.keys(DOCUMENT_TYPES) as SalesDocumentEntity[]) {
    for (const doc of docs(qbo, realmId, entity)) {
      const accountId = linked.get(doc.CustomerRef?.value ?? '');
      if (!accountId || doc.TxnDate < since) continue;
      const figures = out.get(accountId) ?? empty();
      const type = DOCUMENT_TYPES[entity];
      figures.documents[type] = (figures.documents[type] ?? 0) + 1;
      figures.totals[type] = (figures.totals[type] ?? 0) + cents(doc.TotalAmt);
      const open = entity === 'Invoice' ? doc.Balance : entity === 'CreditMemo' ? (doc.RemainingCredit ?? doc.Balance) : 0;
      figures.balances[type] = (figures.balances[type] ?? 0) + cents(open);
      if (entity === 'Invoice' && /Salesforce Opportunity /.test(doc.PrivateNote ?? '')) figures.withDeal += 1;
      out.set(accountId, figures);
      if (entity === 'Invoice') mirrored.add(doc.Id);
    }
  }
  for (const payment of docs(qbo, realmId, 'Payment')) {
    const accountId = linked.get(payment.CustomerRef?.value ?? '');
    if (!accountId || payment.TxnDate < since) continue;
    for (const line of payment.Line ?? []) {
      const invoice = (line.LinkedTxn ?? []).find((t) => t.TxnType === 'Invoice');
      if (!invoice || !mirrored.has(invoice.TxnId) || cents(line.Amount) <= 0) continue;
      const figures = out.get(accountId) ?? empty();
      figures.payments += 1;
      figures.paid += cents(line.Amount);
      out.set(accountId, figures);
    }
  }
  return out;
}

/** What the Salesforce mirror holds for the company, per Account (money in cents). */
export function mirroredFigures(sf: SalesforceEmulator, realmId: string): Map<string, AccountFigures> {
  const out = new Map<string, AccountFigures>();
  const rows = sf.control.query(`SELECT Id, QuickBooks_Key__c, Account__c, Opportunity__c, Type__c, Total__c, Balance__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c LIKE '${realmId}:%'`) as unknown as MirrorRow[];
  const accountOf = new Map<string, string>();
  for (const row of rows) {
    const figures = out.get(row.Account__c) ?? empty();
    const type = row.Type__c ?? 'Invoice';
    figures.documents[type] = (figures.documents[type] ?? 0) + 1;
    figures.totals[type] = (figures.totals[type] ?? 0) + cents(row.Total__c);
    figures.balances[type] = (figures.balances[type] ?? 0) + cents(row.Balance__c);
    if (row.Opportunity__c) figures.withDeal += 1;
    out.set(row.Account__c, figures);
    accountOf.set(row.Id, row.Account__c);
  }
  for (const row of sf.control.query(`SELECT Invoice__c, Amount__c FROM QuickBooks_Payment__c WHERE QuickBooks_Key__c LIKE '${realmId}:%'`) as unknown as MirrorRow[]) {
    const figures = out.get(accountOf.get(row.Invoice__c) ?? '') ?? empty();
    figures.payments += 1;
    figures.paid += cents(row.Amount__c);
    out.set(accountOf.get(row.Invoice__c) ?? '', figures);
  }
  return out;
}

/** Sorted plain objects, for a readable equality check. */
export function asPlain(figures: Map<string, AccountFigures>): Record<string, AccountFigures> {
  return Object.fromEntries([...figures.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
