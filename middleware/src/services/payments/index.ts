/**
 * Payments: what happens to an invoice in QuickBooks (paid, part-paid, voided, credited) comes back to
 * Salesforce as the `QuickBooks_Invoice__c` mirror, its payment rows and the roll-ups on the deal and Account.
 *
 * The path: Intuit's webhook (http/webhook-routes.ts) is stored in the inbox and queued at once
 * (webhook-intake.ts, parsing in webhook-events.ts); a worker turns each event into the invoices it touches
 * (payment-events.ts) and refreshes each (payment-refresher.ts), which writes the mirror (payment-mirror.ts)
 * and asks for roll-ups (payment-rollups.ts). Credit memos and receipts follow the same way
 * (document-refresher.ts). The CDC sweep (cdc-sweeper.ts) is the safety net under webhooks; overdue and DSO
 * figures are daily (receivables-overdue.ts, receivables-months.ts). The org's currencies come from the org
 * (org-currencies.ts). The demo's payment step is src/demo/payment-demo.ts, outside the product.
 *
 * Read first: wire.ts, then payment-events.ts, then payment-refresher.ts.
 */
export { CDC_CURSOR, CdcSweeper } from './cdc-sweeper';
export { DocumentRefresher } from './document-refresher';
export { OrgCurrencies } from './org-currencies';
export { PaymentEventProcessor, QBO_EVENT_JOB, type QboEventJobPayload } from './payment-events';
export { PaymentMirror, soqlKeyList } from './payment-mirror';
export { InvoiceRefresher } from './payment-refresher';
export { PaymentRollups, type Prefetched, type RollupUpsert } from './payment-rollups';
export { ReceivablesMonths } from './receivables-months';
export { refreshNewlyOverdue } from './receivables-overdue';
export { PAYMENT_ENTITIES, WebhookIntake, type IntakeResult } from './webhook-intake';
export { wirePayments, type Payments, type PaymentsDeps } from './wire';
