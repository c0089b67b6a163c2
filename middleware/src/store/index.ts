import { AppError } from '../errors';
import { createTokenCipher, type TokenCipher } from '../crypto/token-cipher';
import { AuditLog } from './audit-log';
import { systemClock, type Clock } from './clock';
import { connect, type ConnectOptions } from './connect';
import { migrateToLatest } from './migrations';
import { QboConnectionRepository } from './qbo-connections';
import { RecordLinkRepository } from './record-links';
import { SettingsRepository } from './settings';
import type { Dialect, SqlPort } from './sql-port';
import { SyncCursorRepository } from './sync-cursors';
import { WebhookInbox } from './webhook-inbox';

export interface StoreOptions extends ConnectOptions {
  /** `LEDGERLINE_ENCRYPTION_KEY` (base64 of 32 bytes). Needed only to read or write QBO tokens. */
  encryptionKey?: string | Buffer;
  /** `LEDGERLINE_DECRYPTION_KEYS`: earlier keys, used only to open tokens sealed before a rotation. */
  decryptionKeys?: Array<string | Buffer>;
  now?: Clock;
  /** Run pending migrations on open (default true). */
  migrate?: boolean;
}

export interface Store {
  readonly dialect: Dialect;
  /** The database location without credentials, for logs and /readyz. */
  readonly description: string;
  /** The database port, shared with the job queue (`createJobQueue(store)`). */
  readonly db: SqlPort;
  readonly now: Clock;
  readonly connections: QboConnectionRepository;
  readonly links: RecordLinkRepository;
  readonly audit: AuditLog;
  readonly inbox: WebhookInbox;
  readonly cursors: SyncCursorRepository;
  readonly settings: SettingsRepository;
  /** Cheap round trip for /readyz; throws when the database cannot answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Opens the database named by `DATABASE_URL`, brings its schema up to date and returns the repositories. */
export async function openStore(databaseUrl: string, options: StoreOptions = {}): Promise<Store> {
  const db = connect(databaseUrl, options);
  const now = options.now ?? systemClock;
  try {
    if (options.migrate ?? true) await migrateToLatest(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  let cipher: TokenCipher | undefined;
  const requireCipher = (): TokenCipher => {
    if (options.encryptionKey === undefined) {
      throw new AppError('CONFIG_INVALID', 'LEDGERLINE_ENCRYPTION_KEY is needed to read or store QuickBooks tokens.', {
        fix: 'Set LEDGERLINE_ENCRYPTION_KEY (32 bytes, base64) to the key the tokens were written with.',
      });
    }
    cipher ??= createTokenCipher(options.encryptionKey, options.decryptionKeys ?? []);
    return cipher;
  };
  if (options.encryptionKey !== undefined) requireCipher(); // a malformed key fails at start-up, not at first use
  return {
    dialect: db.dialect,
    description: db.description,
    db,
    now,
    connections: new QboConnectionRepository(db, requireCipher, now),
    links: new RecordLinkRepository(db, now),
    audit: new AuditLog(db, now),
    inbox: new WebhookInbox(db, now),
    cursors: new SyncCursorRepository(db, now),
    settings: new SettingsRepository(db, now),
    ping: async () => {
      await db.query('select 1 as ok');
    },
    close: () => db.close(),
  };
}

export type { Dialect, SqlPort, SqlExecutor, SqlValue, SqlErrorKind } from './sql-port';
export { SqlError, isUniqueViolation, placeholders } from './sql-port';
export { withAdvisoryLocks } from './advisory-locks';
export type { Clock } from './clock';
export { systemClock, manualClock } from './clock';
export type { ConnectionStatus, QboConnection, QboConnectionSummary, QboTokens, ConnectInput } from './qbo-connections';
export { linkKeyFor, type LinkKind, type RecordLink, type LinkInput } from './record-links';
export type { AuditEntry, AuditEntryInput, AuditQuery, AuditSystem } from './audit-log';
export type { InboxEvent, InboxEventInput, RecordResult } from './webhook-inbox';
export { NO_REALM, type SyncCursor } from './sync-cursors';
