import type { AccessPolicy } from './access';

/** Per-request state: who writes, and what the "trigger" saw (won deals, for the callout). */
export interface DmlContext {
  userId: string;
  now: Date;
  /** Opportunities that became Closed Won in this request. */
  wonOpportunityIds: string[];
  /** Set Billing_Sync_Status__c = 'Queued' on won deals (the trigger handler's job). */
  automation: boolean;
  /** Skip validation hooks and allow system fields (seeding). */
  seeding?: boolean;
  /**
   * An API user's write: field-level security and force-app's validation rules apply, with `$Permission`
   * from these permission sets. Absent for seeding and control writes.
   */
  access?: AccessPolicy;
}
