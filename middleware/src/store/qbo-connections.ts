import { AppError } from '../errors';
import type { TokenCipher } from '../crypto/token-cipher';
import { iso, type Clock } from './clock';
import type { QboConnectionsRow } from './schema';
import type { SqlExecutor, SqlPort } from './sql-port';

export type ConnectionStatus = 'connected' | 'refresh_failed' | 'revoked';

export interface QboTokens {
  accessToken: string;
  refreshToken: string;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
  /** When Intuit issued this refresh token (it rotates); defaults to now. */
  refreshTokenIssuedAt?: Date;
}

/** A connection without its tokens: safe to list, log and show. */
export interface QboConnectionSummary {
  realmId: string;
  billingEntity: string;
  companyName: string | null;
  accessTokenExpiresAt: Date;
  refreshTokenExpiresAt: Date;
  refreshTokenIssuedAt: Date;
  status: ConnectionStatus;
  lastError: string | null;
  updatedAt: Date;
  /** Optimistic-concurrency version: pass it back to `saveTokens` so a stale refresh cannot win. */
  version: number;
}

export interface QboConnection extends QboConnectionSummary {
  accessToken: string;
  refreshToken: string;
}

export interface ConnectInput extends QboTokens {
  realmId: string;
  billingEntity: string;
  companyName?: string | null;
}

/**
 * QuickBooks companies ("billing entities") and their OAuth tokens. Tokens are sealed with AES-256-GCM
 * before they reach the database, and each seal is bound to its realm and token kind.
 */
export class QboConnectionRepository {
  constructor(
    private readonly db: SqlExecutor,
    private readonly cipher: () => TokenCipher,
    private readonly now: Clock,
  ) {}

  /** Stores a newly authorised company, or re-authorises an existing one (status back to connected). */
  async connect(input: ConnectInput): Promise<QboConnection> {
    const at = iso(this.now());
    const sealed = this.seal(input.realmId, input);
    const { rows } = await this.db.query<QboConnectionsRow>(
      `insert into qbo_connections (realm_id, billing_entity, company_name, access_token_sealed, refresh_token_sealed,
         access_token_expires_at, refresh_token_expires_at, refresh_token_issued_at, status, last_error,
         created_at, updated_at, version)
       values ($1, $2, $3, $4, $5, $6, $7, $8, 'connected', null, $9, $9, 1)
       on conflict (realm_id) do update set
         billing_entity = excluded.billing_entity, company_name = excluded.company_name,
         access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = excluded.refresh_token_sealed,
         access_token_expires_at = excluded.access_token_expires_at,
         refresh_token_expires_at = excluded.refresh_token_expires_at,
         refresh_token_issued_at = excluded.refresh_token_issued_at,
         status = 'connected', last_error = null, updated_at = excluded.updated_at,
         version = qbo_connections.version + 1
       returning *`,
      [input.realmId, input.billingEntity, input.companyName ?? null, ...sealed, at],
    );
    return this.open(rows[0] as QboConnectionsRow);
  }

  /**
   * Persists rotated tokens only if nobody else did since `expectedVersion` was read. Throws a retryable
   * CONFLICT when the version moved on: re-read the connection and use the tokens stored there.
   */
  async saveTokens(realmId: string, tokens: QboTokens, expectedVersion: number): Promise<QboConnection> {
    const { rows } = await this.db.query<QboConnectionsRow>(
      `update qbo_connections set access_token_sealed = $3, refresh_token_sealed = $4, access_token_expires_at = $5,
         refresh_token_expires_at = $6, refresh_token_issued_at = $7, status = 'connected', last_error = null,
         updated_at = $8, version = version + 1
       where realm_id = $1 and version = $2
       returning *`,
      [realmId, expectedVersion, ...this.seal(realmId, tokens), iso(this.now())],
    );
    if (rows[0]) return this.open(rows[0]);
    const current = await this.row(realmId);
    if (!current) throw notFound(realmId);
    throw new AppError('CONFLICT', `QuickBooks tokens for realm ${realmId} changed since version ${expectedVersion}.`, {
      retryable: true,
      fix: 'Another refresh already stored newer tokens; re-read the connection and use those.',
      details: { realmId, expectedVersion, currentVersion: current.version },
    });
  }

  /**
   * Runs a token refresh for one company so that no other instance on the same database refreshes it at
   * the same time. PostgreSQL: a transaction-scoped advisory lock keyed by the realm (released on commit,
   * rollback or a dropped connection; waits at most 30 s). SQLite is one process's file, where the token
   * manager's in-process single-flight is enough, so `fn` just runs. `fn` uses other pool connections.
   */
  async withRefreshLock<T>(realmId: string, fn: () => Promise<T>): Promise<T> {
    const port = this.db as Partial<SqlPort>;
    if (this.db.dialect !== 'postgres' || typeof port.transaction !== 'function') return fn();
    return port.transaction(async (tx) => {
      await tx.query("set local lock_timeout = '30s'");
      await tx.query('select pg_advisory_xact_lock(hashtext($1)) as locked', [`ledgerline:qbo-token-refresh:${realmId}`]);
      return fn();
    });
  }

  /** Names the company (from QBO's CompanyInfo) without touching its tokens or their version. */
  async setCompanyName(realmId: string, companyName: string): Promise<void> {
    await this.db.query('update qbo_connections set company_name = $2, updated_at = $3 where realm_id = $1', [realmId, companyName, iso(this.now())]);
  }

  /** Records a refresh failure or a revocation; the tokens stay, the status blocks their use. */
  async setStatus(realmId: string, status: ConnectionStatus, lastError: string | null = null): Promise<QboConnectionSummary> {
    const { rows } = await this.db.query<QboConnectionsRow>(
      `update qbo_connections set status = $2, last_error = $3, updated_at = $4, version = version + 1
       where realm_id = $1 returning *`,
      [realmId, status, lastError, iso(this.now())],
    );
    if (!rows[0]) throw notFound(realmId);
    return toSummary(rows[0]);
  }

  async get(realmId: string): Promise<QboConnection | undefined> {
    const row = await this.row(realmId);
    return row ? this.open(row) : undefined;
  }

  async getByBillingEntity(billingEntity: string): Promise<QboConnection | undefined> {
    const { rows } = await this.db.query<QboConnectionsRow>('select * from qbo_connections where billing_entity = $1', [billingEntity]);
    return rows[0] ? this.open(rows[0]) : undefined;
  }

  /** Every company, without tokens (nothing is decrypted, so this works without the key). */
  async list(): Promise<QboConnectionSummary[]> {
    const { rows } = await this.db.query<QboConnectionsRow>('select * from qbo_connections order by billing_entity');
    return rows.map(toSummary);
  }

  /**
   * Key rotation: re-seals every company's tokens with the current key (values sealed with an earlier key
   * or in the earlier format). A row is only rewritten if its sealed values did not change meanwhile, and
   * its version stays, so a refresh running at the same time is neither lost nor disturbed.
   */
  async resealAll(): Promise<{ companies: number; resealed: number; keyId: string }> {
    const cipher = this.cipher();
    const { rows } = await this.db.query<QboConnectionsRow>('select * from qbo_connections order by realm_id');
    let resealed = 0;
    for (const row of rows) {
      if (cipher.isCurrent(row.access_token_sealed) && cipher.isCurrent(row.refresh_token_sealed)) continue;
      const open = this.open(row);
      const { rowCount } = await this.db.query(
        `update qbo_connections set access_token_sealed = $2, refresh_token_sealed = $3
         where realm_id = $1 and access_token_sealed = $4 and refresh_token_sealed = $5`,
        [
          row.realm_id,
          cipher.encrypt(open.accessToken, tokenContext(row.realm_id, 'access')),
          cipher.encrypt(open.refreshToken, tokenContext(row.realm_id, 'refresh')),
          row.access_token_sealed,
          row.refresh_token_sealed,
        ],
      );
      // A refresh that won the race has just sealed the row with the current key: nothing left to do.
      resealed += rowCount;
    }
    return { companies: rows.length, resealed, keyId: cipher.keyId };
  }

  async remove(realmId: string): Promise<boolean> {
    const { rowCount } = await this.db.query('delete from qbo_connections where realm_id = $1', [realmId]);
    return rowCount > 0;
  }

  private async row(realmId: string): Promise<QboConnectionsRow | undefined> {
    const { rows } = await this.db.query<QboConnectionsRow>('select * from qbo_connections where realm_id = $1', [realmId]);
    return rows[0];
  }

  /** [access sealed, refresh sealed, access expiry, refresh expiry, refresh issued], in column order. */
  private seal(realmId: string, tokens: QboTokens): [string, string, string, string, string] {
    const cipher = this.cipher();
    return [
      cipher.encrypt(tokens.accessToken, tokenContext(realmId, 'access')),
      cipher.encrypt(tokens.refreshToken, tokenContext(realmId, 'refresh')),
      iso(tokens.accessTokenExpiresAt),
      iso(tokens.refreshTokenExpiresAt),
      iso(tokens.refreshTokenIssuedAt ?? this.now()),
    ];
  }

  private open(row: QboConnectionsRow): QboConnection {
    const cipher = this.cipher();
    return {
      ...toSummary(row),
      accessToken: cipher.decrypt(row.access_token_sealed, tokenContext(row.realm_id, 'access')),
      refreshToken: cipher.decrypt(row.refresh_token_sealed, tokenContext(row.realm_id, 'refresh')),
    };
  }
}

function tokenContext(realmId: string, kind: 'access' | 'refresh'): string {
  return `qbo_connections:${realmId}:${kind}_token`;
}

function toSummary(row: QboConnectionsRow): QboConnectionSummary {
  return {
    realmId: row.realm_id,
    billingEntity: row.billing_entity,
    companyName: row.company_name,
    accessTokenExpiresAt: new Date(row.access_token_expires_at),
    refreshTokenExpiresAt: new Date(row.refresh_token_expires_at),
    refreshTokenIssuedAt: new Date(row.refresh_token_issued_at),
    status: row.status as ConnectionStatus,
    lastError: row.last_error,
    updatedAt: new Date(row.updated_at),
    version: row.version,
  };
}

function notFound(realmId: string): AppError {
  return new AppError('NOT_FOUND', `No QuickBooks company with realm ${realmId} is connected.`, {
    fix: 'Connect it from /oauth/quickbooks/connect.',
  });
}
