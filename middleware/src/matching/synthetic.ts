/**
 * A seeded synthetic onboarding data set with known ground truth: Salesforce Accounts and QBO customers
 * of the same companies typed differently, companies on one side only, duplicates inside each system,
 * look-alikes that are different companies (a sibling "Acme Corp West", or the same name in another
 * city), public-mailbox e-mails, a bookkeeper's e-mail shared by many customers, pre-existing id links
 * and stale ones. `truth` maps every record id to the id of the real company it stands for.
 */
import { generateItems, type SyntheticItems } from './synthetic-items';
import {
  formatCity, formatCountry, formatPhone, formatPostal, formatStreet, variantName, type Address, type Intensity,
} from './synthetic-variants';
import {
  CITIES, FIRST_NAMES, INDUSTRIES, LEGAL_FORMS_BY_COUNTRY, LOOKALIKE_WORDS, PLACES, PUBLIC_MAILBOXES, Random,
  STREETS, STREET_TYPES, SURNAMES, SYLLABLES,
} from './synthetic-words';
import type { MatchAccount, MatchCustomer } from './types';

export interface SyntheticOptions {
  seed?: number;
  /** Salesforce Accounts to produce (default 2000). */
  accounts?: number;
  /** QBO customers to produce (default 1500). */
  customers?: number;
  /** Share of the customers' companies that also exist as Accounts (default 0.7). */
  overlap?: number;
  /** Share of extra records that duplicate a company already in the same system (default 0.04 / 0.03). */
  accountDuplicateRate?: number;
  customerDuplicateRate?: number;
  /** Chance that a new company is a look-alike of an earlier one (default 0.08). */
  lookalikeRate?: number;
  /** Products and items (default 400 / 350). */
  products?: number;
  items?: number;
}

export interface Company {
  id: string;
  core: string;
  legal: string;
  address: Address;
  phone: string;
  /** Company domain, or null for a business that uses a public mailbox. */
  domain: string | null;
  email: string;
}

export interface SyntheticData extends SyntheticItems {
  accounts: MatchAccount[];
  customers: MatchCustomer[];
  companies: Company[];
  truth: { account: Map<string, string>; customer: Map<string, string>; product: Map<string, string>; item: Map<string, string> };
}

const BOOKKEEPER_EMAIL = 'ap@ledgerwise-bookkeeping.com';

function coreName(rng: Random): string {
  const stem = (): string => {
    const word = Array.from({ length: rng.int(2, 3) }, () => rng.pick(SYLLABLES)).join('');
    return word[0]!.toUpperCase() + word.slice(1);
  };
  const roll = rng.next();
  if (roll < 0.3) return `${stem()} ${rng.pick(INDUSTRIES)}`;
  if (roll < 0.42) return stem();
  if (roll < 0.55) return `${rng.pick(SURNAMES)} ${rng.pick(['& Sons', 'and Daughters', '& Partners', 'Brothers', rng.pick(INDUSTRIES)])}`;
  if (roll < 0.65) return `${rng.pick(SURNAMES)} & ${rng.pick(SURNAMES)}`;
  if (roll < 0.8) return `${rng.pick(PLACES)} ${stem()} ${rng.pick(INDUSTRIES)}`;
  if (roll < 0.9) return `The ${rng.pick(PLACES)} ${rng.pick(INDUSTRIES)} ${rng.pick(['Company', 'Shop', 'Works', 'House'])}`;
  return `${stem()} ${stem()} ${rng.pick(INDUSTRIES)}`;
}

function slug(core: string): string {
  return core.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/^the /, '').replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '');
}

function newAddress(rng: Random, country?: string, avoidCity?: string): Address {
  const countryCode = country ?? rng.pick(['US', 'US', 'US', 'US', 'US', 'US', 'US', 'CA', 'GB', 'GB', 'DE', 'AU']);
  const cities = (CITIES[countryCode] ?? CITIES.US)!.filter(([c]) => c !== avoidCity);
  const [city, state] = rng.pick(cities);
  const postal = {
    US: () => rng.digits(5), CA: () => `${rng.pick(['K', 'M', 'V', 'T'])}${rng.int(1, 9)}${rng.pick(['A', 'B', 'C'])} ${rng.int(1, 9)}${rng.pick(['X', 'Y', 'Z'])}${rng.int(1, 9)}`,
    GB: () => `${rng.pick(['SW', 'EC', 'M', 'LS', 'BS'])}${rng.int(1, 20)} ${rng.int(1, 9)}${rng.pick(['AA', 'BD', 'HX'])}`,
    DE: () => rng.digits(5), AU: () => String(rng.int(2000, 6999)),
  }[countryCode]!();
  return { number: rng.int(1, 9999), street: rng.pick(STREETS), types: rng.pick(STREET_TYPES), city, state, postal, country: countryCode };
}

function newCompany(rng: Random, id: string, core: string, address: Address, domain: string | null | undefined): Company {
  const legal = rng.pick(LEGAL_FORMS_BY_COUNTRY[address.country] ?? ['']);
  const publicMailbox = domain === null || (domain === undefined && rng.chance(0.3));
  const companyDomain = publicMailbox ? null : domain ?? `${slug(core)}${rng.pick(['.com', '.com', '.net', '.io', '.co'])}`;
  const first = rng.pick(FIRST_NAMES).toLowerCase();
  const email = companyDomain
    ? `${rng.pick(['billing', 'accounts', 'ap', 'info', 'invoices', first])}@${companyDomain}`
    : `${slug(core).slice(0, 12)}${rng.int(1, 999)}@${rng.pick(PUBLIC_MAILBOXES)}`;
  return { id, core, legal, address, phone: rng.digits(10), domain: companyDomain, email };
}

/** A different company that looks like `base`: a sibling with one more word, or the same name elsewhere. */
function lookalike(rng: Random, id: string, base: Company): Company {
  if (rng.chance(0.3)) {
    // Another business of the same name elsewhere: its own domain (or a public mailbox), never the other's.
    const address = newAddress(rng, base.address.country, base.address.city);
    const domain = rng.chance(0.5) ? null : `${slug(base.core)}${slug(address.city)}.com`;
    return newCompany(rng, id, base.core, address, domain);
  }
  const subsidiary = base.domain !== null && rng.chance(0.35);
  return newCompany(rng, id, `${base.core} ${rng.pick(LOOKALIKE_WORDS)}`, newAddress(rng), subsidiary ? base.domain : undefined);
}

export function generateCompanies(rng: Random, count: number, lookalikeRate: number): Company[] {
  const companies: Company[] = [];
  const cores = new Set<string>();
  while (companies.length < count) {
    const id = `E${String(companies.length + 1).padStart(6, '0')}`;
    if (companies.length > 10 && rng.chance(lookalikeRate)) {
      companies.push(lookalike(rng, id, rng.pick(companies)));
      continue;
    }
    const core = coreName(rng);
    if (cores.has(slug(core))) continue;
    cores.add(slug(core));
    companies.push(newCompany(rng, id, core, newAddress(rng), undefined));
  }
  return companies;
}

function shuffle<T>(rng: Random, list: T[]): T[] {
  for (let i = list.length - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [list[i], list[j]] = [list[j] as T, list[i] as T];
  }
  return list;
}

interface Contact {
  name: string;
  email: string | null;
  phone: string | null;
  street: string | null;
  city: string | null;
  state: string | null;
  postal: string | null;
  country: string | null;
}

/** The company as one system holds it: name retyped, fields reformatted, some missing or outdated. */
function contactOf(rng: Random, company: Company, intensity: Intensity): Contact {
  const heavy = intensity === 'heavy';
  let email: string | null = company.email;
  const emailRoll = rng.next();
  if (emailRoll < (heavy ? 0.15 : 0.08)) email = null;
  else if (emailRoll < (heavy ? 0.3 : 0.12) && company.domain) email = `${rng.pick(['ar', 'finance', 'office', rng.pick(FIRST_NAMES).toLowerCase()])}@${company.domain}`;
  else if (emailRoll < (heavy ? 0.38 : 0.14)) email = `${rng.pick(FIRST_NAMES).toLowerCase()}${rng.int(1, 99)}@${rng.pick(PUBLIC_MAILBOXES)}`;
  else if (emailRoll < (heavy ? 0.4 : 0.15)) email = BOOKKEEPER_EMAIL;
  if (email && rng.chance(0.1)) email = email.replace(/^./, (c) => c.toUpperCase());
  const phoneRoll = rng.next();
  const phone = phoneRoll < (heavy ? 0.3 : 0.15) ? null : phoneRoll < (heavy ? 0.42 : 0.2) ? rng.digits(10) : company.phone;
  const addressRoll = rng.next();
  const address = addressRoll < (heavy ? 0.12 : 0.06) ? newAddress(rng, company.address.country) : company.address;
  const noAddress = addressRoll > (heavy ? 0.75 : 0.88);
  return {
    name: variantName(company.core, company.legal, rng, intensity),
    email,
    phone: phone ? formatPhone(address.country, phone, rng) : null,
    street: noAddress ? null : formatStreet(address, rng),
    city: noAddress && rng.chance(0.5) ? null : formatCity(address.city, rng, intensity),
    state: noAddress ? null : address.state || null,
    postal: noAddress ? null : formatPostal(address, rng),
    country: noAddress ? null : formatCountry(address.country, rng),
  };
}

function accountOf(id: string, contact: Contact, rng: Random, company: Company): MatchAccount {
  return {
    Id: id, Name: contact.name, Billing_Email__c: contact.email, Phone: contact.phone, BillingStreet: contact.street,
    BillingCity: contact.city, BillingState: contact.state, BillingPostalCode: contact.postal, BillingCountry: contact.country,
    Website: company.domain && rng.chance(0.5) ? `https://www.${company.domain}/` : null, QuickBooks_Customer_Id__c: null,
  };
}

function customerOf(id: string, contact: Contact, rng: Random): MatchCustomer {
  const person = rng.chance(0.03);
  const display = person ? `${rng.pick(['Smith', 'Lee', 'Garcia', 'Patel'])}, ${rng.pick(FIRST_NAMES)}` : contact.name;
  return {
    Id: id, DisplayName: display, CompanyName: person || rng.chance(0.5) ? contact.name : null,
    PrimaryEmailAddr: contact.email ? { Address: contact.email } : null,
    PrimaryPhone: contact.phone ? { FreeFormNumber: contact.phone } : null,
    BillAddr: contact.street || contact.city ? {
      Line1: contact.street, City: contact.city, CountrySubDivisionCode: contact.state, PostalCode: contact.postal, Country: contact.country,
    } : null,
    Active: !rng.chance(0.04),
  };
}

export function generateSynthetic(options: SyntheticOptions = {}): SyntheticData {
  const rng = new Random(options.seed ?? 20240601);
  const accountTarget = options.accounts ?? 2000;
  const customerTarget = options.customers ?? 1500;
  const accountDuplicates = Math.round(accountTarget * (options.accountDuplicateRate ?? 0.04));
  const customerDuplicates = Math.round(customerTarget * (options.customerDuplicateRate ?? 0.03));
  const inSf = accountTarget - accountDuplicates;
  const inQbo = customerTarget - customerDuplicates;
  const both = Math.min(inSf, Math.round(inQbo * (options.overlap ?? 0.7)));
  const companies = generateCompanies(rng, inSf + inQbo - both, options.lookalikeRate ?? 0.08);
  const roles = shuffle(rng, companies.map((_, i) => (i < both ? 'both' : i < inSf ? 'sf' : 'qbo')));
  const sfCompanies = companies.filter((_, i) => roles[i] !== 'qbo');
  const qboCompanies = companies.filter((_, i) => roles[i] !== 'sf');
  for (let i = 0; i < accountDuplicates; i += 1) sfCompanies.push(rng.pick(sfCompanies.slice(0, inSf)));
  for (let i = 0; i < customerDuplicates; i += 1) qboCompanies.push(rng.pick(qboCompanies.slice(0, inQbo)));
  shuffle(rng, sfCompanies);
  shuffle(rng, qboCompanies);

  const truth: SyntheticData['truth'] = { account: new Map(), customer: new Map(), product: new Map(), item: new Map() };
  const customers: MatchCustomer[] = [];
  const customerOfCompany = new Map<string, string>();
  const displayNames = new Set<string>();
  qboCompanies.forEach((company, i) => {
    const id = String(i + 1);
    const customer = customerOf(id, contactOf(rng, company, 'heavy'), rng);
    // QBO refuses two customers with one DisplayName; people then add a tail.
    while (displayNames.has(customer.DisplayName.toLowerCase())) customer.DisplayName = `${customer.DisplayName} (${rng.pick(['old', '2', 'billing'])})`;
    displayNames.add(customer.DisplayName.toLowerCase());
    customers.push(customer);
    truth.customer.set(id, company.id);
    if (!customerOfCompany.has(company.id)) customerOfCompany.set(company.id, id);
  });
  const accounts: MatchAccount[] = sfCompanies.map((company, i) => {
    const id = `001${String(i + 1).padStart(12, '0')}AAA`;
    const account = accountOf(id, contactOf(rng, company, 'light'), rng, company);
    const customerId = customerOfCompany.get(company.id);
    if (customerId && rng.chance(0.1)) account.QuickBooks_Customer_Id__c = customerId;
    else if (!customerId && rng.chance(0.01)) account.QuickBooks_Customer_Id__c = String(900000 + i);
    truth.account.set(id, company.id);
    return account;
  });
  const items = generateItems(rng, options.products ?? 400, options.items ?? 350, truth);
  return { accounts, customers, companies, truth, ...items };
}
