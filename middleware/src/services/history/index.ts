/**
 * History: every invoice, credit memo, sales receipt, refund receipt and payment of the customers linked to
 * Accounts, imported into the Salesforce mirror once (a company connected for the first time, customers linked
 * later, an admin's request), then reconciled weekly, including deletions.
 *
 * The pieces: history-jobs.ts decides when (durable `qbo.import` and `qbo.reconcile` jobs); history-import.ts
 * pages through QBO with a stored cursor, so a killed import resumes; import-pages.ts turns one page into the
 * mirror rows that differ; import-deletions.ts removes what QBO confirms gone; document-mirror.ts is the
 * Salesforce side (reads in one query per 200 keys, batched writes).
 *
 * Read first: wire.ts, then history-jobs.ts, then history-import.ts.
 */
export { DocumentMirror } from './document-mirror';
export { HistoryImport, IMPORT_JOB, RECONCILE_JOB, type ImportProgress } from './history-import';
export { HistoryJobs } from './history-jobs';
export { applyDocumentPage } from './import-pages';
export { wireHistory, type History, type HistoryDeps } from './wire';
