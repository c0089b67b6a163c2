import { Pool, types as pgTypes, type PoolClient } from 'pg';
import type { SqlExecutor, SqlPort, SqlValue } from './sql-port';

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
      const result = await client.query(text, params as SqlValue[]);
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
