import { AppError } from '../errors';
import type * as PostgresPort from './postgres-port';
import type { PostgresOptions } from './postgres-port';
import type { SqlPort } from './sql-port';
import { openSqlite, type SqliteOptions } from './sqlite-port';

export type ConnectOptions = SqliteOptions & PostgresOptions;

/**
 * `sqlite:<path>` (parent folders are created; `sqlite::memory:` is a private in-memory database)
 * or `postgres://…` / `postgresql://…`.
 */
export function connect(databaseUrl: string, options: ConnectOptions = {}): SqlPort {
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path.length > 0) return openSqlite(path, options);
  } else if (/^postgres(ql)?:\/\//.test(databaseUrl)) {
    // Loaded only here: a SQLite deployment never loads pg (about 1 MB of heap).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { openPostgres } = require('./postgres-port') as typeof PostgresPort;
    return openPostgres(databaseUrl, options);
  }
  throw new AppError('CONFIG_INVALID', 'DATABASE_URL must be sqlite:<path> or postgres://…', {
    fix: 'Set DATABASE_URL to e.g. sqlite:./data/ledgerline.db or postgres://user@host:5432/ledgerline.',
  });
}
