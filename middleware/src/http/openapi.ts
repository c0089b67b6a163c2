/**
 * The OpenAPI 3.0 document of the whole HTTP API, built from the same zod schemas that validate the
 * requests (z.toJSONSchema), so the document cannot drift from the checks. Every operation has an
 * operationId, so the file can register the API in Salesforce External Services.
 */
import { Router } from 'express';
import { z } from 'zod';
import { accountSyncRequestSchema, accountSyncResponseSchema } from './account-routes';
import { historyImportSchema, historyQuerySchema, reconcileSchema } from './history-routes';
import { auditEntrySchema, auditQuerySchema, healthSchema, jobIdParams, jobViewSchema, jobsQuerySchema, retryAllSchema } from './ops-routes';
import { connectBodySchema } from './oauth-routes';
import { invoicePdfParams, invoiceSendResultSchema, invoiceSendSchema, syncRequestSchema } from './sync-routes';
import { salesforceId } from './validation';

type Security = 'apiKey' | 'admin' | 'metrics' | 'intuit' | 'none';

interface OperationSpec {
  method: 'get' | 'post';
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  security: Security;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<string, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string(), fix: z.string().optional() }) });
const idParams = z.object({ id: salesforceId }).strict();
const anyObject = z.record(z.string(), z.unknown());
const syncAccepted = z.object({
  accepted: z.array(z.object({ opportunityId: z.string(), jobId: z.string(), state: z.string() })),
  rejected: z.array(z.object({ opportunityId: z.string(), error: z.string() })),
});

const OPERATIONS: OperationSpec[] = [
  { method: 'post', path: '/api/v1/sync/opportunities', operationId: 'syncOpportunities', summary: 'Queue invoice sync for Closed Won (or retried) Opportunities', tag: 'Salesforce', security: 'apiKey', body: syncRequestSchema, responses: { '202': { description: 'Stored and queued', schema: syncAccepted }, '400': { description: 'No valid id', schema: syncAccepted } } },
  { method: 'post', path: '/api/v1/sync/accounts', operationId: 'syncAccounts', summary: 'Queue the update of QuickBooks customers after Salesforce-owned Account fields changed', tag: 'Salesforce', security: 'apiKey', body: accountSyncRequestSchema, responses: { '202': { description: 'Stored and queued', schema: accountSyncResponseSchema }, '400': { description: 'No valid id', schema: accountSyncResponseSchema } } },
  { method: 'get', path: '/api/v1/opportunities/{id}/invoices/{invoiceId}/pdf', operationId: 'getInvoicePdf', summary: "One of the Opportunity's invoices as QuickBooks prints it (PDF)", tag: 'Salesforce', security: 'apiKey', params: invoicePdfParams, responses: { '200': { description: 'The invoice PDF', schema: z.string().describe('PDF document'), contentType: 'application/pdf' }, '404': { description: 'Not an invoice of this Opportunity', schema: errorSchema } } },
  { method: 'post', path: '/api/v1/opportunities/{id}/invoices/{invoiceId}/send', operationId: 'sendInvoice', summary: "QuickBooks e-mails one of the Opportunity's invoices (to the billing e-mail unless sendTo names another address); audited", tag: 'Salesforce', security: 'apiKey', params: invoicePdfParams, body: invoiceSendSchema, responses: { '200': { description: "Sent: QuickBooks' EmailStatus and DeliveryTime", schema: invoiceSendResultSchema }, '400': { description: 'Bad path or body (an address that is not one e-mail address)', schema: errorSchema }, '404': { description: 'Not an invoice of this Opportunity', schema: errorSchema }, '422': { description: 'QuickBooks refused the send (for example no billing e-mail on the invoice)', schema: errorSchema }, '429': { description: 'This key has used its sends for now (SEND_PER_MINUTE); Retry-After says when to try again', schema: errorSchema } } },
  { method: 'get', path: '/api/v1/opportunities/{id}/preview', operationId: 'previewInvoice', summary: 'The invoice the middleware would create, without creating it', tag: 'Salesforce', security: 'apiKey', params: idParams, responses: { '200': { description: 'Preview', schema: anyObject } } },
  { method: 'get', path: '/api/v1/opportunities/{id}/billing', operationId: 'getBilling', summary: 'Invoices and jobs the middleware knows for an Opportunity', tag: 'Salesforce', security: 'apiKey', params: idParams, responses: { '200': { description: 'Billing state', schema: anyObject } } },
  { method: 'get', path: '/api/v1/health', operationId: 'getHealth', summary: 'Companies, tokens, Salesforce auth, queue, webhook lag, CDC cursors, API budget', tag: 'Operations', security: 'admin', responses: { '200': { description: 'Health report', schema: healthSchema } } },
  { method: 'get', path: '/api/v1/jobs', operationId: 'listJobs', summary: 'Jobs by state, Opportunity or company, newest first', tag: 'Operations', security: 'admin', query: jobsQuerySchema, responses: { '200': { description: 'Jobs', schema: z.object({ jobs: z.array(jobViewSchema) }) } } },
  { method: 'get', path: '/api/v1/jobs/{id}', operationId: 'getJob', summary: 'One job', tag: 'Operations', security: 'admin', params: jobIdParams, responses: { '200': { description: 'The job', schema: jobViewSchema } } },
  { method: 'post', path: '/api/v1/jobs/{id}/retry', operationId: 'retryJob', summary: 'Retry a failed, dead or cancelled job', tag: 'Operations', security: 'admin', params: jobIdParams, responses: { '202': { description: 'Queued again', schema: jobViewSchema }, '409': { description: 'Not retryable now', schema: errorSchema } } },
  { method: 'post', path: '/api/v1/jobs/retry-all', operationId: 'retryAllJobs', summary: 'Retry every dead (or failed) job after a fix', tag: 'Operations', security: 'admin', body: retryAllSchema, responses: { '200': { description: 'Retried and skipped job ids', schema: z.object({ retried: z.array(z.string()), skipped: z.array(z.string()) }) } } },
  { method: 'get', path: '/api/v1/audit', operationId: 'getAuditTrail', summary: 'Audit trail of one record (Salesforce or QuickBooks id), newest first', tag: 'Operations', security: 'admin', query: auditQuerySchema, responses: { '200': { description: 'Entries', schema: z.object({ record: z.string(), entries: z.array(auditEntrySchema) }) } } },
  { method: 'get', path: '/api/v1/history-import', operationId: 'getHistoryImports', summary: "Each company's latest history import and reconciliation (progress, figures, refusals)", tag: 'Operations', security: 'admin', query: historyQuerySchema, responses: { '200': { description: 'Runs per company', schema: anyObject } } },
  { method: 'post', path: '/api/v1/history-import', operationId: 'startHistoryImport', summary: 'Queue an import of QuickBooks history (invoices, payments, credit memos, sales and refund receipts) into the mirror', tag: 'Operations', security: 'admin', body: historyImportSchema, responses: { '202': { description: 'The import job (joins one already waiting)', schema: z.object({ jobId: z.string(), state: z.string(), runId: z.string(), since: z.string(), created: z.boolean() }) } } },
  { method: 'post', path: '/api/v1/reconcile', operationId: 'startReconciliation', summary: "Queue a full reconciliation of a company's mirror against QuickBooks now", tag: 'Operations', security: 'admin', body: reconcileSchema, responses: { '202': { description: 'The reconciliation job', schema: z.object({ jobId: z.string(), state: z.string() }) } } },
  { method: 'get', path: '/api/v1/catalog', operationId: 'getCatalogGaps', summary: 'QuickBooks items with no product and billable products with no item: the default company at the top level, every connected company in companies', tag: 'Onboarding', security: 'admin', responses: { '200': { description: 'Items without products, products without items', schema: anyObject } } },
  { method: 'get', path: '/api/v1/reconciliation', operationId: 'getReconciliation', summary: 'Won deals without an invoice, invoices without a deal, deal amounts that differ from their invoices, customers linked to several Accounts', tag: 'Operations', security: 'admin', query: z.object({ realm: z.string().regex(/^\d{1,30}$/).optional() }), responses: { '200': { description: 'Reconciliation findings per list', schema: anyObject } } },
  { method: 'post', path: '/api/v1/onboarding/match', operationId: 'onboardingMatch', summary: 'Match Accounts and Products to QuickBooks customers and items (report only)', tag: 'Onboarding', security: 'admin', body: anyObject, responses: { '200': { description: 'Matching summary and proposals', schema: anyObject } } },
  { method: 'post', path: '/api/v1/onboarding/apply', operationId: 'onboardingApply', summary: 'Link exact matches, or the rows of an edited report', tag: 'Onboarding', security: 'admin', body: anyObject, responses: { '200': { description: 'Links made, refused and failed', schema: anyObject } } },
  { method: 'post', path: '/webhooks/quickbooks', operationId: 'quickbooksWebhook', summary: 'Intuit webhook notifications (signed with intuit-signature)', tag: 'QuickBooks', security: 'intuit', body: anyObject, responses: { '200': { description: 'Stored', schema: z.object({ received: z.number(), stored: z.number(), duplicates: z.number() }) } } },
  { method: 'get', path: '/oauth/quickbooks/connect', operationId: 'connectQuickbooks', summary: 'Confirmation page for connecting a QuickBooks company (browser; changes nothing)', tag: 'QuickBooks', security: 'admin', query: z.object({ entity: z.string().max(80).default('Default') }), responses: { '200': { description: 'Confirmation page (HTML)', contentType: 'text/html' } } },
  { method: 'get', path: '/oauth/quickbooks/connect.js', operationId: 'connectPageScript', summary: 'Confirmation page script', tag: 'QuickBooks', security: 'admin', responses: { '200': { description: 'JavaScript', contentType: 'application/javascript' } } },
  { method: 'post', path: '/oauth/quickbooks/connect', operationId: 'startQuickbooksConnect', summary: 'Start connecting a QuickBooks company: answers the Intuit consent URL to open', tag: 'QuickBooks', security: 'admin', body: connectBodySchema, responses: { '200': { description: 'Consent URL', schema: z.object({ authorizeUrl: z.string() }) } } },
  { method: 'get', path: '/oauth/quickbooks/callback', operationId: 'quickbooksCallback', summary: 'Intuit redirect after consent', tag: 'QuickBooks', security: 'none', query: z.object({ state: z.string(), code: z.string().optional(), realmId: z.string().optional(), error: z.string().optional() }), responses: { '200': { description: 'Connected (HTML)', contentType: 'text/html' } } },
  { method: 'get', path: '/ops', operationId: 'operationsPage', summary: 'Operations page (browser, admin)', tag: 'Operations', security: 'admin', responses: { '200': { description: 'HTML page', contentType: 'text/html' } } },
  { method: 'get', path: '/ops/ops.js', operationId: 'operationsPageScript', summary: 'Operations page script', tag: 'Operations', security: 'admin', responses: { '200': { description: 'JavaScript', contentType: 'application/javascript' } } },
  { method: 'get', path: '/ops/ops.css', operationId: 'operationsPageStyle', summary: 'Operations page style', tag: 'Operations', security: 'admin', responses: { '200': { description: 'CSS', contentType: 'text/css' } } },
  { method: 'get', path: '/openapi.json', operationId: 'getOpenApi', summary: 'This document', tag: 'Operations', security: 'none', responses: { '200': { description: 'OpenAPI 3.0 document', schema: anyObject } } },
  { method: 'get', path: '/healthz', operationId: 'liveness', summary: 'Liveness', tag: 'Operations', security: 'none', responses: { '200': { description: 'Alive', schema: z.object({ status: z.literal('ok') }) } } },
  { method: 'get', path: '/readyz', operationId: 'readiness', summary: 'Readiness (store and QuickBooks connection)', tag: 'Operations', security: 'none', responses: { '200': { description: 'Ready', schema: anyObject }, '503': { description: 'Not ready', schema: anyObject } } },
  { method: 'get', path: '/metrics', operationId: 'metrics', summary: 'Prometheus metrics (queue, jobs, QuickBooks calls and 429s per company, webhook lag, Salesforce API usage)', tag: 'Operations', security: 'metrics', responses: { '200': { description: 'Prometheus text format 0.0.4', schema: z.string(), contentType: 'text/plain' } } },
];

const SECURITY: Record<Security, Array<Record<string, string[]>>> = {
  apiKey: [{ salesforceKey: [] }],
  admin: [{ adminBasic: [] }, { adminBearer: [] }],
  metrics: [{ metricsBearer: [] }, { adminBearer: [] }],
  intuit: [],
  none: [],
};

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

function parameters(where: 'path' | 'query', schema: z.ZodObject | undefined): unknown[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input') as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

export function openApiDocument(version = '0.1.0'): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      const type = response.contentType ?? 'application/json';
      responses[status] = { description: response.description, ...(response.schema ? { content: { [type]: { schema: schemaOf(response.schema, 'output') } } } : {}) };
    }
    if (op.security !== 'none') responses['401'] = { description: 'Missing or wrong credentials', content: { 'application/json': { schema: schemaOf(errorSchema, 'output') } } };
    responses.default = { description: 'Error with the fix', content: { 'application/json': { schema: schemaOf(errorSchema, 'output') } } };
    paths[op.path] ??= {};
    paths[op.path]![op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      security: SECURITY[op.security],
      parameters: [...parameters('path', op.params), ...parameters('query', op.query)],
      ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(op.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'Ledgerline middleware', version, description: 'Salesforce ⇄ QuickBooks Online revenue integration: invoice sync, governed two-way customer sync, operations.' },
    servers: [{ url: '/' }],
    tags: [{ name: 'Salesforce' }, { name: 'Operations' }, { name: 'Onboarding' }, { name: 'QuickBooks' }],
    components: {
      securitySchemes: {
        salesforceKey: { type: 'http', scheme: 'bearer', description: 'LEDGERLINE_API_KEYS, sent by the QuickBooks_Middleware Named Credential' },
        adminBasic: { type: 'http', scheme: 'basic', description: 'Any user name, the admin key (LEDGERLINE_ADMIN_KEYS) as password' },
        adminBearer: { type: 'http', scheme: 'bearer', description: 'The admin key as bearer' },
        metricsBearer: { type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, the read-only token of the Prometheus scraper' },
      },
    },
    paths,
  };
}

/** `GET /openapi.json` (public: it holds no secrets). */
export function openApiRoutes(): Router {
  const router = Router();
  const document = openApiDocument();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  return router;
}
