import type { IdFactory } from './ids';
import type { Row } from './soql/execute';

/** Open query cursors for nextRecordsUrl paging (kept in memory, oldest dropped first). */
interface Cursor {
  rows: Row[];
  totalSize: number;
  batchSize: number;
}

export interface QueryPage {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Row[];
}

export class CursorStore {
  private readonly cursors = new Map<string, Cursor>();

  constructor(
    private readonly ids: IdFactory,
    private readonly max = 200,
  ) {}

  /** The first page; opens a cursor when more rows remain. */
  first(version: string, rows: Row[], totalSize: number, batchSize: number): QueryPage {
    if (rows.length <= batchSize) return { totalSize, done: true, records: rows };
    const locator = this.ids.next('01g');
    this.cursors.set(locator, { rows, totalSize, batchSize });
    if (this.cursors.size > this.max) this.cursors.delete(this.cursors.keys().next().value as string);
    return this.page(version, locator, 0);
  }

  /** `<locator>-<offset>` → that page, or null when the locator is unknown. */
  next(version: string, locatorWithOffset: string): QueryPage | null {
    const m = /^(.+)-(\d+)$/.exec(locatorWithOffset);
    if (!m || !this.cursors.has(m[1] as string)) return null;
    return this.page(version, m[1] as string, Number(m[2]));
  }

  private page(version: string, locator: string, offset: number): QueryPage {
    const c = this.cursors.get(locator) as Cursor;
    const records = c.rows.slice(offset, offset + c.batchSize);
    const nextOffset = offset + c.batchSize;
    if (nextOffset >= c.rows.length) {
      return { totalSize: c.totalSize, done: true, records };
    }
    return { totalSize: c.totalSize, done: false, nextRecordsUrl: `/services/data/v${version}/query/${locator}-${nextOffset}`, records };
  }

  clear(): void {
    this.cursors.clear();
  }
}
