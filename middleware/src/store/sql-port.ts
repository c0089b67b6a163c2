/**
 * The thin database port every repository and the job queue use. SQL is written once, in the dialect
 * both databases share (ON CONFLICT, RETURNING, partial indexes), with PostgreSQL-style `$1, $2`
 * placeholders; the SQLite adapter rewrites them. Each repository function runs one statement.
 */
export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | null;

export interface SqlResult<Row> {
  rows: Row[];
  /** Rows written (INSERT/UPDATE/DELETE) or returned. */
  rowCount: number;
}

export interface SqlExecutor {
  readonly dialect: Dialect;
  query<Row = Record<string, unknown>>(text: string, params?: readonly SqlValue[]): Promise<SqlResult<Row>>;
}

export interface SqlPort extends SqlExecutor {
  /** The location without credentials, safe to log. */
  readonly description: string;
  /**
   * Runs `fn` in one transaction (SQLite: BEGIN IMMEDIATE, so it takes the write lock up front and cannot
   * deadlock on upgrade). Statements must go through the executor given to `fn`.
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `$first, $first+1, …` for an IN list of `count` values. */
export function placeholders(count: number, first = 1): string {
  return Array.from({ length: count }, (_, index) => `$${first + index}`).join(', ');
}

export type SqlErrorKind = 'unique_violation' | 'check_violation' | 'busy' | 'other';

/**
 * What both adapters throw: the driver's message, a dialect-neutral `kind` the callers can branch on,
 * and the driver error as `cause`.
 */
export class SqlError extends Error {
  constructor(
    message: string,
    readonly kind: SqlErrorKind,
    readonly driverCode: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqlError';
  }
}

export function isUniqueViolation(error: unknown): boolean {
  return error instanceof SqlError && error.kind === 'unique_violation';
}
