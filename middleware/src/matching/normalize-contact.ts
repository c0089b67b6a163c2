/**
 * Normalization of the contact fields used as evidence: e-mail, domain, phone, address, country, SKU.
 * Each returns null when the value is missing or carries no identity (a placeholder phone, a bad e-mail).
 */
import { foldText, words } from './normalize-name';

const EMAIL = /^[^\s@]+@([a-z0-9-]+\.)+[a-z]{2,}$/;

/** Every address in the field (QBO allows several, comma-separated), lowercased; "+tag" dropped; Gmail dots dropped. */
export function normalizeEmails(raw: string | null | undefined): string[] {
  if (!raw) return [];
  const out: string[] = [];
  for (const part of raw.split(/[,;\s]+/)) {
    const email = normalizeEmail(part);
    if (email && !out.includes(email)) out.push(email);
  }
  return out;
}

export function normalizeEmail(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = raw.trim().toLowerCase().replace(/^mailto:/, '').replace(/^<|>$/g, '');
  if (!EMAIL.test(text)) return null;
  const at = text.lastIndexOf('@');
  let local = text.slice(0, at).replace(/\+.*$/, '');
  let domain = text.slice(at + 1);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return local ? `${local}@${domain}` : null;
}

/** Second-level labels under which companies register (acme.co.uk), so the registrable part has three labels. */
const SECOND_LEVEL = /^(co|com|org|net|ac|gov|edu|ne|or|ltd|plc|gv|gob|nom)$/;

/** The registrable domain: "billing.eu.acme.com" → "acme.com", "shop.acme.co.uk" → "acme.co.uk". */
export function registrableDomain(host: string | null | undefined): string | null {
  if (!host) return null;
  const labels = host.toLowerCase().replace(/\.$/, '').split('.').filter((l) => l.length > 0);
  if (labels.length < 2) return null;
  const tld = labels[labels.length - 1] as string;
  const second = labels[labels.length - 2] as string;
  const take = tld.length === 2 && SECOND_LEVEL.test(second) && labels.length >= 3 ? 3 : 2;
  return labels.slice(-take).join('.');
}

export function emailDomain(email: string): string | null {
  return registrableDomain(email.slice(email.lastIndexOf('@') + 1));
}

/** "https://www.Acme.com/about" → "acme.com". */
export function websiteDomain(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const host = raw.trim().toLowerCase().replace(/^[a-z]+:\/\//, '').replace(/[/?#:].*$/, '').replace(/^www\d?\./, '');
  if (!/^[a-z0-9.-]+\.[a-z]{2,}$/.test(host)) return null;
  return registrableDomain(host);
}

/**
 * The last nine digits of the number without its extension: long enough to identify a line, short
 * enough that "+44 20 7946 0958" and "020 7946 0958", or "+1 (512) 555-0100" and "512.555.0100", agree.
 */
export function normalizePhone(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const withoutExtension = raw.replace(/\s*(?:ext\.?|extension|x|#)\s*\d+\s*$/i, '');
  const digits = withoutExtension.replace(/\D/g, '');
  if (digits.length < 7) return null;
  const key = digits.slice(-9);
  if (new Set(key).size <= 2 || '01234567890'.includes(key) || '9876543210'.includes(key)) return null;
  return key;
}

/** Uppercase letters and digits; a US ZIP+4 becomes its five-digit ZIP. */
export function normalizePostalCode(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const compact = raw.toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (!compact) return null;
  if (/^\d{5}-?\d{4}$/.test(raw.trim()) || /^\d{9}$/.test(compact)) return compact.slice(0, 5);
  return compact;
}

const STREET_WORDS: Record<string, string> = {
  street: 'st', avenue: 'ave', av: 'ave', road: 'rd', boulevard: 'blvd', drive: 'dr', lane: 'ln', court: 'ct',
  place: 'pl', suite: 'ste', highway: 'hwy', parkway: 'pkwy', north: 'n', south: 's', east: 'e', west: 'w',
  floor: 'fl', apartment: 'apt', building: 'bldg', square: 'sq', terrace: 'ter', circle: 'cir', strasse: 'str',
  str: 'str', number: 'no', unit: 'unit', way: 'way', trail: 'trl', plaza: 'plz', center: 'ctr', centre: 'ctr',
};

const UNIT_WORDS = new Set(['ste', 'fl', 'apt', 'unit', 'no', 'bldg', 'room', 'rm']);

export interface NormalizedStreet {
  /** The house number (first number not after "Suite", "Floor", ...), if any. */
  number: string | null;
  /** All words with standard abbreviations, space-joined. */
  key: string;
}

export function normalizeStreet(raw: string | null | undefined): NormalizedStreet | null {
  if (!raw) return null;
  const tokens = words(foldText(raw)).map((w) => STREET_WORDS[w] ?? w);
  if (tokens.length === 0) return null;
  let number: string | null = null;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as string;
    if (/^\d/.test(token) && !(i > 0 && UNIT_WORDS.has(tokens[i - 1] as string))) {
      number = token;
      break;
    }
  }
  return { number, key: tokens.join(' ') };
}

const COUNTRIES: Record<string, string> = {
  us: 'US', usa: 'US', 'united states': 'US', 'united states of america': 'US', america: 'US',
  ca: 'CA', can: 'CA', canada: 'CA', gb: 'GB', uk: 'GB', 'united kingdom': 'GB', 'great britain': 'GB',
  england: 'GB', scotland: 'GB', wales: 'GB', de: 'DE', deu: 'DE', germany: 'DE', deutschland: 'DE',
  fr: 'FR', fra: 'FR', france: 'FR', au: 'AU', aus: 'AU', australia: 'AU', nz: 'NZ', 'new zealand': 'NZ',
  ie: 'IE', ireland: 'IE', nl: 'NL', netherlands: 'NL', 'the netherlands': 'NL', holland: 'NL',
  es: 'ES', spain: 'ES', espana: 'ES', it: 'IT', italy: 'IT', italia: 'IT', mx: 'MX', mexico: 'MX',
  in: 'IN', india: 'IN', ch: 'CH', switzerland: 'CH', schweiz: 'CH', at: 'AT', austria: 'AT', osterreich: 'AT',
};

/** ISO-2 code for the common spellings; otherwise the folded text, so unknown values still compare. */
export function normalizeCountry(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const text = words(foldText(raw)).join(' ');
  if (!text) return null;
  return COUNTRIES[text] ?? text.toUpperCase();
}

/** "abc-123", "ABC 123" and "ABC123" are one SKU. */
export function normalizeSku(raw: string | null | undefined): string | null {
  if (!raw) return null;
  const sku = foldText(raw).toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');
  return sku || null;
}
