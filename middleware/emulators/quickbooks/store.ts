/**
 * In-memory company data: one RealmStore per realm. Records are the JSON objects QBO would return;
 * the store owns Id, SyncToken, MetaData and the change log that CDC and webhooks read.
 */
import { formatDateTime } from './clock';
import { clone, type Entity } from './json';

export type ChangeOperation = 'Create' | 'Update' | 'Delete' | 'Void' | 'Emailed' | 'Merge';

export interface ChangeEvent {
  realmId: string;
  entity: string;
  id: string;
  operation: ChangeOperation;
  at: number;
  lastUpdated: string;
}

interface StoredRecord {
  data: Entity;
  updatedAt: number;
}

export interface Tombstone {
  entity: string;
  id: string;
  at: number;
  lastUpdated: string;
}

export interface CachedResponse {
  status: number;
  body: unknown;
}

export type ChangeListener = (event: ChangeEvent) => void;

export class RealmStore {
  private readonly tables = new Map<string, Map<string, StoredRecord>>();
  private readonly sequences = new Map<string, number>();
  private readonly docNumbers = new Map<string, number>();
  readonly tombstones: Tombstone[] = [];
  readonly requestCache = new Map<string, CachedResponse>();
  /** E-mails QuickBooks "sent" (invoice send): what a customer's inbox would hold, for tests and the demo. */
  readonly outbox: Array<{ entity: string; id: string; docNumber: string | undefined; to: string; at: string }> = [];

  constructor(
    readonly realmId: string,
    private readonly now: () => number,
    private readonly timeZone: string,
    private readonly firstDocNumber: number,
    private readonly onChange: ChangeListener,
  ) {}

  private table(entity: string): Map<string, StoredRecord> {
    let t = this.tables.get(entity);
    if (!t) {
      t = new Map();
      this.tables.set(entity, t);
    }
    return t;
  }

  nextId(entity: string): string {
    const next = (this.sequences.get(entity) ?? 0) + 1;
    this.sequences.set(entity, next);
    return String(next);
  }

  nextDocNumber(entity: string): string {
    const next = this.docNumbers.get(entity) ?? this.firstDocNumber;
    this.docNumbers.set(entity, next + 1);
    return String(next);
  }

  stamp(): string {
    return formatDateTime(this.now(), this.timeZone);
  }

  /** Stores a new record; `data` must not carry Id/SyncToken/MetaData (they are assigned here). */
  insert(entity: string, data: Entity, options: { id?: string; silent?: boolean } = {}): Entity {
    const id = options.id ?? this.nextId(entity);
    const stamp = this.stamp();
    const record: Entity = {
      domain: 'QBO',
      sparse: false,
      Id: id,
      SyncToken: '0',
      MetaData: { CreateTime: stamp, LastUpdatedTime: stamp },
      ...stripSystem(data),
    };
    this.table(entity).set(id, { data: record, updatedAt: this.now() });
    if (!options.silent) this.emit(entity, id, 'Create', stamp);
    return clone(record);
  }

  /** Replaces a record, bumping SyncToken and LastUpdatedTime. */
  replace(entity: string, id: string, data: Entity, operation: ChangeOperation = 'Update'): Entity {
    const existing = this.table(entity).get(id);
    if (!existing) throw new Error(`replace: ${entity} ${id} does not exist`);
    const stamp = this.stamp();
    const meta = existing.data.MetaData as Entity;
    const record: Entity = {
      domain: 'QBO',
      sparse: false,
      Id: id,
      SyncToken: String(Number(existing.data.SyncToken) + 1),
      MetaData: { CreateTime: meta.CreateTime, LastUpdatedTime: stamp },
      ...stripSystem(data),
    };
    this.table(entity).set(id, { data: record, updatedAt: this.now() });
    this.emit(entity, id, operation, stamp);
    return clone(record);
  }

  /** Changes server-maintained fields (e.g. Customer.Balance) without a new SyncToken or event. */
  patchQuietly(entity: string, id: string, patch: Entity): void {
    const existing = this.table(entity).get(id);
    if (existing) Object.assign(existing.data, patch);
  }

  remove(entity: string, id: string): void {
    const table = this.table(entity);
    if (!table.delete(id)) return;
    const stamp = this.stamp();
    this.tombstones.push({ entity, id, at: this.now(), lastUpdated: stamp });
    this.emit(entity, id, 'Delete', stamp);
  }

  get(entity: string, id: string): Entity | undefined {
    const record = this.table(entity).get(id);
    return record ? clone(record.data) : undefined;
  }

  has(entity: string, id: string): boolean {
    return this.table(entity).has(id);
  }

  list(entity: string): Entity[] {
    return [...this.table(entity).values()].map((r) => clone(r.data));
  }

  /**
   * The stored records themselves, not copies: for look-ups inside the emulator that only read (balances,
   * uniqueness checks, query filters). Copying every record on each of those made a long run quadratic.
   */
  scan(entity: string): ReadonlyArray<Readonly<Entity>> {
    return [...this.table(entity).values()].map((r) => r.data);
  }

  changedSince(entity: string, since: number): Entity[] {
    return [...this.table(entity).values()].filter((r) => r.updatedAt >= since).map((r) => clone(r.data));
  }

  private emit(entity: string, id: string, operation: ChangeOperation, lastUpdated: string): void {
    this.onChange({ realmId: this.realmId, entity, id, operation, at: this.now(), lastUpdated });
  }
}

const SYSTEM_KEYS = new Set(['domain', 'sparse', 'Id', 'SyncToken', 'MetaData']);

function stripSystem(data: Entity): Entity {
  const out: Entity = {};
  for (const [k, v] of Object.entries(data)) if (!SYSTEM_KEYS.has(k)) out[k] = v;
  return out;
}
