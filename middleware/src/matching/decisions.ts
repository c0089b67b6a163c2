/**
 * Reads an admin-edited report back and plans the links to write. Only rows whose decision is "link"
 * count; nothing is ever unlinked or overwritten: an Account already linked to another customer is
 * refused, and a customer chosen for two Accounts stops the whole plan.
 */
import { parseCsv } from './csv';
import { reportHeader, type ReportLabels } from './report';

export interface Decision {
  leftId: string;
  rightId: string;
  /** The report line (1-based, header is line 1), for error messages. */
  line: number;
}

export interface DecisionRead {
  links: Decision[];
  errors: string[];
}

const DECISIONS = new Set(['link', 'skip', '', '-']);

export function readDecisions(csvText: string, labels: ReportLabels): DecisionRead {
  const rows = parseCsv(csvText);
  const header = rows[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const at = (name: string): number => header.indexOf(name);
  const errors: string[] = [];
  const required = ['section', 'decision', `${labels.left}_id`, `${labels.right}_id`];
  const missing = required.filter((name) => at(name) < 0);
  if (missing.length > 0) {
    return { links: [], errors: [`the header lacks ${missing.join(', ')}; expected the report's header: ${reportHeader(labels).join(',')}`] };
  }
  const links: Decision[] = [];
  rows.slice(1).forEach((row, k) => {
    const line = k + 2;
    const decision = (row[at('decision')] ?? '').trim().toLowerCase();
    if (!DECISIONS.has(decision)) {
      errors.push(`line ${line}: decision "${decision}" is not one of link, skip (or empty)`);
      return;
    }
    if (decision !== 'link') return;
    const leftId = (row[at(`${labels.left}_id`)] ?? '').trim();
    const rightId = (row[at(`${labels.right}_id`)] ?? '').trim();
    if (!leftId || !rightId) {
      errors.push(`line ${line}: "link" needs both ${labels.left}_id and ${labels.right}_id`);
      return;
    }
    links.push({ leftId, rightId, line });
  });
  errors.push(...conflicts(links, labels));
  return { links: errors.length > 0 ? [] : links, errors };
}

function conflicts(links: Decision[], labels: ReportLabels): string[] {
  const errors: string[] = [];
  const byLeft = new Map<string, Decision>();
  const byRight = new Map<string, Decision>();
  for (const link of links) {
    const left = byLeft.get(link.leftId);
    if (left && left.rightId !== link.rightId) errors.push(`line ${link.line}: ${labels.left} ${link.leftId} is also linked on line ${left.line}`);
    const right = byRight.get(link.rightId);
    if (right && right.leftId !== link.leftId) errors.push(`line ${link.line}: ${labels.right} ${link.rightId} is also linked on line ${right.line}`);
    byLeft.set(link.leftId, link);
    byRight.set(link.rightId, link);
  }
  return errors;
}

export interface LinkPlan {
  /** Links to write (the left record's id field is empty today). */
  toLink: Array<{ leftId: string; rightId: string }>;
  /** Already linked exactly so: nothing to do. */
  unchanged: Array<{ leftId: string; rightId: string }>;
  /** Would overwrite another link, or names a record the run did not read: never done automatically. */
  refused: Array<{ leftId: string; rightId: string; reason: string }>;
}

/**
 * @param current the id each left record links to today (Account.QuickBooks_Customer_Id__c or
 *   Product2.QuickBooks_Item_Id__c), or null; undefined when the run did not read that record
 * @param rightExists whether the right record was read
 */
export function planLinks(
  links: Array<{ leftId: string; rightId: string }>,
  current: (leftId: string) => string | null | undefined,
  rightExists: (rightId: string) => boolean,
): LinkPlan {
  const plan: LinkPlan = { toLink: [], unchanged: [], refused: [] };
  for (const link of links) {
    const now = current(link.leftId);
    if (now === undefined) plan.refused.push({ ...link, reason: `${link.leftId} was not among the records read` });
    else if (!rightExists(link.rightId)) plan.refused.push({ ...link, reason: `${link.rightId} was not among the records read` });
    else if (now === link.rightId) plan.unchanged.push(link);
    else if (now) plan.refused.push({ ...link, reason: `${link.leftId} is already linked to ${now}; change it by hand if that link is wrong` });
    else plan.toLink.push(link);
  }
  return plan;
}
