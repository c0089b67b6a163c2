/**
 * Invoicing: a Closed Won Opportunity becomes a QuickBooks invoice, exactly once.
 *
 * The path: Salesforce's Closed Won trigger calls `POST /api/v1/sync/opportunities` (http/sync-routes.ts),
 * which queues one `invoice.sync` job per deal through the `SyncRequests` port (ports.ts, implemented in
 * wire.ts). The worker runs `InvoiceSync.sync` (invoice-sync.ts): read the deal, pick its billing entity,
 * map it with the pure sync/ functions, find or create the customer (customer-resolver.ts), create the
 * invoice with a request id, and record it in the link table and on the deal (invoice-recorder.ts).
 * Subscriptions get one invoice per period (subscription-invoices.ts); invoices can be e-mailed
 * (invoice-delivery.ts), previewed without writing (preview.ts), and missed deals are found again
 * (sweeper.ts, backfill.ts).
 *
 * Read first: wire.ts (what is built and which jobs it handles), then invoice-sync.ts, then invoice-recorder.ts.
 */
export { backfill, type BackfillResult } from './backfill';
export { CustomerResolver } from './customer-resolver';
export { INVOICE_SEND_JOB, InvoiceDelivery, type InvoiceSendJobPayload, type SendRequest, type SendResult } from './invoice-delivery';
export { InvoiceRecorder, invoiceKey, unrecordedFailure } from './invoice-recorder';
export { InvoiceSync } from './invoice-sync';
export { InvoicePreviewer } from './preview';
export { SUBSCRIPTION_JOB, SubscriptionInvoices, type StoredSchedule, type SubscriptionJobPayload } from './subscription-invoices';
export { sweepUninvoiced } from './sweeper';
export type { SyncAccepted, SyncRequests } from './ports';
export { INVOICE_JOB, wireInvoicing, type InvoiceJobPayload, type Invoicing, type InvoicingDeps } from './wire';
