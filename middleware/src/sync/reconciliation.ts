/**
 * The month-end reconciliation between deals and invoices, as pure functions over what Salesforce holds
 * (won Opportunities, the invoice mirror) and the customer links. services/operations/reconciliation.ts reads the
 * inputs; the CLI (`npm run cli -- reconcile`) and the ops page show the result. Four lists:
 *
 * - won deals without an invoice: Closed Won, not Excluded, and no live invoice row (not voided, Type Invoice
 *   or blank) names the deal;
 * - invoices without a deal: live invoice rows with no Opportunity;
 * - amounts that differ: a won deal's Amount against the sum of its live invoices' totals, when they differ by
 *   a cent or more. Subscription deals still invoicing (Next_Invoice_Date__c set) are left out: their invoices
 *   are not all there yet. Invoice totals include tax, the deal's Amount does not: a taxed deal shows the tax;
 * - QuickBooks customers linked to two or more Accounts in one company.
 */
import { fromCents, sumCents, toCents } from './money';
import { documentKind } from './receivables';

export interface WonDeal {
  id: string;
  name: string;
  accountId: string | null;
  accountName: string | null;
  amount: number | null;
  closeDate: string | null;
  /** The company that bills the deal (its billing entity, or the default company). */
  realmId: string | null;
  syncStatus: string | null;
  nextInvoiceDate: string | null;
}

export interface MirrorRow {
  key: string;
  realmId: string;
  docNumber: string | null;
  opportunityId: string | null;
  accountId: string | null;
  accountName: string | null;
  type: string | null;
  total: number;
  balance: number;
  txnDate: string | null;
  voided: boolean;
}

export interface SharedCustomer {
  realmId: string;
  customerId: string;
  accounts: Array<{ id: string; name: string | null }>;
}

export interface AmountMismatch {
  opportunityId: string;
  name: string;
  amount: number;
  invoiced: number;
  /** Invoiced minus the deal's Amount. */
  difference: number;
  invoiceKeys: string[];
}

export interface Reconciliation {
  wonWithoutInvoice: WonDeal[];
  invoicesWithoutDeal: MirrorRow[];
  amountMismatches: AmountMismatch[];
  customersOnSeveralAccounts: SharedCustomer[];
}

/** Salesforce answers 18-character ids; some fields hold 15-character ones. */
const id15 = (id: string) => id.slice(0, 15);

/** `realms`: the companies reconciled; a deal or row of another company is left out. */
export function reconcile(deals: WonDeal[], rows: MirrorRow[], shared: SharedCustomer[], realms: ReadonlySet<string>): Reconciliation {
  const invoices = rows.filter((r) => !r.voided && documentKind(r.type) === 'invoice');
  const byDeal = new Map<string, MirrorRow[]>();
  for (const row of invoices) if (row.opportunityId) byDeal.set(id15(row.opportunityId), [...(byDeal.get(id15(row.opportunityId)) ?? []), row]);
  const live = deals.filter((d) => d.syncStatus !== 'Excluded');
  const mismatches: AmountMismatch[] = [];
  for (const deal of live) {
    const own = (byDeal.get(id15(deal.id)) ?? []).filter((r) => realms.has(r.realmId));
    if (own.length === 0 || deal.nextInvoiceDate) continue;
    const amount = toCents(deal.amount ?? 0);
    const invoiced = sumCents(own.map((r) => toCents(r.total)));
    if (Math.abs(invoiced - amount) < 1) continue;
    mismatches.push({ opportunityId: deal.id, name: deal.name, amount: fromCents(amount), invoiced: fromCents(invoiced), difference: fromCents(invoiced - amount), invoiceKeys: own.map((r) => r.key) });
  }
  return {
    wonWithoutInvoice: live.filter((d) => d.realmId !== null && realms.has(d.realmId) && !byDeal.has(id15(d.id))),
    invoicesWithoutDeal: invoices.filter((r) => !r.opportunityId && realms.has(r.realmId)),
    amountMismatches: mismatches,
    customersOnSeveralAccounts: shared.filter((s) => realms.has(s.realmId) && s.accounts.length > 1),
  };
}

/** Groups (realm, customer, Account) pairs into customers with their distinct Accounts. */
export function sharedCustomers(pairs: Array<{ realmId: string; customerId: string; accountId: string; accountName: string | null }>): SharedCustomer[] {
  const groups = new Map<string, SharedCustomer>();
  for (const p of pairs) {
    const key = `${p.realmId}:${p.customerId}`;
    const group = groups.get(key) ?? { realmId: p.realmId, customerId: p.customerId, accounts: [] };
    if (!group.accounts.some((a) => id15(a.id) === id15(p.accountId))) group.accounts.push({ id: p.accountId, name: p.accountName });
    groups.set(key, group);
  }
  return [...groups.values()].filter((g) => g.accounts.length > 1);
}

/** The report as text, one section per list, each line naming the record and what to do. */
export function reconciliationText(report: Reconciliation, companies: string): string {
  const money = (n: number) => n.toFixed(2);
  const section = (title: string, lines: string[], fix: string) => [`${title}: ${lines.length}`, ...lines.map((l) => `  ${l}`), ...(lines.length > 0 ? [`  → ${fix}`] : []), ''];
  return [
    `Reconciliation of ${companies}`,
    '',
    ...section('Closed Won deals without an invoice', report.wonWithoutInvoice.map((d) => `${d.id}  ${d.closeDate ?? '-'}  ${d.name}  ${d.accountName ?? d.accountId ?? '-'}  amount ${money(d.amount ?? 0)}  status ${d.syncStatus ?? '-'}`), 'retry billing on the Opportunity (or npm run cli -- backfill --since <date> --apply), or set its status to Excluded.'),
    ...section('Invoices without a deal', report.invoicesWithoutDeal.map((r) => `${r.key}  ${r.txnDate ?? '-'}  #${r.docNumber ?? '-'}  ${r.accountName ?? r.accountId ?? 'no Account'}  total ${money(r.total)}  balance ${money(r.balance)}`), 'put the Opportunity id in the invoice\u2019s private note in QuickBooks if it belongs to a deal.'),
    ...section('Deal amounts that differ from their invoices', report.amountMismatches.map((m) => `${m.opportunityId}  ${m.name}  deal ${money(m.amount)}  invoiced ${money(m.invoiced)}  difference ${money(m.difference)}  (${m.invoiceKeys.join(', ')})`), 'correct the deal or the invoice (a difference equal to the tax is expected).'),
    ...section('QuickBooks customers linked to several Accounts', report.customersOnSeveralAccounts.map((c) => `company ${c.realmId} customer ${c.customerId}: ${c.accounts.map((a) => `${a.id} ${a.name ?? ''}`.trim()).join('; ')}`), 'merge the duplicate Accounts, or link each to its own QuickBooks customer (npm run cli -- match).'),
  ].join('\n').trimEnd();
}
