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
]);

/** Words that carry no identity. */
const STOP_WORDS = new Set(['and', 'the', 'und', 'et', 'y']);

/** Abbreviations written both ways in real books; mapped to one spelling. */
const ABBREVIATIONS: Record<string, string> = {
  intl: 'international', internat: 'international', mfg: 'manufacturing', svcs: 'services', svc: 'services',
  assoc: 'associates', assocs: 'associates', bros: 'brothers', mgmt: 'management', natl: 'national',
  univ: 'university', ctr: 'center', centre: 'center', dept: 'department', grp: 'group', hldgs: 'holdings',
  sys: 'systems', dist: 'distribution', engg: 'engineering', labs: 'laboratories',
  lab: 'laboratories', labo: 'laboratories', mktg: 'marketing', solns: 'solutions', tech: 'technology',
  technologies: 'technology', consultants: 'consulting',
};

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
  const base = joinInitials(words(foldText(raw))).map((t) => ABBREVIATIONS[t] ?? t);
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
  variants.push(display);
  const comma = /^([^,]+),\s*([^,]+)$/.exec(display);
  if (comma && !isLegalFormOnly(comma[2] as string)) variants.push(`${comma[2]} ${comma[1]}`);
  if (companyName && companyName.trim()) variants.push(stripQboArtifacts(companyName));
  return variants;
}

export function stripQboArtifacts(name: string): string {
  return name.replace(/\s*\(deleted\)\s*$/i, '').replace(/\s*\[[0-9A-Za-z]{15,18}\]\s*$/, '').trim();
}

/** The Salesforce id a disambiguated DisplayName carries ("Acme [001000000000001]"), if any. */
export function idInDisplayName(name: string): string | null {
  const found = /\[([0-9A-Za-z]{15,18})\]\s*$/.exec(name);
  return found ? (found[1] as string) : null;
}
