import { iso, type Clock } from './clock';
import type { AuditLogRow } from './schema';
import { placeholders, type SqlExecutor, type SqlValue } from './sql-port';

export type AuditSystem = 'salesforce' | 'quickbooks' | 'middleware';

export interface AuditEntryInput {
  /** Who caused it: `sync`, `webhook`, `sweeper`, an admin's name… */
  actor: string;
  /** What happened: `invoice.created`, `field.updated`, `customer.matched`, `job.retried`… */
  action: string;
  /** The system whose record changed. */
  system: AuditSystem;
  realmId?: string | null;
  salesforceId?: string | null;
  qboId?: string | null;
  field?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  jobId?: string | null;
  /** What triggered it: a webhook inbox id, `closed_won`, `cdc:<cursor>`… */
  sourceEvent?: string | null;
  /** Defaults to now. */
  at?: Date;
}

export interface AuditEntry {
  id: number;
  at: Date;
  actor: string;
  action: string;
  system: AuditSystem;
  realmId: string | null;
  salesforceId: string | null;
  qboId: string | null;
  field: string | null;
  oldValue: string | null;
  newValue: string | null;
  jobId: string | null;
  sourceEvent: string | null;
}

export interface AuditQuery {
  salesforceId?: string;
  qboId?: string;
  realmId?: string;
  jobId?: string;
  limit?: number;
  /** Only entries with an id below this (paging backwards through history). */
  beforeId?: number;
}

/** Field names whose values never enter the audit log, whatever a caller passes. */
const SECRET_FIELD = /token|secret|password|authorization|api[_-]?key|private[_-]?key/i;
const REDACTED = '[redacted]';

const COLUMNS = [
  'at', 'actor', 'action', 'system', 'realm_id', 'salesforce_id', 'qbo_id',
  'field', 'old_value', 'new_value', 'job_id', 'source_event',
] as const;
const ROWS_PER_INSERT = 200;

/**
 * Append-only history of every change the middleware made or saw. The database refuses UPDATE and
 * DELETE on the table (triggers), so the API has only `append` and queries.
 */
export class AuditLog {
  constructor(
    private readonly db: SqlExecutor,
    private readonly now: Clock,
  ) {}

  /** Appends one entry or several (one INSERT per 200); returns the new ids in input order. */
  async append(entries: AuditEntryInput | AuditEntryInput[]): Promise<number[]> {
    const list = Array.isArray(entries) ? entries : [entries];
    const ids: number[] = [];
    for (let start = 0; start < list.length; start += ROWS_PER_INSERT) {
      const chunk = list.slice(start, start + ROWS_PER_INSERT);
      const values = chunk.map((_, index) => `(${placeholders(COLUMNS.length, index * COLUMNS.length + 1)})`);
      const { rows } = await this.db.query<{ id: number }>(
        `insert into audit_log (${COLUMNS.join(', ')}) values ${values.join(', ')} returning id`,
        chunk.flatMap((entry) => this.toValues(entry)),
      );
      ids.push(...rows.map((row) => row.id).sort((a, b) => a - b));
    }
    return ids;
  }

  /** Newest first. Filters combine with AND; page backwards with `beforeId`. */
  async query(filter: AuditQuery): Promise<AuditEntry[]> {
    const conditions: string[] = [];
    const params: SqlValue[] = [];
    const add = (column: string, operator: string, value: SqlValue | undefined): void => {
      if (value === undefined) return;
      params.push(value);
      conditions.push(`${column} ${operator} $${params.length}`);
    };
    add('salesforce_id', '=', filter.salesforceId);
    add('qbo_id', '=', filter.qboId);
    add('realm_id', '=', filter.realmId);
    add('job_id', '=', filter.jobId);
    add('id', '<', filter.beforeId);
    params.push(clampLimit(filter.limit));
    const where = conditions.length > 0 ? `where ${conditions.join(' and ')}` : '';
    const { rows } = await this.db.query<AuditLogRow>(
      `select * from audit_log ${where} order by id desc limit $${params.length}`,
      params,
    );
    return rows.map(toEntry);
  }

  /**
   * Retention: moves the horizon to `before` and deletes the entries older than it (the database refuses to
   * delete newer ones). The horizon never moves back. Returns how many were deleted.
   */
  async purgeBefore(before: Date): Promise<number> {
    const at = iso(before);
    await this.db.query('update audit_retention set purge_before = $1 where id = 1 and purge_before < $1', [at]);
    const { rowCount } = await this.db.query('delete from audit_log where at < $1', [at]);
    return rowCount;
  }

  private toValues(entry: AuditEntryInput): SqlValue[] {
    const secret = entry.field != null && SECRET_FIELD.test(entry.field);
    return [
      iso(entry.at ?? this.now()),
      entry.actor,
      entry.action,
      entry.system,
      entry.realmId ?? null,
      entry.salesforceId ?? null,
      entry.qboId ?? null,
      entry.field ?? null,
      secret ? REDACTED : stringify(entry.oldValue),
      secret ? REDACTED : stringify(entry.newValue),
      entry.jobId ?? null,
      entry.sourceEvent ?? null,
    ];
  }
}

function stringify(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function clampLimit(limit: number | undefined): number {
  return Math.min(Math.max(Math.trunc(limit ?? 100), 1), 1000);
}

function toEntry(row: AuditLogRow): AuditEntry {
  return {
    id: row.id,
    at: new Date(row.at),
    actor: row.actor,
    action: row.action,
    system: row.system as AuditSystem,
    realmId: row.realm_id,
    salesforceId: row.salesforce_id,
    qboId: row.qbo_id,
    field: row.field,
    oldValue: row.old_value,
    newValue: row.new_value,
    jobId: row.job_id,
    sourceEvent: row.source_event,
  };
}
