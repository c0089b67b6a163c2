/**
 * Evidence points for one pair of parties (Account ↔ customer, or two records of one system).
 * Points are log-odds-like: positive for agreement, negative for disagreement, zero when a field is
 * missing on either side. The weights and tier rules are documented in README.md.
 */
import { isGenericDomain } from './generic-domains';
import { emailDomain } from './normalize-contact';
import { compareNameSets, type NameComparison } from './name-compare';
import { sameSalesforceId, type Party } from './party';
import type { SharedValues } from './shared-values';

export const WEIGHTS = {
  linkedId: 10,
  nameSame: 6,
  nameTypo: 4,
  nameSubset: 1.5,
  nameSimilar: 1,
  nameDifferent: -4,
  email: 5,
  publicEmail: 4,
  domain: 3,
  domainConflict: -1.5,
  phone: 4,
  phoneConflict: -1,
  streetAndPostal: 3,
  postalOnly: 1.5,
  postalOtherNumber: 0.5,
  postalConflict: -1.5,
  city: 0.5,
  cityConflict: -1,
  countryConflict: -2,
} as const;

/** Points at which a pair is worth a person's look ("probable"). */
export const PROBABLE_POINTS = 5.5;
/** Points at which a same-name pair with a corroborating signal may be linked without a person. */
export const EXACT_POINTS = 8;
/** Points below which no "nearest candidate" hint is shown. */
export const HINT_POINTS = 2;

export interface PairScore {
  points: number;
  /** 0..1: logistic in the points; 0.73 at the probable line, 0.88 at the exact line. */
  score: number;
  reasons: string[];
  name: NameComparison;
  linked: boolean;
  /** Same e-mail, company domain, phone or street address: something beyond the name agrees. */
  corroborated: boolean;
  /** A hard disagreement (different country) that keeps a pair out of the exact tier. */
  conflict: boolean;
  /**
   * The names differ only in form (one adds descriptive words such as "Group", "& Sons" or its own city)
   * and the contact evidence is strong (two of: same phone, same e-mail or company domain, same street
   * address; and the same place: city or postal code) with nothing disagreeing: such a pair may be exact
   * like a same-name pair.
   */
  formLift: boolean;
}

/**
 * Words that name the kind or form of a business rather than which business it is: a name with or
 * without them is the same name when the contact evidence agrees. "West", "Holdings" or "Foundation"
 * are not here: a sibling company is often named that way.
 */
const FORM_WORDS = new Set([
  'group', 'services', 'service', 'associates', 'partners', 'enterprises', 'studio', 'studios', 'school', 'office',
  'offices', 'practice', 'firm', 'agency', 'family', 'sons', 'brothers', 'dr',
]);

/** Agreement and disagreement on the contact fields of one pair. */
interface Contact {
  email: boolean;
  domain: boolean;
  phone: boolean;
  street: boolean;
  /** Same postal code, or same city where a postal code is missing. */
  place: boolean;
  disagreements: number;
}

export function toScore(points: number): number {
  return Math.round((1 / (1 + Math.exp(-(points - 4) / 1.5))) * 1000) / 1000;
}

/**
 * @param explain build the reasons text; the hot loop scores without it and explains only the pairs it keeps.
 */
export function scorePair(a: Party, b: Party, shared: SharedValues, explain = true): PairScore {
  const plus: Array<[number, string]> = [];
  const minus: Array<[number, string]> = [];
  let total = 0;
  const add = (points: number, reason: string): void => {
    total += points;
    if (explain) (points >= 0 ? plus : minus).push([points, reason]);
  };
  const ex = explain;
  const link = linkOf(a, b);
  const linked = link !== null;
  if (link) add(WEIGHTS.linkedId, link);
  const name = compareNameSets(a.names, b.names);
  nameEvidence(name, add, ex);
  const contact: Contact = { email: false, domain: false, phone: false, street: false, place: false, disagreements: 0 };
  contactEvidence(a, b, shared, add, ex, contact);
  const address = addressEvidence(a, b, add, ex, contact);
  const corroborated = contact.email || contact.domain || contact.phone || address.corroborated;
  const formLift = differsInFormOnly(name, a, b) && strongContact(contact);
  if (formLift) add(0, ex ? 'the names differ only in form and the contact details agree' : '');
  plus.sort((x, y) => y[0] - x[0]);
  minus.sort((x, y) => x[0] - y[0]);
  const points = Math.round(total * 100) / 100;
  return {
    points,
    score: toScore(points),
    reasons: [...plus, ...minus].map(([, r]) => r),
    name,
    linked,
    corroborated,
    conflict: address.countryConflict,
    formLift,
  };
}

function differsInFormOnly(name: NameComparison, a: Party, b: Party): boolean {
  if (name.relation !== 'subset') return false;
  const cities = `${a.city ?? ''} ${b.city ?? ''}`.split(' ');
  return name.extra.every((w) => FORM_WORDS.has(w) || cities.includes(w));
}

function strongContact(c: Contact): boolean {
  const agreeing = Number(c.phone) + Number(c.email || c.domain) + Number(c.street);
  return c.disagreements === 0 && c.place && agreeing >= 2;
}

/** Why the two records are already linked by id, or null. */
function linkOf(a: Party, b: Party): string | null {
  if (a.linkedId && a.linkedId === b.id) return `already linked: QuickBooks_Customer_Id__c = ${b.id}`;
  if (b.linkedId && sameSalesforceId(b.linkedId, a.id)) return `already linked: the QuickBooks name carries the Account id ${b.linkedId}`;
  return null;
}

type Add = (points: number, reason: string) => void;

function nameEvidence(name: NameComparison, add: Add, ex: boolean): void {
  const extra = (): string => (name.extra.length > 0 ? ` (${name.extra.map((w) => `"${w}"`).join(', ')} on one side only)` : '');
  switch (name.relation) {
    case 'same': add(WEIGHTS.nameSame, ex ? 'same normalized name' : ''); break;
    case 'typo': add(WEIGHTS.nameTypo, ex ? 'names differ by a typo' : ''); break;
    case 'subset': add(WEIGHTS.nameSubset, ex ? `one name contains the other${extra()}` : ''); break;
    case 'similar': add(WEIGHTS.nameSimilar, ex ? `similar names (${name.similarity.toFixed(2)})${extra()}` : ''); break;
    case 'different': add(WEIGHTS.nameDifferent, ex ? 'but the names differ' : ''); break;
    case 'missing': break;
  }
}

function contactEvidence(a: Party, b: Party, shared: SharedValues, add: Add, ex: boolean, contact: Contact): void {
  const email = a.emails.find((e) => b.emails.includes(e));
  if (email && shared.isShared('email', email)) {
    add(0, ex ? `same e-mail ${email}, ignored: used by ${shared.users('email', email)}+ different names` : '');
  } else if (email) {
    const domain = emailDomain(email);
    const publicMailbox = !domain || isGenericDomain(domain);
    add(publicMailbox ? WEIGHTS.publicEmail : WEIGHTS.email, ex ? `same e-mail ${email}${publicMailbox ? ' (public mailbox)' : ''}` : '');
    contact.email = true;
  }
  // A shared domain (a bookkeeper's) is neither evidence for nor against.
  const aDomains = a.domains.filter((d) => !shared.isShared('domain', d));
  const bDomains = b.domains.filter((d) => !shared.isShared('domain', d));
  const common = aDomains.find((d) => bDomains.includes(d));
  if (!email && common) {
    add(WEIGHTS.domain, ex ? `same company domain ${common}` : '');
    contact.domain = true;
  } else if (!email && aDomains.length > 0 && bDomains.length > 0 && !common) {
    add(WEIGHTS.domainConflict, ex ? `but different company domains (${aDomains[0]} / ${bDomains[0]})` : '');
    contact.disagreements += 1;
  }
  if (a.phone && b.phone) {
    if (a.phone !== b.phone) {
      add(WEIGHTS.phoneConflict, ex ? 'but different phone numbers' : '');
      contact.disagreements += 1;
    } else if (shared.isShared('phone', a.phone)) add(0, ex ? 'same phone, ignored: shared by several companies' : '');
    else {
      add(WEIGHTS.phone, ex ? 'same phone number' : '');
      contact.phone = true;
    }
  }
}

function addressEvidence(a: Party, b: Party, add: Add, ex: boolean, contact: Contact): { corroborated: boolean; countryConflict: boolean } {
  let corroborated = false;
  const countryConflict = Boolean(a.country && b.country && a.country !== b.country);
  if (countryConflict) add(WEIGHTS.countryConflict, ex ? `but different countries (${a.country} / ${b.country})` : '');
  let disagree = countryConflict;
  if (a.postal && b.postal) {
    if (a.postal !== b.postal) {
      add(WEIGHTS.postalConflict, ex ? 'but different postal codes' : '');
      disagree = true;
    } else if (a.street?.number && b.street?.number) {
      contact.place = true;
      if (a.street.number === b.street.number) {
        add(WEIGHTS.streetAndPostal, ex ? 'same street number and postal code' : '');
        corroborated = true;
        contact.street = true;
      } else add(WEIGHTS.postalOtherNumber, ex ? 'same postal code, different street number' : '');
    } else {
      add(WEIGHTS.postalOnly, ex ? 'same postal code' : '');
      corroborated = true;
      contact.place = true;
    }
  } else if (a.city && b.city) {
    if (a.city === b.city) {
      add(WEIGHTS.city, ex ? 'same city' : '');
      contact.place = true;
    } else {
      add(WEIGHTS.cityConflict, ex ? 'but different cities' : '');
      disagree = true;
    }
  }
  if (disagree) contact.disagreements += 1;
  return { corroborated, countryConflict };
}
