/**
 * Pure part of the two-way customer sync: what the QuickBooks customer should hold for each
 * Salesforce-owned field of the policy, and which of those differ from what it holds now.
 */
import { AppError } from '../../errors';
import { readPath, writePath, type FieldRule } from '../../policy';
import { displayNameFor, type NameRules } from '../../sync/customer-match';
import { fitTo } from '../../sync/qbo-limits';

export type SfAccountRecord = Record<string, unknown> & { Id: string; Name: string; LastModifiedDate?: string };

export interface ValueContext {
  rules: NameRules;
  /** QuickBooks Term ids by name (the Payment_Terms__c picklist labels). */
  terms: Map<string, { id: string }>;
}

export interface FieldChange {
  rule: FieldRule;
  /** What QuickBooks holds now. */
  current: string | null;
  /** The owner's (Salesforce's) value, transformed. */
  desired: string | null;
  /** QuickBooks changed this field since Ledgerline last wrote or saw it agree: an edit on the non-owning side. */
  conflict: boolean;
}

/** The Salesforce value of a rule as QuickBooks should hold it. */
export function desiredValue(rule: FieldRule, account: SfAccountRecord, context: ValueContext): string | null {
  const raw = account[rule.salesforce];
  const text = raw === null || raw === undefined || raw === '' ? null : String(raw);
  if (text === null) return null;
  switch (rule.transform) {
    case 'display-name':
      return displayNameFor(text, context.rules);
    case 'truncate-100': // CompanyName (qbo-limits.ts)
      return fitTo(text, 100);
    case 'truncate-30': // PrimaryPhone.FreeFormNumber (qbo-limits.ts)
      return fitTo(text, 30);
    case 'payment-terms': {
      const term = context.terms.get(text);
      if (!term) {
        throw new AppError('MAPPING_ERROR', `Payment Terms "${text}" of Account "${account.Name}" (${account.Id}) do not exist in QuickBooks.`, {
          fix: `Create a term named "${text}" in QuickBooks (Settings → All lists → Terms) or choose one of: ${[...context.terms.keys()].join(', ')}; then edit the Account again.`,
        });
      }
      return term.id;
    }
    default:
      return text;
  }
}

function normal(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/**
 * The Salesforce-owned fields whose QuickBooks value differs from Salesforce's. `lastSeen` holds the
 * values QuickBooks had after Ledgerline's previous sync, so an edit made in QuickBooks is told apart
 * from an edit made in Salesforce.
 */
export function changesFor(rules: FieldRule[], account: SfAccountRecord, customer: Record<string, unknown>, context: ValueContext, lastSeen: Record<string, string | null> | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const rule of rules) {
    const desired = desiredValue(rule, account, context);
    const current = normal(readPath(customer, rule.quickbooks));
    if (sameValue(rule, current, desired, customer)) continue;
    const seen = lastSeen?.[rule.quickbooks];
    changes.push({ rule, current, desired, conflict: lastSeen !== undefined && seen !== undefined && current !== seen });
  }
  return changes;
}

function sameValue(rule: FieldRule, current: string | null, desired: string | null, customer: Record<string, unknown>): boolean {
  if (current === desired) return true;
  // A DisplayName made unique with the Account id suffix (name taken by a vendor) is the same name.
  if (rule.transform === 'display-name' && current && desired && current.startsWith(`${desired.slice(0, 80)}`) && / \[[A-Za-z0-9]{15}\]$/.test(current)) return true;
  void customer;
  return false;
}

/**
 * The sparse-update body for the changes. Nested objects (BillAddr) are replaced whole by QuickBooks, so
 * every policy part of a changed group is sent, over the parts QuickBooks holds that the policy does not name.
 */
export function updateBody(changes: FieldChange[], rules: FieldRule[], account: SfAccountRecord, customer: Record<string, unknown>, context: ValueContext): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const groups = new Set(changes.map((c) => c.rule.quickbooks.split('.')[0]!));
  for (const group of groups) {
    const existing = customer[group];
    if (existing && typeof existing === 'object' && !Array.isArray(existing)) body[group] = { ...(existing as Record<string, unknown>) };
    for (const rule of rules.filter((r) => r.quickbooks.split('.')[0] === group)) {
      const value = desiredValue(rule, account, context);
      if (rule.quickbooks.includes('.')) writePath(body, rule.quickbooks, value ?? (rule.quickbooks.endsWith('.Address') || rule.quickbooks.endsWith('.value') ? undefined : ''));
      else body[group] = value ?? '';
    }
    const nested = body[group];
    if (nested && typeof nested === 'object') {
      for (const [key, value] of Object.entries(nested as Record<string, unknown>)) if (value === undefined) delete (nested as Record<string, unknown>)[key];
      if (Object.keys(nested as object).length === 0) delete body[group];
    }
  }
  return body;
}

/** What QuickBooks holds for every rule, remembered after a sync (conflict detection next time). */
export function snapshot(rules: FieldRule[], customer: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(rules.map((r) => [r.quickbooks, normal(readPath(customer, r.quickbooks))]));
}
