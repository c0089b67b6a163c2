/**
 * Row types of every table, as the database returns them. Conventions that keep one schema valid on SQLite and
 * PostgreSQL alike:
 * - timestamps are ISO-8601 UTC text from `Date#toISOString()` (fixed width, so text order = time order);
 * - JSON is stored as text and parsed by the repository that owns the table;
 * - no booleans (SQLite has none); states are short text values checked in code and by CHECK constraints.
 */
export interface QboConnectionsRow {
  realm_id: string;
  billing_entity: string;
  company_name: string | null;
  access_token_sealed: string;
  refresh_token_sealed: string;
  access_token_expires_at: string;
  refresh_token_expires_at: string;
  refresh_token_issued_at: string;
  status: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

export interface JobsRow {
  id: string;
  type: string;
  payload: string;
  state: string;
  idempotency_key: string | null;
  priority: number;
  attempts: number;
  max_attempts: number;
  run_at: string;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  last_error_code: string | null;
  result: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

export interface RecordLinksRow {
  id: number;
  kind: string;
  realm_id: string;
  link_key: string;
  salesforce_id: string;
  qbo_id: string;
  extra: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditLogRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  system: string;
  realm_id: string | null;
  salesforce_id: string | null;
  qbo_id: string | null;
  field: string | null;
  old_value: string | null;
  new_value: string | null;
  job_id: string | null;
  source_event: string | null;
}

export interface WebhookInboxRow {
  id: number;
  realm_id: string;
  entity: string;
  entity_id: string;
  operation: string;
  change_time: string;
  raw_payload: string;
  received_at: string;
  processed_at: string | null;
}

export interface SyncCursorsRow {
  realm_id: string;
  name: string;
  value: string;
  updated_at: string;
}

export interface SettingsRow {
  key: string;
  value: string;
  updated_at: string;
}
