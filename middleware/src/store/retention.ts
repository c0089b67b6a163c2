import type { Store } from './index';

/** How long each kind of history is kept, in days. The audit log is kept longest; 0 keeps it forever. */
export interface RetentionPolicy {
  webhookDays: number;
  jobDays: number;
  auditDays: number;
}

export interface RetentionResult {
  webhookEvents: number;
  jobs: number;
  auditEntries: number;
  oauthStates: number;
}

/** An unfinished connect is abandoned after ten minutes (the state's own lifetime); a day is generous. */
const OAUTH_STATE_DAYS = 1;
const DAY_MS = 86_400_000;

/**
 * One retention pass: processed webhook events, completed and cancelled jobs (failed and dead ones wait for a
 * person), audit entries and abandoned OAuth states older than their policy. Runs on every instance; the
 * deletes are idempotent, so instances sharing a database may overlap.
 */
export async function purgeExpired(
  store: Pick<Store, 'inbox' | 'audit' | 'settings'>,
  jobs: { purgeFinished(before: Date): Promise<number> },
  policy: RetentionPolicy,
  now: Date,
): Promise<RetentionResult> {
  const ago = (days: number) => new Date(now.getTime() - days * DAY_MS);
  return {
    webhookEvents: await store.inbox.purgeProcessed(ago(policy.webhookDays)),
    jobs: await jobs.purgeFinished(ago(policy.jobDays)),
    auditEntries: policy.auditDays > 0 ? await store.audit.purgeBefore(ago(policy.auditDays)) : 0,
    oauthStates: await store.settings.purgeOlder('oauth-state:', ago(OAUTH_STATE_DAYS)),
  };
}
