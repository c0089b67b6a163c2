import { fitTo, QBO_LIMITS } from './qbo-limits';
import type { SfAccount } from './source';

/**
 * The longest DisplayName Ledgerline gives a customer: QBO's own limit (500, see qbo-limits.ts) unless
 * `QBO_DISPLAY_NAME_MAX` asks for shorter names.
 */
export interface NameRules {
  maxLength: number;
}

export const DEFAULT_NAME_RULES: NameRules = { maxLength: QBO_LIMITS.customer.DisplayName };

/**
 * The DisplayName a Salesforce Account gets in QBO: whitespace folded, the colon (QBO's sub-customer
 * separator) replaced, cut to the limit. Deterministic, so a retry looks for the very same name.
 */
export function displayNameFor(accountName: string, rules: NameRules = DEFAULT_NAME_RULES): string {
  const cleaned = accountName.replace(/\s+/g, ' ').replace(/:/g, ' -').replace(/\s+/g, ' ').trim();
  return cutTo(cleaned, rules.maxLength);
}

/**
 * The name used when the plain name is taken by a vendor, an employee or a QBO customer that belongs to
 * another Account (error 6240). Suffixing the Account id keeps it unique and stable across retries, so
 * the conflict never becomes a second customer for the same Account.
 */
export function disambiguatedNameFor(account: Pick<SfAccount, 'Id' | 'Name'>, rules: NameRules = DEFAULT_NAME_RULES): string {
  const suffix = ` [${account.Id.slice(0, 15)}]`;
  return `${cutTo(displayNameFor(account.Name, rules), rules.maxLength - suffix.length)}${suffix}`;
}

/** Escapes a string literal for the QBO query language (backslash before `'` and `\`). */
export function qboQuoted(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export interface QboCustomerCandidate {
  Id: string;
  DisplayName: string;
  Active?: boolean;
  PrimaryEmailAddr?: { Address?: string };
  CurrencyRef?: { value: string };
}

export type CustomerMatch =
  | { kind: 'match'; customer: QboCustomerCandidate; reason: 'name' | 'email' | 'disambiguated-name' }
  | { kind: 'ambiguous'; candidates: QboCustomerCandidate[]; reason: string }
  | { kind: 'none' };

/**
 * Picks the QBO customer for an Account among candidates found by name and by e-mail.
 * An exact name is decisive. An e-mail alone is decisive only when exactly one customer uses it;
 * several customers sharing an address need a person to choose, never a guess.
 */
export function matchCustomer(
  account: Pick<SfAccount, 'Id' | 'Name'>,
  email: string | null,
  candidates: QboCustomerCandidate[],
  rules: NameRules = DEFAULT_NAME_RULES,
): CustomerMatch {
  const active = candidates.filter((c) => c.Active !== false);
  const name = displayNameFor(account.Name, rules).toLowerCase();
  const byName = active.filter((c) => c.DisplayName.toLowerCase() === name);
  if (byName.length === 1) return { kind: 'match', customer: byName[0]!, reason: 'name' };
  const suffixed = disambiguatedNameFor(account, rules).toLowerCase();
  const bySuffixed = active.filter((c) => c.DisplayName.toLowerCase() === suffixed);
  if (bySuffixed.length === 1) return { kind: 'match', customer: bySuffixed[0]!, reason: 'disambiguated-name' };
  if (email) {
    const address = email.toLowerCase();
    const byEmail = active.filter((c) => c.PrimaryEmailAddr?.Address?.toLowerCase() === address);
    if (byEmail.length === 1) return { kind: 'match', customer: byEmail[0]!, reason: 'email' };
    if (byEmail.length > 1) {
      return { kind: 'ambiguous', candidates: byEmail, reason: `${byEmail.length} QuickBooks customers use the e-mail ${email}` };
    }
  }
  return { kind: 'none' };
}

function cutTo(text: string, max: number): string {
  return fitTo(text, Math.min(max, QBO_LIMITS.customer.DisplayName));
}
