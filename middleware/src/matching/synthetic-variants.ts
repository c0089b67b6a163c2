/**
 * How people re-type one company in another system: other legal form, "&" for "and", no apostrophe,
 * no accents, other case, abbreviations, a typo, another phone or address format. Each operator is
 * applied at random; "light" variation is used for the first system, "heavy" for the second.
 */
import { ALL_LEGAL_FORMS, COUNTRY_SPELLINGS, Random } from './synthetic-words';

export type Intensity = 'none' | 'light' | 'heavy';

const ABBREVIATE: Array<[RegExp, string]> = [
  [/\bInternational\b/, 'Intl'], [/\bManufacturing\b/, 'Mfg'], [/\bAssociates\b/, 'Assoc.'], [/\bServices\b/, 'Svcs'],
  [/\bTechnologies\b/, 'Tech'], [/\bLaboratories\b/, 'Labs'], [/\bManagement\b/, 'Mgmt'], [/\bBrothers\b/, 'Bros.'],
];

export function joinName(core: string, legal: string, rng: Random): string {
  if (!legal) return core;
  return rng.chance(0.3) ? `${core}, ${legal}` : `${core} ${legal}`;
}

/** One random edit (substitute, drop, double, swap) in one word of five letters or more. */
export function typo(text: string, rng: Random): string {
  const words = text.split(' ');
  const candidates = words.map((w, i) => [w, i] as const).filter(([w]) => /^[A-Za-z]{5,}$/.test(w));
  if (candidates.length === 0) return text;
  const [word, at] = rng.pick(candidates);
  const i = rng.int(1, word.length - 2);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const kind = rng.int(0, 3);
  let changed = word;
  if (kind === 0) changed = word.slice(0, i) + rng.pick([...letters].filter((c) => c !== word[i])) + word.slice(i + 1);
  else if (kind === 1) changed = word.slice(0, i) + word.slice(i + 1);
  else if (kind === 2) changed = word.slice(0, i) + (word[i] as string) + word.slice(i);
  else changed = word.slice(0, i) + (word[i + 1] as string) + (word[i] as string) + word.slice(i + 2);
  words[at] = changed;
  return words.join(' ');
}

export function rename(name: string, rng: Random): string {
  const words = name.split(' ').filter((w) => /^[A-Za-z]/.test(w) && w !== 'The');
  if (words.length < 2) return name;
  if (rng.chance(0.5)) return words.slice(0, -1).join(' ');
  return words.map((w) => w[0]!.toUpperCase()).join(rng.chance(0.5) ? '.' : '') + (words.length > 2 ? '' : ` ${words[words.length - 1]}`);
}

export function variantName(core: string, legal: string, rng: Random, intensity: Intensity): string {
  if (intensity === 'none') return joinName(core, legal, rng);
  const heavy = intensity === 'heavy';
  let name = core;
  let form = legal;
  if (rng.chance(heavy ? 0.45 : 0.15)) form = rng.pick(ALL_LEGAL_FORMS);
  if (/&/.test(name) && rng.chance(0.5)) name = name.replace(/&/g, 'and');
  else if (/\band\b/.test(name) && rng.chance(0.4)) name = name.replace(/\band\b/g, '&');
  if (/'/.test(name) && rng.chance(0.5)) name = name.replace(/'/g, rng.chance(0.7) ? '' : '’');
  if (/[^\x20-\x7e]/.test(name) && rng.chance(0.5)) {
    name = rng.chance(0.8) ? name.normalize('NFKD').replace(/\p{M}/gu, '') : name.replace(/ü/g, 'ue').replace(/ö/g, 'oe').replace(/ä/g, 'ae');
  }
  for (const [pattern, short] of ABBREVIATE) if (pattern.test(name) && rng.chance(heavy ? 0.3 : 0.1)) name = name.replace(pattern, short);
  if (name.startsWith('The ') && rng.chance(0.5)) name = name.slice(4);
  if (rng.chance(heavy ? 0.07 : 0.02)) name = typo(name, rng);
  // Now and then the books use a short or trade name: initials, or the name without its last word.
  if (heavy && rng.chance(0.04)) name = rename(name, rng);
  let full = joinName(name, form, rng);
  if (rng.chance(heavy ? 0.2 : 0.05)) full = full.replace(/[.,]/g, '');
  if (rng.chance(0.05)) full = full.replace(/ /g, '  ');
  const caseRoll = rng.next();
  if (caseRoll < (heavy ? 0.1 : 0.03)) full = full.toUpperCase();
  else if (caseRoll < (heavy ? 0.18 : 0.05)) full = full.toLowerCase();
  return full;
}

export function formatPhone(country: string, digits: string, rng: Random): string {
  if (country === 'US' || country === 'CA') {
    const [a, b, c] = [digits.slice(0, 3), digits.slice(3, 6), digits.slice(6, 10)];
    const formats = [`(${a}) ${b}-${c}`, `${a}-${b}-${c}`, `${a}.${b}.${c}`, `+1 ${a} ${b} ${c}`, `${a}${b}${c}`, `1-${a}-${b}-${c}`];
    const text = rng.pick(formats);
    return rng.chance(0.08) ? `${text} ext. ${rng.int(10, 999)}` : text;
  }
  const code = { GB: '44', DE: '49', AU: '61' }[country] ?? '1';
  const [area, rest] = [digits.slice(0, 2), digits.slice(2)];
  return rng.chance(0.5) ? `+${code} ${area} ${rest.slice(0, 4)} ${rest.slice(4)}` : `0${area} ${rest}`;
}

export interface Address {
  number: number;
  street: string;
  types: readonly string[];
  city: string;
  state: string;
  postal: string;
  country: string;
}

export function formatStreet(address: Address, rng: Random): string {
  const suite = rng.chance(0.15) ? rng.pick([`, Suite ${rng.int(100, 900)}`, ` Ste ${rng.int(100, 900)}`, ` #${rng.int(1, 40)}`]) : '';
  if (address.country === 'DE') return `${address.street}${rng.pick(['straße', 'strasse', 'str.'])} ${address.number}`;
  return `${address.number} ${address.street} ${rng.pick(address.types)}${suite}`;
}

export function formatPostal(address: Address, rng: Random): string {
  if (address.country === 'US' && rng.chance(0.2)) return `${address.postal}-${rng.digits(4)}`;
  if (address.country === 'CA' || address.country === 'GB') return rng.chance(0.5) ? address.postal.replace(' ', '') : address.postal;
  return address.postal;
}

export function formatCountry(country: string, rng: Random): string {
  return rng.pick(COUNTRY_SPELLINGS[country] ?? [country]);
}

export function formatCity(city: string, rng: Random, intensity: Intensity): string {
  if (intensity === 'heavy' && rng.chance(0.1)) return city.toUpperCase();
  if (intensity === 'heavy' && rng.chance(0.2)) return city.normalize('NFKD').replace(/\p{M}/gu, '');
  return city;
}
