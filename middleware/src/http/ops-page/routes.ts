import { Router, type RequestHandler, type Response } from 'express';
import { PAGE_SCRIPT } from './page-script';

/** The page may load its own script and style and call the API on the same origin; nothing else. */
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const STYLE = `body{font:14px/1.4 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b}h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35rem .5rem;text-align:left;vertical-align:top}
.badge{display:inline-block;padding:0 .4rem;border-radius:.25rem;font-weight:600}.ok{background:#d7f5dd}.warning{background:#fff1c2}.error{background:#fbd5d5}
.message{padding:.5rem;margin:.5rem 0;border-radius:.25rem}.message.info{background:#e7f0fb}button{cursor:pointer}`;

const HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ledgerline operations</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/ops/ops.css"></head>
<body>
<h1>Ledgerline operations</h1>
<p id="overall" aria-live="polite">Loading…</p>
<p id="timezone"></p>
<div id="message" class="message info" role="status" aria-live="polite"></div>
<h2>Problems</h2><ul id="problems"></ul>
<h2>QuickBooks companies</h2>
<table><thead><tr><th>Company</th><th>Status</th><th>Connection</th><th>Access token until</th><th>Refresh token</th><th>CDC cursor</th><th>API calls today</th></tr></thead><tbody id="companies"></tbody></table>
<h2>History import and reconciliation</h2>
<p>Invoices, payments, credit memos, sales and refund receipts of the customers linked to Accounts, into the Salesforce mirror; the reconciliation compares the whole period again and repairs what differs. Both run as jobs within the company's QuickBooks request budget.</p>
<table><thead><tr><th>Company</th><th>History import</th><th>Reconciliation</th><th></th></tr></thead><tbody id="history"></tbody></table>
<h2>Salesforce</h2><p id="salesforce"></p>
<h2>Queue</h2><p id="queue"></p>
<h2>Webhooks</h2><p id="webhooks"></p>
<h2>Jobs needing attention</h2>
<p><button type="button" id="retry-all">Retry all dead jobs</button></p>
<table><thead><tr><th>Job</th><th>State</th><th>Type</th><th>Record</th><th>Attempts</th><th>Last error</th><th></th></tr></thead><tbody id="jobs"></tbody></table>
<h2>QuickBooks items with no product</h2>
<p id="catalog-note">Run <code>npm run cli -- catalog</code> to list them per company, and <code>npm run cli -- catalog --apply</code> to create the missing products.</p>
<table><thead><tr><th>Company</th><th>Item</th><th>Name</th><th>SKU</th></tr></thead><tbody id="catalog"></tbody></table>
<h2>Reconciliation</h2>
<p id="reconciliation-note">Drift between deals and invoices in every connected company (<code>npm run cli -- reconcile</code> prints the same).</p>
<table><thead><tr><th>Finding</th><th>Record</th><th>Details</th></tr></thead><tbody id="reconciliation"></tbody></table>
<script src="/ops/ops.js"></script>
</body></html>`;

function send(res: Response, type: string, body: string): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.type(type).send(body);
}

/** `GET /ops`: the operations page (admin only), with its script and style. */
export function opsPageRoutes(adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/ops', adminAuth, (_req, res) => send(res, 'html', HTML));
  router.get('/ops/ops.js', adminAuth, (_req, res) => send(res, 'application/javascript', PAGE_SCRIPT));
  router.get('/ops/ops.css', adminAuth, (_req, res) => send(res, 'text/css', STYLE));
  return router;
}
