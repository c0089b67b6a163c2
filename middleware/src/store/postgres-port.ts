import { Pool, types as pgTypes, type PoolClient } from 'pg';
import { SqlError, type SqlErrorKind, type SqlExecutor, type SqlPort, type SqlValue } from './sql-port';

export interface PostgresOptions {
  maxConnections?: number;
}

const INT8_OID = 20;

/** PostgreSQL through a pg Pool. int8 (counts, bigint ids) is parsed as a number for this pool only. */
export function openPostgres(url: string, options: PostgresOptions = {}): SqlPort {
  const pool = new Pool({
    connectionString: url,
    max: options.maxConnections ?? 10,
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID ? (value: string) => Number(value) : pgTypes.getTypeParser(oid, format)) as typeof pgTypes.getTypeParser,
    },
  });
  // An idle client that loses its connection emits 'error' on the pool; without a listener it would crash.
  pool.on('error', () => undefined);

  const executor = (client: Pool | PoolClient): SqlExecutor => ({
    dialect: 'postgres',
    query: async <Row>(text: string, params: readonly SqlValue[] = []) => {
      let result;
      try {
        result = await client.query(text, params as SqlValue[]);
      } catch (error) {
        throw toSqlError(error);
      }
      return { rows: result.rows as Row[], rowCount: result.rowCount ?? result.rows.length };
    },
  });

  const parsed = new URL(url);
  return {
    ...executor(pool),
    description: `postgres://${parsed.host}${parsed.pathname}`,
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const value = await fn(executor(client));
        await client.query('COMMIT');
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** SQLSTATE classes: 23505 unique, 23514 check, 40001/40P01 serialization failure and deadlock, 55P03 lock. */
function toSqlError(error: unknown): SqlError {
  const code = (error as { code?: unknown }).code;
  const driverCode = typeof code === 'string' ? code : undefined;
  let kind: SqlErrorKind = 'other';
  if (driverCode === '23505') kind = 'unique_violation';
  else if (driverCode === '23514') kind = 'check_violation';
  else if (driverCode === '40001' || driverCode === '40P01' || driverCode === '55P03') kind = 'busy';
  return new SqlError(error instanceof Error ? error.message : String(error), kind, driverCode, { cause: error });
}
