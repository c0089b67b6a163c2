/**
 * The onboarding report: one CSV a person can read, sort and edit (the `decision` column), and a
 * short text summary. Rows: exact and probable proposals, duplicate groups, unmatched records.
 */
import { csvLine } from './csv';
import type { CustomerMatchResult, DuplicateGroup, ItemMatchResult, Unmatched } from './types';

export interface ReportLabels {
  left: string;
  right: string;
}

export const CUSTOMER_LABELS: ReportLabels = { left: 'account', right: 'customer' };
export const ITEM_LABELS: ReportLabels = { left: 'product', right: 'item' };

export type Section = 'exact' | 'probable' | 'duplicate-left' | 'duplicate-right' | 'unmatched-left' | 'unmatched-right';

export function reportHeader(labels: ReportLabels): string[] {
  return ['section', 'decision', 'score', `${labels.left}_id`, `${labels.left}_name`, `${labels.right}_id`, `${labels.right}_name`, 'reasons', 'group', 'note'];
}

interface Row {
  section: string;
  decision: string;
  score?: number;
  leftId?: string;
  rightId?: string;
  reasons?: string[];
  group?: string;
  note?: string;
}

interface Common {
  exact: Array<{ left: string; right: string; score: number; reasons: string[] }>;
  probable: Array<{ left: string; right: string; score: number; reasons: string[]; alternatives: Array<{ id: string; score: number }> }>;
  duplicateLeft: DuplicateGroup[];
  duplicateRight: DuplicateGroup[];
  unmatchedLeft: Unmatched[];
  unmatchedRight: Unmatched[];
}

function sectionName(section: Section, labels: ReportLabels): string {
  if (section === 'duplicate-left') return `duplicate-${labels.left}s`;
  if (section === 'duplicate-right') return `duplicate-${labels.right}s`;
  if (section === 'unmatched-left') return `unmatched-${labels.left}`;
  if (section === 'unmatched-right') return `unmatched-${labels.right}`;
  return section;
}

function rowsOf(c: Common, labels: ReportLabels): Row[] {
  const rows: Row[] = [];
  for (const p of c.exact) rows.push({ section: 'exact', decision: 'link', score: p.score, leftId: p.left, rightId: p.right, reasons: p.reasons });
  for (const p of c.probable) {
    const alternatives = p.alternatives.map((a) => `${a.id} (${a.score})`).join('; ');
    rows.push({ section: 'probable', decision: '', score: p.score, leftId: p.left, rightId: p.right, reasons: p.reasons, note: alternatives ? `also: ${alternatives}` : '' });
  }
  const groups = (list: DuplicateGroup[], section: Section, side: 'left' | 'right'): void => {
    list.forEach((group, g) => {
      const name = `${side === 'left' ? 'A' : 'B'}${g + 1}`;
      for (const id of group.ids) {
        const reasons = group.links.filter((l) => l.a === id || l.b === id).map((l) => `${l.a === id ? l.b : l.a}: ${l.reasons.join(', ')}`);
        rows.push({ section: sectionName(section, labels), decision: '-', ...(side === 'left' ? { leftId: id } : { rightId: id }), reasons, group: name });
      }
    });
  };
  groups(c.duplicateLeft, 'duplicate-left', 'left');
  groups(c.duplicateRight, 'duplicate-right', 'right');
  for (const u of c.unmatchedLeft) {
    rows.push({ section: sectionName('unmatched-left', labels), decision: '-', leftId: u.id, note: [u.note, nearestText(u)].filter(Boolean).join('; ') });
  }
  for (const u of c.unmatchedRight) {
    rows.push({ section: sectionName('unmatched-right', labels), decision: '-', rightId: u.id, note: nearestText(u) });
  }
  return rows;
}

function nearestText(u: Unmatched): string {
  return u.nearest ? `nearest ${u.nearest.id} (${u.nearest.score}): ${u.nearest.reasons.join(', ')}` : '';
}

function toCsv(rows: Row[], labels: ReportLabels, leftName: (id: string) => string, rightName: (id: string) => string): string {
  const lines = [csvLine(reportHeader(labels))];
  for (const r of rows) {
    lines.push(csvLine([
      r.section, r.decision, r.score ?? '', r.leftId ?? '', r.leftId ? leftName(r.leftId) : '', r.rightId ?? '',
      r.rightId ? rightName(r.rightId) : '', (r.reasons ?? []).join(' | '), r.group ?? '', r.note ?? '',
    ]));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function customerReportCsv(result: CustomerMatchResult, names: { account: (id: string) => string; customer: (id: string) => string }): string {
  return toCsv(rowsOf({
    exact: result.exact.map((p) => ({ left: p.accountId, right: p.customerId, score: p.score, reasons: p.reasons })),
    probable: result.probable.map((p) => ({ left: p.accountId, right: p.customerId, score: p.score, reasons: p.reasons, alternatives: p.alternatives })),
    duplicateLeft: result.duplicateAccounts, duplicateRight: result.duplicateCustomers,
    unmatchedLeft: result.unmatchedAccounts, unmatchedRight: result.unmatchedCustomers,
  }, CUSTOMER_LABELS), CUSTOMER_LABELS, names.account, names.customer);
}

export function itemReportCsv(result: ItemMatchResult, names: { product: (id: string) => string; item: (id: string) => string }): string {
  return toCsv(rowsOf({
    exact: result.exact.map((p) => ({ left: p.productId, right: p.itemId, score: p.score, reasons: p.reasons })),
    probable: result.probable.map((p) => ({ left: p.productId, right: p.itemId, score: p.score, reasons: p.reasons, alternatives: p.alternatives })),
    duplicateLeft: result.duplicateProducts, duplicateRight: result.duplicateItems,
    unmatchedLeft: result.unmatchedProducts, unmatchedRight: result.unmatchedItems,
  }, ITEM_LABELS), ITEM_LABELS, names.product, names.item);
}

/** A few lines a person reads first. */
export function customerSummary(result: CustomerMatchResult, counts: { accounts: number; customers: number }): string {
  const grouped = (groups: DuplicateGroup[]): number => groups.reduce((n, g) => n + g.ids.length, 0);
  return [
    `Read ${counts.accounts} Salesforce Accounts and ${counts.customers} QuickBooks customers.`,
    `  exact matches (safe to link):        ${result.exact.length}`,
    `  probable matches (need a person):    ${result.probable.length}`,
    `  duplicate Accounts:                  ${result.duplicateAccounts.length} groups, ${grouped(result.duplicateAccounts)} records`,
    `  duplicate QuickBooks customers:      ${result.duplicateCustomers.length} groups, ${grouped(result.duplicateCustomers)} records`,
    `  Accounts without a customer:         ${result.unmatchedAccounts.length}`,
    `  customers without an Account:        ${result.unmatchedCustomers.length}`,
    'Nothing was linked, merged or deleted. Review the CSV: rows with decision "link" are applied by --apply;',
    'write "link" on the probable rows you confirm, "skip" on the others.',
  ].join('\n');
}

export function itemSummary(result: ItemMatchResult, counts: { products: number; items: number }): string {
  return [
    `Read ${counts.products} Salesforce products and ${counts.items} QuickBooks items.`,
    `  exact matches: ${result.exact.length}, probable: ${result.probable.length}`,
    `  duplicate products: ${result.duplicateProducts.length} groups, duplicate items: ${result.duplicateItems.length} groups`,
    `  products without an item: ${result.unmatchedProducts.length}, items without a product: ${result.unmatchedItems.length}`,
  ].join('\n');
}
