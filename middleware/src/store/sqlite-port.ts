import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { SqlError, type SqlErrorKind, type SqlExecutor, type SqlPort, type SqlResult, type SqlValue } from './sql-port';

export interface SqliteOptions {
  /** How long a writer waits for another connection's lock before SQLITE_BUSY (default 5000). */
  busyTimeoutMs?: number;
}

/**
 * SQLite through better-sqlite3 (synchronous, one connection per port). A small mutex keeps other
 * callers out while a transaction is open on the shared connection.
 */
export function openSqlite(path: string, options: SqliteOptions = {}): SqlPort {
  const inMemory = path === ':memory:';
  if (!inMemory) mkdirSync(dirname(resolve(path)), { recursive: true });
  const db = new BetterSqlite3(path);
  // WAL lets readers run beside the one writer; busy_timeout makes a second connection wait instead of
  // failing at once; foreign keys are off unless asked for.
  if (!inMemory) db.pragma('journal_mode = WAL');
  db.pragma(`busy_timeout = ${Math.trunc(options.busyTimeoutMs ?? 5000)}`);
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');

  const statements = new Map<string, BetterSqlite3.Statement>();
  const run = <Row>(text: string, params: readonly SqlValue[] = []): SqlResult<Row> => {
    try {
      return runStatement<Row>(text, params);
    } catch (error) {
      throw toSqlError(error);
    }
  };
  const runStatement = <Row>(text: string, params: readonly SqlValue[]): SqlResult<Row> => {
    let statement = statements.get(text);
    if (!statement) {
      statement = db.prepare(text.replace(/\$(\d+)/g, '@p$1'));
      statements.set(text, statement);
    }
    const named: Record<string, SqlValue> = {};
    params.forEach((value, index) => {
      named[`p${index + 1}`] = value ?? null;
    });
    const bind = params.length > 0 ? [named] : [];
    if (statement.reader) {
      const rows = statement.all(...bind) as Row[];
      return { rows, rowCount: rows.length };
    }
    return { rows: [], rowCount: statement.run(...bind).changes };
  };

  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(work: () => Promise<T>): Promise<T> => {
    const result = tail.then(work);
    tail = result.catch(() => undefined);
    return result;
  };

  const inside: SqlExecutor = { dialect: 'sqlite', query: async (text, params) => run(text, params) };

  return {
    dialect: 'sqlite',
    description: `sqlite:${path}`,
    query: (text, params) => exclusive(async () => run(text, params)),
    transaction: (fn) =>
      exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const value = await fn(inside);
          db.exec('COMMIT');
          return value;
        } catch (error) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () =>
      exclusive(async () => {
        if (db.open) db.close();
      }),
  };
}

function toSqlError(error: unknown): SqlError {
  const code = (error as { code?: unknown }).code;
  const driverCode = typeof code === 'string' ? code : undefined;
  let kind: SqlErrorKind = 'other';
  if (driverCode === 'SQLITE_CONSTRAINT_UNIQUE' || driverCode === 'SQLITE_CONSTRAINT_PRIMARYKEY') kind = 'unique_violation';
  else if (driverCode === 'SQLITE_CONSTRAINT_CHECK') kind = 'check_violation';
  else if (driverCode?.startsWith('SQLITE_BUSY') || driverCode?.startsWith('SQLITE_LOCKED')) kind = 'busy';
  return new SqlError(error instanceof Error ? error.message : String(error), kind, driverCode, { cause: error });
}
