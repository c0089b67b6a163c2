import { bestCustomerMatch, buildCustomerIndex, type BestCustomerMatch, type CustomerIndex, type MatchAccount, type MatchCustomer } from '../../matching';
import { partyKeys } from '../../matching/blocking';
import { customerParty } from '../../matching/party';
import type { QboCompany } from '../../quickbooks/api';

/** A QBO customer as the index keeps it: what matching reads, plus what a link needs. */
export interface KnownCustomer extends MatchCustomer {
  CurrencyRef?: { value: string } | null;
}

/** Every customer of a company, active or not: an inactive look-alike still means "ask a person". */
export const ALL_CUSTOMERS_WHERE = 'where Active in (true, false)';
/** Pages of 1,000 rows; QboCompany.query stops at its page limit, so give room for 1,000,000 rows. */
export const ALL_ROWS_PAGES = 1000;

/** Customers changed this long before the last read are read again: covers clock skew with QBO. */
const OVERLAP_MS = 5 * 60_000;

interface Snapshot {
  index: CustomerIndex;
  byId: Map<string, KnownCustomer>;
  /** Local time the last read (full or catch-up) started. */
  readAt: number;
  /** The catch-up under way, shared by concurrent answers. */
  catchingUp?: Promise<void>;
}

export interface LookalikeAnswer {
  match: BestCustomerMatch;
  customer(id: string): KnownCustomer | undefined;
}

/**
 * The invoice engine's view of "which existing customers look like this Account?": one matching index
 * per company, read lazily (every customer, paged) and rebuilt after `ttlMs`, like the company catalog.
 * Before an answer the customers changed since the last read are added (one query by
 * MetaData.LastUpdatedTime, at most every `catchUpEveryMs`), and customers the engine creates are added
 * at once: a customer typed into QuickBooks a minute ago, or made for another Account of the same burst,
 * is seen, and a burst of new Accounts costs a few catch-up queries, not one each. Right before a create
 * the caller asks for the `current` state, which catches up at once (shared by concurrent creates).
 * Changes to customers already indexed (renamed, deactivated) wait for the rebuild; an exact match is
 * re-read before use anyway.
 */
export class CustomerLookalikes {
  private readonly snapshots = new Map<string, { at: number; value: Promise<Snapshot> }>();
  /** Full customer reads so far (for tests and benchmarks). */
  loads = 0;

  constructor(
    private readonly ttlMs = 10 * 60_000,
    private readonly now: () => number = Date.now,
    private readonly catchUpEveryMs = 10_000,
  ) {}

  /**
   * The best look-alikes of an Account. `current`: QBO as it is now, for the check right before a customer
   * is created: a catch-up is made whatever the interval (a customer typed into QuickBooks seconds ago must
   * stop the create). Concurrent callers share one catch-up, so a burst of creates costs one query.
   */
  async best(company: QboCompany, account: MatchAccount, options: { current?: boolean } = {}): Promise<LookalikeAnswer> {
    const { snapshot, fresh } = await this.snapshot(company);
    if (!fresh && (options.current || this.now() - snapshot.readAt >= this.catchUpEveryMs)) {
      snapshot.catchingUp ??= this.catchUp(company, snapshot).finally(() => {
        snapshot.catchingUp = undefined;
      });
      await snapshot.catchingUp;
    }
    return { match: bestCustomerMatch(account, snapshot.index), customer: (id) => snapshot.byId.get(id) };
  }

  /** A customer created (or found) since the index was read. Unknown companies are read fresh later anyway. */
  remember(realmId: string, customer: KnownCustomer): void {
    const hit = this.snapshots.get(realmId);
    if (hit) void hit.value.then((snapshot) => addCustomer(snapshot, customer)).catch(() => undefined);
  }

  invalidate(realmId: string): void {
    this.snapshots.delete(realmId);
  }

  private async snapshot(company: QboCompany): Promise<{ snapshot: Snapshot; fresh: boolean }> {
    const hit = this.snapshots.get(company.realmId);
    if (hit && this.now() - hit.at < this.ttlMs) return { snapshot: await hit.value, fresh: false };
    this.loads += 1;
    const readAt = this.now();
    const value = company.query<KnownCustomer>('Customer', ALL_CUSTOMERS_WHERE, ALL_ROWS_PAGES).then((customers) => indexOf(customers, readAt));
    this.snapshots.set(company.realmId, { at: readAt, value });
    value.catch(() => {
      if (this.snapshots.get(company.realmId)?.value === value) this.snapshots.delete(company.realmId);
    });
    return { snapshot: await value, fresh: true };
  }

  private async catchUp(company: QboCompany, snapshot: Snapshot): Promise<void> {
    const readAt = this.now();
    const since = qboDateTime(snapshot.readAt - OVERLAP_MS);
    const changed = await company.query<KnownCustomer>('Customer', `${ALL_CUSTOMERS_WHERE} and MetaData.LastUpdatedTime >= '${since}'`, ALL_ROWS_PAGES);
    for (const customer of changed) addCustomer(snapshot, customer);
    snapshot.readAt = Math.max(snapshot.readAt, readAt);
  }
}

function indexOf(customers: KnownCustomer[], readAt: number): Snapshot {
  return { index: buildCustomerIndex(customers), byId: new Map(customers.map((c) => [c.Id, c])), readAt };
}

/** QBO query date-time literal: ISO 8601 with an explicit offset, no milliseconds. */
export function qboDateTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}+00:00`;
}

/** Appends one customer to a built index (contact values it shares are not re-counted; harmless for one record). */
function addCustomer(snapshot: Snapshot, customer: KnownCustomer): void {
  if (snapshot.byId.has(customer.Id)) return;
  snapshot.byId.set(customer.Id, customer);
  const party = customerParty(customer);
  const position = snapshot.index.parties.length;
  snapshot.index.parties.push(party);
  snapshot.index.blocks.add(position, partyKeys(party, snapshot.index.shared));
}
