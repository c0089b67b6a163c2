/**
 * Operations: what an admin does without reading logs. The health report (health.ts: companies, tokens,
 * queue, webhooks, CDC, Salesforce API use, history runs), jobs and the audit trail with retry of dead jobs
 * (operations.ts), and the month-end reconciliation of won deals against invoices (reconciliation.ts, pure
 * comparison in sync/reconciliation.ts). Used by the ops routes and page, and the CLI.
 *
 * Read first: wire.ts, then operations.ts, then health.ts.
 */
export { HealthService, runSummary, type HealthDeps, type RunSummary } from './health';
export { OperationsService } from './operations';
export { ReconciliationReport } from './reconciliation';
export { wireOperations, type Operations, type OperationsDeps } from './wire';
