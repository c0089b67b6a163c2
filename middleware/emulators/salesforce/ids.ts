/**
 * Salesforce record ids: 3-character key prefix + 12 characters, plus the 3-character
 * case-safe checksum that turns the 15-character id into the 18-character one.
 */

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[A-Z0-5]{3})?$/;
const CHECKSUM_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/**
 * The 18-character id's suffix: one character per 5-character chunk of the 15-character id, one bit per
 * upper-case letter. The emulator keeps its own copy (it imports nothing from the middleware it tests);
 * ids.test.ts checks it against every id in the recorded Salesforce samples.
 */
export function idChecksum(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id15.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i;
    }
    suffix += CHECKSUM_ALPHABET[bits];
  }
  return suffix;
}

/** True for a well-formed 15- or 18-character id (an 18-character id must carry the right checksum). */
export function isValidId(value: unknown): value is string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) return false;
  return value.length === 15 || idChecksum(value.slice(0, 15)) === value.slice(15);
}

/** 15 → 18 characters; 18-character ids come back unchanged. Returns null for anything else. */
export function toId18(value: unknown): string | null {
  if (!isValidId(value)) return null;
  return value.length === 18 ? value : value + idChecksum(value);
}

export function keyPrefixOf(id: string): string {
  return id.slice(0, 3);
}

/** Makes ids like the platform: prefix + 2-character pod + 10-character base-62 counter. */
export class IdFactory {
  private counter = 0;
  constructor(
    private readonly pod = '8d',
    start = 1_000,
  ) {
    this.counter = start;
  }

  next(prefix: string): string {
    this.counter += 1;
    let n = this.counter;
    let body = '';
    while (n > 0) {
      body = BASE62[n % 62] + body;
      n = Math.floor(n / 62);
    }
    const id15 = prefix + this.pod + body.padStart(10, '0');
    return id15 + idChecksum(id15);
  }
}

/** Key prefixes of the standard objects the product uses (and a few system ones). */
export const STANDARD_KEY_PREFIXES: Readonly<Record<string, string>> = {
  Account: '001',
  Contact: '003',
  User: '005',
  Opportunity: '006',
  OpportunityLineItem: '00k',
  Pricebook2: '01s',
  Product2: '01t',
  PricebookEntry: '01u',
  Organization: '00D',
  CurrencyType: '01L',
  QueryLocator: '01g',
};

/** Custom objects get a0-style prefixes: a00, a01, … a09, a0A, … in the order given. */
export function customKeyPrefix(index: number): string {
  const alphabet = BASE62;
  const first = Math.floor(index / 62);
  return `a${alphabet[first]}${alphabet[index % 62]}`;
}
