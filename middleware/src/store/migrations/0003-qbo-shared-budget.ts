/**
 * The QuickBooks request budget shared by every middleware process on one PostgreSQL database
 * (quickbooks/shared-limiter.ts): rate windows in rate-limiter-flexible's own table layout, and one lease
 * row per request slot. SQLite runs one process, which counts in memory: nothing to create there.
 */
import type { DialectDdl } from './index';

export function up(d: DialectDdl): string[] {
  if (d.dialect !== 'postgres') return [];
  return [
    `create table qbo_rate_limits (
      key varchar(255) primary key,
      points integer not null default 0,
      expire bigint
    )`,
    `create table qbo_request_leases (
      realm_id text not null,
      slot integer not null,
      holder text not null,
      expires_at timestamptz not null,
      primary key (realm_id, slot)
    )`,
  ];
}
