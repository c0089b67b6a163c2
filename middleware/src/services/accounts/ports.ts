/**
 * What the accounts capability offers the Account route (http/account-routes.ts): queue one customer-sync
 * job per Account. Implemented in wire.ts; routes import it downward.
 */

export interface AccountSyncRequests {
  /** Persists one job per Account (one live job per Account) before the 202 is sent. */
  request(accountIds: string[], reason: string): Promise<Array<{ accountId: string; jobId: string; state: string }>>;
}
