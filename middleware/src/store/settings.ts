import { iso, type Clock } from './clock';
import type { SqlExecutor } from './sql-port';

/** Small key → JSON value store for runtime settings an admin may change (never secrets). */
export class SettingsRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly now: Clock,
  ) {}

  async get<T>(key: string): Promise<T | undefined> {
    const { rows } = await this.db.query<{ value: string }>('select value from settings where key = $1', [key]);
    return rows[0] ? (JSON.parse(rows[0].value) as T) : undefined;
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.db.query(
      `insert into settings (key, value, updated_at) values ($1, $2, $3)
       on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at`,
      [key, JSON.stringify(value), iso(this.now())],
    );
  }

  /** Deletes the rows whose key starts with `prefix` and that were last written before `before`. */
  async purgeOlder(prefix: string, before: Date): Promise<number> {
    const { rowCount } = await this.db.query("delete from settings where substr(key, 1, $1) = $2 and updated_at < $3", [prefix.length, prefix, iso(before)]);
    return rowCount;
  }

  async remove(key: string): Promise<boolean> {
    const { rowCount } = await this.db.query('delete from settings where key = $1', [key]);
    return rowCount > 0;
  }
}
