/**
 * Retention for the audit log. The log stays append-only, with one exception: entries older than the
 * retention horizon (one row in `audit_retention`, moved by `AuditLog.purgeBefore`) may be deleted.
 * UPDATE stays refused on every row, and DELETE of anything at or after the horizon too.
 */
import type { DialectDdl } from './index';

const REFUSED = 'audit_log is append-only: only entries older than the retention horizon may be deleted';

export function up(d: DialectDdl): string[] {
  const horizon = [
    `create table audit_retention (id integer primary key check (id = 1), purge_before text not null)`,
    `insert into audit_retention (id, purge_before) values (1, '')`,
  ];
  if (d.dialect === 'sqlite') {
    return [
      ...horizon,
      `drop trigger audit_log_no_delete`,
      `create trigger audit_log_no_delete before delete on audit_log
        when old.at >= (select purge_before from audit_retention where id = 1)
        begin select raise(abort, '${REFUSED}'); end`,
    ];
  }
  return [
    ...horizon,
    `drop trigger audit_log_append_only on audit_log`,
    `create trigger audit_log_append_only before update or truncate on audit_log
      for each statement execute function audit_log_append_only()`,
    `create function audit_log_delete_guard() returns trigger language plpgsql as $body$
      begin
        if old.at >= (select purge_before from audit_retention where id = 1) then
          raise exception '${REFUSED}';
        end if;
        return old;
      end $body$`,
    `create trigger audit_log_delete_guard before delete on audit_log for each row execute function audit_log_delete_guard()`,
  ];
}
