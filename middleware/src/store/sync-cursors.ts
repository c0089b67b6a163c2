import { iso, type Clock } from './clock';
import type { SyncCursorsRow } from './schema';
import type { SqlExecutor } from './sql-port';

/** Realm id to use for cursors that belong to no QuickBooks company (e.g. a Salesforce sweep). */
export const NO_REALM = '-';

export interface SyncCursor {
  realmId: string;
  name: string;
  value: string;
  updatedAt: Date;
}

/** Named high-water marks per company, e.g. (`<realm>`, `qbo.cdc`) → the last CDC time processed. */
export class SyncCursorRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly now: Clock,
  ) {}

  async get(realmId: string, name: string): Promise<SyncCursor | undefined> {
    const { rows } = await this.db.query<SyncCursorsRow>(
      'select * from sync_cursors where realm_id = $1 and name = $2',
      [realmId, name],
    );
    const row = rows[0];
    return row ? { realmId: row.realm_id, name: row.name, value: row.value, updatedAt: new Date(row.updated_at) } : undefined;
  }

  async set(realmId: string, name: string, value: string): Promise<void> {
    await this.db.query(
      `insert into sync_cursors (realm_id, name, value, updated_at) values ($1, $2, $3, $4)
       on conflict (realm_id, name) do update set value = excluded.value, updated_at = excluded.updated_at`,
      [realmId, name, value, iso(this.now())],
    );
  }

  /**
   * Moves the cursor only if it still holds `expected` (undefined = not set yet), so two sweepers cannot
   * move it backwards. Returns false when someone else moved it first.
   */
  async compareAndSet(realmId: string, name: string, expected: string | undefined, value: string): Promise<boolean> {
    const at = iso(this.now());
    const { rowCount } =
      expected === undefined
        ? await this.db.query(
            `insert into sync_cursors (realm_id, name, value, updated_at) values ($1, $2, $3, $4)
             on conflict (realm_id, name) do nothing`,
            [realmId, name, value, at],
          )
        : await this.db.query(
            'update sync_cursors set value = $3, updated_at = $4 where realm_id = $1 and name = $2 and value = $5',
            [realmId, name, value, at, expected],
          );
    return rowCount > 0;
  }
}
