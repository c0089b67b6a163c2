/**
 * Company-name normalization. Two spellings of one company should end with the same key:
 * case, punctuation, whitespace, diacritics, apostrophes, "&"/"and", initials ("I.B.M."), common
 * abbreviations and trailing legal forms (Inc, LLC, Ltd, GmbH, ...) do not count.
 */

/** Trailing legal forms, removed repeatedly from the end ("Acme Holdings Co., Ltd." → "acme holdings"). */
const LEGAL_FORMS = new Set([
  'inc', 'incorporated', 'llc', 'lc', 'ltd', 'limited', 'corp', 'corporation', 'co', 'company', 'cos',
  'gmbh', 'mbh', 'ag', 'kg', 'kgaa', 'ohg', 'ug', 'ev', 'se', 'sa', 'sarl', 'sas', 'sasu', 'sl', 'slu', 'srl', 'spa',
  'bv', 'nv', 'vof', 'plc', 'pty', 'pte', 'lp', 'llp', 'lllp', 'pllc', 'pc', 'pa', 'oy', 'oyj', 'ab', 'as', 'asa',
  'aps', 'ek', 'kk', 'kft', 'zrt', 'sro', 'doo', 'ltda', 'cv', 'sapi', 'ulc', 'nl',
  // US professional forms: service corporation (WI), professional service corporation (WA), professional corporation (CA).
  'sc', 'ps', 'apc',
]);

/** Words that carry no identity ("Hometown Hardware of Ames" = "Hometown Hardware - Ames"). */
const STOP_WORDS = new Set(['and', 'the', 'of', 'und', 'et', 'y']);

/** Abbreviations written both ways in real books; mapped to one spelling. */
const ABBREVIATIONS: Record<string, string> = {
  intl: 'international', internat: 'international', mfg: 'manufacturing', svcs: 'services', svc: 'services',
  assoc: 'associates', assocs: 'associates', bros: 'brothers', mgmt: 'management', natl: 'national',
  univ: 'university', ctr: 'center', centre: 'center', dept: 'department', grp: 'group', hldgs: 'holdings',
  sys: 'systems', dist: 'distribution', engg: 'engineering', labs: 'laboratories',
  lab: 'laboratories', labo: 'laboratories', mktg: 'marketing', solns: 'solutions', tech: 'technology',
  technologies: 'technology', consultants: 'consulting',
  mt: 'mount', mtn: 'mountain', ft: 'fort', sr: 'senior', med: 'medical', medicine: 'medical', vet: 'veterinary',
  hosp: 'hospital', apts: 'apartments', assn: 'association', equip: 'equipment', derm: 'dermatology',
  // Numbers are kept as digits, so that "Store 7" and "Store 9" still differ by their digits.
  one: '1', two: '2', three: '3', four: '4', five: '5', six: '6', seven: '7', eight: '8', nine: '9', ten: '10',
  first: '1st', second: '2nd', third: '3rd', fourth: '4th', fifth: '5th', sixth: '6th', seventh: '7th',
  eighth: '8th', ninth: '9th', tenth: '10th',
};

/**
 * "St" is Saint at the start of a name or after "of"/"and" ("St. Mary's", "Church of St. Luke"), and
 * Street after another word ("Pine St Auto Repair").
 */
function saintOrStreet(token: string, previous: string | undefined): string {
  if (token !== 'st') return ABBREVIATIONS[token] ?? token;
  return previous === undefined || previous === 'of' || previous === 'and' ? 'saint' : 'street';
}

/** "Co-op" is one word (a cooperative), not the legal form "Co" followed by "op". */
const COOP = /\bco-?op\b/g;

/** Letters that NFKD does not decompose into a base letter plus a mark. */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', đ: 'd', ð: 'd', ł: 'l', þ: 'th', ı: 'i',
};

export interface NormalizedName {
  /** Identity tokens in order, legal forms and stop words removed. */
  tokens: string[];
  /** Tokens joined without spaces: "Coca-Cola" and "CocaCola" share it. Empty when the name is empty. */
  key: string;
  /** The digits of the key, in order ("Store 12" and "Store 14" are different stores). */
  digits: string;
}

/** Lowercase, diacritics folded (ü → u, ß → ss), apostrophes dropped, "&"/"+" spelled "and". */
export function foldText(raw: string): string {
  let text = raw.toLowerCase().replace(/[ßæœøđðłþı]/g, (ch) => SPECIAL_LETTERS[ch] ?? ch);
  text = text.normalize('NFKD').replace(/\p{M}+/gu, '');
  text = text.replace(/['’‘`´ʼ]/g, '');
  return text.replace(/[&+]/g, ' and ');
}

/** Words of letters and digits, in any script. */
export function words(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length > 0);
}

/** "i b m" → "ibm": initials written with dots or spaces become one token. */
function joinInitials(tokens: string[]): string[] {
  const out: string[] = [];
  let run = '';
  for (const token of tokens) {
    if (token.length === 1 && /\p{L}/u.test(token)) {
      run += token;
      continue;
    }
    if (run) out.push(run);
    run = '';
    out.push(token);
  }
  if (run) out.push(run);
  return out;
}

export function normalizeCompanyName(raw: string | null | undefined): NormalizedName {
  if (!raw) return { tokens: [], key: '', digits: '' };
  const folded = joinInitials(words(foldText(raw).replace(COOP, 'cooperative')));
  const base = folded.map((t, i) => saintOrStreet(t, folded[i - 1]));
  let tokens = base.filter((t) => !STOP_WORDS.has(t));
  let end = tokens.length;
  while (end > 1 && LEGAL_FORMS.has(tokens[end - 1] as string)) end -= 1;
  tokens = tokens.slice(0, end);
  // A name that is nothing but a legal form or stop words keeps its words rather than becoming empty.
  if (tokens.length === 0) tokens = base;
  const key = tokens.join('');
  return { tokens, key, digits: key.replace(/\D/g, '') };
}

/** True when every word of the text is a legal form ("Inc.", "Ltd"), e.g. the tail after a comma. */
export function isLegalFormOnly(text: string): boolean {
  const tokens = joinInitials(words(foldText(text)));
  return tokens.length > 0 && tokens.every((t) => LEGAL_FORMS.has(t));
}

/**
 * Names a QBO customer may be known by: DisplayName, CompanyName, and "Last, First" turned around.
 * QBO's own artifacts are removed: the " (deleted)" tail and a bracketed id tail " [001…]".
 */
export function customerNameVariants(displayName: string, companyName?: string | null): string[] {
  const variants: string[] = [];
  const display = stripQboArtifacts(displayName);
  variants.push(...withDepartmentRemoved(display));
  const comma = /^([^,]+),\s*([^,]+)$/.exec(display);
  if (comma && !isLegalFormOnly(comma[2] as string)) variants.push(`${comma[2]} ${comma[1]}`);
  if (companyName && companyName.trim()) variants.push(...withDepartmentRemoved(stripQboArtifacts(companyName)));
  return variants;
}

/**
 * Words of a tail that names a department or a bookkeeping label, not another company:
 * "Fairhaven Outfitters Inc - AP Dept", "Hollister Freight (A/P)", "Silver Creek Dental: Billing", "Acme - OLD".
 */
const DEPARTMENT_WORDS = new Set([
  'ap', 'ar', 'accounts', 'account', 'payable', 'payables', 'receivable', 'accounting', 'billing', 'bills', 'finance',
  'financial', 'purchasing', 'procurement', 'dept', 'department', 'office', 'corporate', 'hq', 'headquarters', 'head',
  'main', 'invoices', 'invoice', 'invoicing', 'treasury', 'admin', 'administration', 'business', 'attn', 'remit',
  'remittance', 'payments', 'payment', 'controller', 'old', 'inactive', 'do', 'not', 'use', 'duplicate', 'dup',
]);

/** Where the last segment after " - ", ":" or "(" starts; a hyphen inside a word ("Coca-Cola") is no separator. */
function tailStart(name: string): number {
  for (let i = name.length - 1; i > 0; i -= 1) {
    const ch = name[i] as string;
    if (ch === ':' || ch === '(') return i;
    if ((ch === '-' || ch === '–' || ch === '—') && (/\s/.test(name[i - 1] as string) || /\s/.test(name[i + 1] ?? ''))) return i;
  }
  return -1;
}

/** The name, and the name without a department tail when it has one. */
export function withDepartmentRemoved(name: string): string[] {
  const at = tailStart(name);
  if (at < 0) return [name];
  const head = name.slice(0, at).replace(/[\s\-–—]+$/, '').trim();
  if (!head) return [name];
  const tail = joinInitials(words(foldText(name.slice(at + 1).replace(/\)\s*$/, ''))));
  if (tail.length === 0 || !tail.every((w) => DEPARTMENT_WORDS.has(w))) return [name];
  // "Lee, Elizabeth (billing)" tells one person from another of the same name; the tail stays.
  const comma = /^[^,]+,\s*([^,]+)$/.exec(head);
  if (comma && !isLegalFormOnly(comma[1] as string)) return [name];
  return [name, head];
}

export function stripQboArtifacts(name: string): string {
  return name.replace(/\s*\(deleted\)\s*$/i, '').replace(/\s*\[[0-9A-Za-z]{15,18}\]\s*$/, '').trim();
}

/** The Salesforce id a disambiguated DisplayName carries ("Acme [001000000000001]"), if any. */
export function idInDisplayName(name: string): string | null {
  const found = /\[([0-9A-Za-z]{15,18})\]\s*$/.exec(name);
  return found ? (found[1] as string) : null;
}
