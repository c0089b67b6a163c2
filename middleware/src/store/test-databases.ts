import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Dialect } from './sql-port';

/**
 * Throw-away databases for tests. SQLite always; PostgreSQL too when LEDGERLINE_TEST_POSTGRES_URL names a
 * server (a fresh `ledgerline_test_<random>` database is created on it and dropped afterwards).
 */
export const POSTGRES_TEST_URL_VARIABLE = 'LEDGERLINE_TEST_POSTGRES_URL';

export interface TestDatabase {
  dialect: Dialect;
  url: string;
  drop(): Promise<void>;
}

export function testDialects(): Dialect[] {
  return process.env[POSTGRES_TEST_URL_VARIABLE] ? ['sqlite', 'postgres'] : ['sqlite'];
}

/** SQLite: a file in a fresh temp folder (so several connections can share it); PostgreSQL: a fresh database. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'ledgerline-test-'));
    return { dialect, url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const serverUrl = process.env[POSTGRES_TEST_URL_VARIABLE];
  if (!serverUrl) throw new Error(`${POSTGRES_TEST_URL_VARIABLE} is not set`);
  const name = `ledgerline_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (admin) => admin.query(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    dialect,
    url: url.toString(),
    drop: () => withAdmin(serverUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function withAdmin<T>(serverUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
