/**
 * One normalized view of an Account or a QBO customer ("party"), built once per record, so scoring
 * a pair never re-normalizes text.
 */
import { customerNameVariants, idInDisplayName, normalizeCompanyName, withDepartmentRemoved, type NormalizedName } from './normalize-name';
import {
  emailDomain, normalizeCountry, normalizeEmails, normalizePhone, normalizePostalCode, normalizeStreet,
  websiteDomain, type NormalizedStreet,
} from './normalize-contact';
import { isGenericDomain } from './generic-domains';
import { foldText, words } from './normalize-name';
import type { MatchAccount, MatchCustomer } from './types';

export interface Party {
  id: string;
  /** Name as shown to people. */
  label: string;
  names: NormalizedName[];
  emails: string[];
  /** Company domains from e-mails and website, public mailbox providers left out. */
  domains: string[];
  phone: string | null;
  postal: string | null;
  street: NormalizedStreet | null;
  city: string | null;
  country: string | null;
  /** Account: its QuickBooks_Customer_Id__c. Customer: the Account id its DisplayName carries. */
  linkedId: string | null;
  active: boolean;
}

function domainsOf(emails: string[], website: string | null): string[] {
  const out: string[] = [];
  for (const domain of [...emails.map(emailDomain), website]) {
    if (domain && !isGenericDomain(domain) && !out.includes(domain)) out.push(domain);
  }
  return out;
}

function uniqueNames(raw: string[]): NormalizedName[] {
  const out: NormalizedName[] = [];
  for (const text of raw) {
    const name = normalizeCompanyName(text);
    if (name.key && !out.some((n) => n.key === name.key)) out.push(name);
  }
  return out;
}

function city(raw: string | null | undefined): string | null {
  const text = raw ? words(foldText(raw)).join(' ') : '';
  return text || null;
}

export function accountParty(account: MatchAccount): Party {
  const emails = normalizeEmails(account.Billing_Email__c);
  return {
    id: account.Id,
    label: account.Name ?? '',
    names: uniqueNames(withDepartmentRemoved(account.Name ?? '')),
    emails,
    domains: domainsOf(emails, websiteDomain(account.Website)),
    phone: normalizePhone(account.Phone),
    postal: normalizePostalCode(account.BillingPostalCode),
    street: normalizeStreet(account.BillingStreet),
    city: city(account.BillingCity),
    country: normalizeCountry(account.BillingCountry),
    linkedId: account.QuickBooks_Customer_Id__c?.trim() || null,
    active: true,
  };
}

export function customerParty(customer: MatchCustomer): Party {
  const emails = normalizeEmails(customer.PrimaryEmailAddr?.Address);
  const address = customer.BillAddr ?? {};
  const display = customer.DisplayName ?? '';
  return {
    id: customer.Id,
    label: display,
    names: uniqueNames(customerNameVariants(display, customer.CompanyName)),
    emails,
    domains: domainsOf(emails, websiteDomain(customer.WebAddr?.URI)),
    phone: normalizePhone(customer.PrimaryPhone?.FreeFormNumber),
    postal: normalizePostalCode(address.PostalCode),
    street: normalizeStreet(address.Line1),
    city: city(address.City),
    country: normalizeCountry(address.Country),
    linkedId: idInDisplayName(display),
    active: customer.Active !== false && !/\(deleted\)\s*$/i.test(display),
  };
}

/** Salesforce ids compare on their case-sensitive 15-character form. */
export function sameSalesforceId(a: string, b: string): boolean {
  return a.slice(0, 15) === b.slice(0, 15);
}
