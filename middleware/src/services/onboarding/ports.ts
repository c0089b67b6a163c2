/**
 * What onboarding offers the OAuth routes (http/oauth-routes.ts): the consent flow that connects a
 * QuickBooks company. Implemented by qbo-connect.ts; routes import it downward.
 */

export interface ConnectRequest {
  billingEntity: string;
  /** The admin asked to rename the entity of a company that is already connected under another name. */
  rename: boolean;
}

export interface QboConnectFlow {
  /** Starts the consent flow for a billing entity; returns Intuit's authorize URL and the state in it. */
  start(request: ConnectRequest): Promise<{ authorizeUrl: string; state: string }>;
  /** Finishes it from Intuit's redirect; returns what was connected. */
  finish(callbackUrl: string, state: string): Promise<{ realmId: string; billingEntity: string; companyName: string | null }>;
}
