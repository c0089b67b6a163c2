/**
 * What the invoicing capability offers the HTTP routes (http/sync-routes.ts): the route validates and
 * answers, the service behind this port queues and reads. Declared here, beside the services that
 * implement it, so that routes import it downward.
 */
import type { SendRequest, SendResult } from './invoice-delivery';

export interface SyncAccepted {
  accepted: Array<{ opportunityId: string; jobId: string; state: string }>;
  rejected: Array<{ opportunityId: string; error: string }>;
}

export interface SyncRequests {
  /** Persists one job per valid id (one live job per Opportunity) before the 202 is sent. */
  request(opportunityIds: string[], reason: string): Promise<SyncAccepted['accepted']>;
  preview(opportunityId: string): Promise<unknown>;
  billing(opportunityId: string): Promise<unknown>;
  /** The PDF of one of the Opportunity's invoices, as QuickBooks prints it. */
  invoicePdf(opportunityId: string, invoiceId: string): Promise<Buffer>;
  /** QuickBooks e-mails one of the Opportunity's invoices; audited with the Salesforce user who asked. */
  sendInvoice(request: SendRequest): Promise<SendResult>;
}
