/**
 * Blocking: each record is filed under a few keys (name key, name words and their one-letter-deleted
 * forms, e-mail, company domain, phone, street number + postal code). Only records that share a key
 * are ever compared, so the work grows with the number of records, not with their product.
 * A key shared by more than `maxBlock` records (a very common word, a shared phone) is not used.
 */
import type { Party } from './party';
import type { SharedValues } from './shared-values';

/** Word forms with one letter deleted, plus the word: two words one edit apart share a form. */
export function deletionForms(word: string): string[] {
  const forms = [word];
  if (word.length < 4 || /\d/.test(word)) return forms;
  for (let i = 0; i < word.length; i += 1) {
    const form = word.slice(0, i) + word.slice(i + 1);
    if (!forms.includes(form)) forms.push(form);
  }
  return forms;
}

export function partyKeys(party: Party, shared: SharedValues): string[] {
  const keys = new Set<string>();
  for (const name of party.names) {
    keys.add(`n:${name.key}`);
    for (const token of name.tokens) for (const form of deletionForms(token)) keys.add(`w:${form}`);
  }
  for (const email of party.emails) if (!shared.isShared('email', email)) keys.add(`e:${email}`);
  for (const domain of party.domains) if (!shared.isShared('domain', domain)) keys.add(`m:${domain}`);
  if (party.phone && !shared.isShared('phone', party.phone)) keys.add(`p:${party.phone}`);
  if (party.postal && party.street?.number) keys.add(`a:${party.postal}|${party.street.number}`);
  if (party.postal) keys.add(`z:${party.postal}`);
  if (party.linkedId) keys.add(`l:${party.linkedId.slice(0, 15)}`);
  keys.add(`l:${party.id.slice(0, 15)}`);
  return [...keys];
}

export class BlockIndex {
  private readonly blocks = new Map<string, number[]>();
  private stamp: Int32Array;
  private round = 0;

  /**
   * @param maxBlock largest usable block for name, e-mail, domain, phone and address keys
   * @param maxWordBlock largest usable block for one name word: a word shared by more records (a common
   *   surname, "Plumbing") finds nothing a stronger key would not find, and costs most of the comparisons
   */
  constructor(private readonly maxBlock = 100, private readonly maxWordBlock = 25) {
    this.stamp = new Int32Array(0);
  }

  private capOf(key: string): number {
    return key.charCodeAt(0) === 119 /* w */ ? this.maxWordBlock : this.maxBlock;
  }

  get size(): number {
    return this.stamp.length;
  }

  add(index: number, keys: Iterable<string>): void {
    for (const key of keys) {
      const block = this.blocks.get(key);
      if (block) {
        // Past the cap the block is never read; stop growing it.
        if (block.length <= this.capOf(key)) block.push(index);
      } else this.blocks.set(key, [index]);
    }
    if (index >= this.stamp.length) {
      const grown = new Int32Array(Math.max(16, (index + 1) * 2));
      grown.set(this.stamp);
      this.stamp = grown;
    }
  }

  /** Each indexed record sharing a usable key with `keys`, once. */
  candidates(keys: Iterable<string>): number[] {
    this.round += 1;
    const round = this.round;
    const out: number[] = [];
    for (const key of keys) {
      const block = this.blocks.get(key);
      if (!block || block.length > this.capOf(key)) continue;
      for (const index of block) {
        if (this.stamp[index] === round) continue;
        this.stamp[index] = round;
        out.push(index);
      }
    }
    return out;
  }
}
