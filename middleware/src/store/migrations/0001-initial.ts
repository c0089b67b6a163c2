import type { DialectDdl } from './index';

/**
 * The first schema, written once for SQLite and PostgreSQL. Only two things differ between them and
 * come from `d`: the auto-increment id column and the append-only guard on the audit log.
 */
export function up(d: DialectDdl): string[] {
  return [
    `create table qbo_connections (
      realm_id text primary key,
      billing_entity text not null unique,
      company_name text,
      access_token_sealed text not null,
      refresh_token_sealed text not null,
      access_token_expires_at text not null,
      refresh_token_expires_at text not null,
      refresh_token_issued_at text not null,
      status text not null check (status in ('connected', 'refresh_failed', 'revoked')),
      last_error text,
      created_at text not null,
      updated_at text not null,
      version integer not null
    )`,

    `create table jobs (
      id text primary key,
      type text not null,
      payload text not null,
      state text not null check (state in ('queued', 'running', 'completed', 'failed', 'dead', 'cancelled')),
      idempotency_key text,
      priority integer not null default 0,
      attempts integer not null default 0 check (attempts >= 0),
      max_attempts integer not null check (max_attempts >= 1),
      run_at text not null,
      locked_by text,
      locked_until text,
      last_error text,
      last_error_code text,
      result text,
      created_at text not null,
      updated_at text not null,
      finished_at text
    )`,
    // "One live job per key" is guaranteed by the database, across connections and instances.
    `create unique index jobs_live_idempotency_key on jobs (idempotency_key) where state in ('queued', 'running')`,
    `create index jobs_idempotency_key on jobs (idempotency_key, created_at)`,
    `create index jobs_due on jobs (state, run_at)`,
    `create index jobs_lease on jobs (state, locked_until)`,
    `create index jobs_type_state on jobs (type, state)`,

    `create table record_links (
      id ${d.autoIdPrimaryKey},
      kind text not null check (kind in ('customer', 'item', 'invoice', 'payment')),
      realm_id text not null,
      link_key text not null,
      salesforce_id text not null,
      qbo_id text not null,
      extra text,
      created_at text not null,
      updated_at text not null,
      constraint record_links_key_unique unique (kind, realm_id, link_key)
    )`,
    `create index record_links_salesforce on record_links (salesforce_id, kind, realm_id)`,
    `create index record_links_qbo on record_links (qbo_id, kind, realm_id)`,

    `create table audit_log (
      id ${d.autoIdPrimaryKey},
      at text not null,
      actor text not null,
      action text not null,
      system text not null check (system in ('salesforce', 'quickbooks', 'middleware')),
      realm_id text,
      salesforce_id text,
      qbo_id text,
      field text,
      old_value text,
      new_value text,
      job_id text,
      source_event text
    )`,
    `create index audit_log_salesforce on audit_log (salesforce_id, id)`,
    `create index audit_log_qbo on audit_log (qbo_id, id)`,
    `create index audit_log_job on audit_log (job_id)`,
    ...d.appendOnly('audit_log'),

    `create table webhook_inbox (
      id ${d.autoIdPrimaryKey},
      realm_id text not null,
      entity text not null,
      entity_id text not null,
      operation text not null,
      change_time text not null,
      raw_payload text not null,
      received_at text not null,
      processed_at text,
      constraint webhook_inbox_dedupe unique (realm_id, entity, entity_id, operation, change_time)
    )`,
    `create index webhook_inbox_pending on webhook_inbox (processed_at, id)`,

    `create table sync_cursors (
      realm_id text not null,
      name text not null,
      value text not null,
      updated_at text not null,
      primary key (realm_id, name)
    )`,

    `create table settings (
      key text primary key,
      value text not null,
      updated_at text not null
    )`,
  ];
}
