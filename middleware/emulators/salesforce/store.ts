/** In-memory records per object, with an undo journal for savepoints and allOrNone rollback. */

export type SfRecord = Record<string, unknown> & { Id: string };

interface JournalEntry {
  type: string;
  id: string;
  before: SfRecord | undefined;
}

export class RecordStore {
  private readonly tables = new Map<string, Map<string, SfRecord>>();
  private readonly journal: JournalEntry[] = [];
  private depth = 0;
  /** Told which types a rollback touched, so state kept outside the store (picklists) can follow. */
  onRollback: (types: Set<string>) => void = () => undefined;

  private table(type: string): Map<string, SfRecord> {
    let t = this.tables.get(type);
    if (!t) {
      t = new Map();
      this.tables.set(type, t);
    }
    return t;
  }

  /** A live (not deleted) record, or with includeDeleted any record. Returns the stored object: treat as read-only. */
  get(type: string, id: string, includeDeleted = false): SfRecord | undefined {
    const rec = this.tables.get(type)?.get(id);
    if (!rec || (!includeDeleted && rec.IsDeleted === true)) return undefined;
    return rec;
  }

  all(type: string, includeDeleted = false): SfRecord[] {
    const rows = [...(this.tables.get(type)?.values() ?? [])];
    return includeDeleted ? rows : rows.filter((r) => r.IsDeleted !== true);
  }

  put(type: string, rec: SfRecord): void {
    const t = this.table(type);
    if (this.depth > 0) this.journal.push({ type, id: rec.Id, before: t.get(rec.Id) });
    t.set(rec.Id, rec);
  }

  /** Starts a savepoint (they nest); returns a marker for rollbackTo. */
  savepoint(): number {
    this.depth += 1;
    return this.journal.length;
  }

  rollbackTo(marker: number): void {
    const undone = new Set<string>();
    while (this.journal.length > marker) {
      const e = this.journal.pop() as JournalEntry;
      const t = this.table(e.type);
      if (e.before) t.set(e.id, e.before);
      else t.delete(e.id);
      undone.add(e.type);
    }
    this.release();
    if (undone.size > 0) this.onRollback(undone);
  }

  release(): void {
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth === 0) this.journal.length = 0;
  }

  /** Removes and returns every record of a type, outside any savepoint (published platform events). */
  drain(type: string): SfRecord[] {
    const rows = [...(this.tables.get(type)?.values() ?? [])];
    this.tables.delete(type);
    return rows;
  }

  clear(): void {
    this.tables.clear();
    this.journal.length = 0;
    this.depth = 0;
  }

  types(): string[] {
    return [...this.tables.keys()];
  }
}
