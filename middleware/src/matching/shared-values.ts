/**
 * Contact values that many different companies share carry no identity: a bookkeeper's e-mail used as
 * the billing address of forty clients, an ISP's domain, a franchise's central phone line. Such a value
 * is counted from the data itself: used under more distinct company names than `limit`, it is ignored.
 */
import type { Party } from './party';

export type SharedKind = 'email' | 'domain' | 'phone';

export class SharedValues {
  private readonly shared: Record<SharedKind, Map<string, number>> = { email: new Map(), domain: new Map(), phone: new Map() };

  constructor(parties: Iterable<Party>, readonly limit = 3) {
    const names = new Map<string, Set<string> | number>();
    const note = (key: string, name: string): void => {
      const seen = names.get(key);
      if (typeof seen === 'number') return;
      const set = seen ?? new Set<string>();
      set.add(name);
      // Keep memory flat: once over the limit, only a count is needed.
      names.set(key, set.size > limit ? set.size : set);
    };
    for (const party of parties) {
      const name = party.names[0]?.key ?? party.id;
      for (const email of party.emails) note(`email:${email}`, name);
      for (const domain of party.domains) note(`domain:${domain}`, name);
      if (party.phone) note(`phone:${party.phone}`, name);
    }
    for (const [key, seen] of names) {
      if (typeof seen !== 'number') continue;
      const colon = key.indexOf(':');
      this.shared[key.slice(0, colon) as SharedKind].set(key.slice(colon + 1), seen);
    }
  }

  isShared(kind: SharedKind, value: string): boolean {
    return this.shared[kind].has(value);
  }

  /** How many distinct names use a shared value (limit + 1 or more), for the reasons text. */
  users(kind: SharedKind, value: string): number {
    return this.shared[kind].get(value) ?? 0;
  }
}
