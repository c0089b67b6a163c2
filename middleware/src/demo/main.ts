/**
 * `npm run demo`: the whole flow on this machine with no accounts. Starts the QuickBooks and Salesforce
 * emulators and the real middleware (SQLite file in ./data), connects QuickBooks through the OAuth flow,
 * loads realistic deals, closes them as won the way a sales rep would, and prints what happened:
 * invoices with numbers and totals, what was written back to Salesforce, errors with their fixes,
 * payments flowing back, and the timings. Then it keeps serving so a person can look around.
 * `DEMO_EXIT=1` stops after the run (used by the smoke test).
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RequestHandler } from 'express';
import { createLogger } from '../logger';
import { demoPaymentStatus } from './payment-demo';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from './deals';
import { mountPreview, previewDataRouter } from './preview-data';
import { startStack, waitFor, type Stack } from './stack';

type Rec = Record<string, unknown>;

const REPO = path.resolve(__dirname, '..', '..', '..');
const money = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : String(n));

/** The preview of the real components, built on first use (about 15 s). */
async function previewHandlers(out: (line: string) => void): Promise<RequestHandler[]> {
  try {
    if (!existsSync(path.join(REPO, 'preview', 'dist', 'app.js'))) {
      out('Building the local preview of the Lightning components (first run only)…');
      const build = (await import(pathToFileURL(path.join(REPO, 'preview', 'build.mjs')).href)) as { buildPreview: () => Promise<unknown> };
      await build.buildPreview();
    }
    const mod = (await import(pathToFileURL(path.join(REPO, 'preview', 'server.mjs')).href)) as { previewHandler: (o?: object) => RequestHandler };
    return [mod.previewHandler()];
  } catch (error) {
    out(`(The component preview is not available: ${(error as Error).message})`);
    return [];
  }
}

/** The preview's Retry, as Apex's retrySync does it: the sync route with reason "retry" and the API key. */
async function retryThroughMiddleware(stack: Stack | undefined, opportunityId: string): Promise<{ status: number; body: unknown }> {
  if (!stack) return { status: 503, body: { message: 'The demo is still starting; retry in a few seconds.' } };
  const response = await fetch(`${stack.url}/api/v1/sync/opportunities`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ opportunityIds: [opportunityId], reason: 'retry' }),
    signal: AbortSignal.timeout(10_000),
  });
  return { status: response.status, body: await response.json().catch(() => ({ message: response.statusText })) };
}

/** The preview's View PDF, as Apex's getInvoicePdf does it: the middleware's PDF route with the API key. */
async function pdfThroughMiddleware(stack: Stack | undefined, opportunityId: string, invoiceId: string): Promise<{ status: number; pdf?: Buffer; body?: unknown }> {
  if (!stack) return { status: 503, body: { message: 'The demo is still starting; try again in a few seconds.' } };
  const response = await fetch(`${stack.url}/api/v1/opportunities/${opportunityId}/invoices/${invoiceId}/pdf`, {
    headers: { authorization: `Bearer ${stack.apiKey}`, accept: 'application/pdf' },
    signal: AbortSignal.timeout(10_000),
  });
  if (response.ok) return { status: 200, pdf: Buffer.from(await response.arrayBuffer()) };
  return { status: response.status, body: await response.json().catch(() => ({ message: response.statusText })) };
}

/** The demo org's Finance user, named in the audit log when the preview sends an invoice (Apex passes the running user). */
const PREVIEW_USER = { userId: '005000000000001AAA', name: 'Preview Finance User' };

/** The preview's Send, as Apex's sendInvoice does it: the middleware's send route with the API key. */
async function sendThroughMiddleware(stack: Stack | undefined, opportunityId: string, invoiceId: string, sendTo: string | undefined): Promise<{ status: number; body: unknown }> {
  if (!stack) return { status: 503, body: { message: 'The demo is still starting; try again in a few seconds.' } };
  const response = await fetch(`${stack.url}/api/v1/opportunities/${opportunityId}/invoices/${invoiceId}/send`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ ...(sendTo ? { sendTo } : {}), requestedBy: PREVIEW_USER }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: response.status, body: await response.json().catch(() => ({ message: response.statusText })) };
}

export async function runDemo(options: { port?: number; exit?: boolean; out?: (line: string) => void } = {}): Promise<{ stack: Stack; invoices: number; errors: number }> {
  const out = options.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const dataDir = path.join(REPO, 'data');
  mkdirSync(dataDir, { recursive: true });
  const dbFile = path.join(dataDir, 'demo.db');
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${dbFile}${suffix}`, { force: true });
  const preview = options.exit ? [] : await previewHandlers(out);
  const live: { stack?: Stack } = {};
  const stack = await startStack({
    port: options.port ?? Number(process.env.PORT ?? 3000),
    webhooks: true,
    logger: createLogger({ level: process.env.LOG_LEVEL ?? 'error' }),
    env: { DATABASE_URL: `sqlite:${dbFile}`, JOB_BACKOFF_BASE_MS: '200' },
    front: ({ sf }) => [previewDataRouter(sf.control, undefined, (id) => retryThroughMiddleware(live.stack, id), (id, invoiceId) => pdfThroughMiddleware(live.stack, id, invoiceId), (id, invoiceId, sendTo) => sendThroughMiddleware(live.stack, id, invoiceId, sendTo)), ...preview.map(mountPreview)],
  });
  live.stack = stack;
  out(`Ledgerline demo — middleware ${stack.url} (SQLite ${path.relative(REPO, dbFile)})`);
  out(`  QuickBooks emulator ${stack.qbo.url}   Salesforce emulator ${stack.sf.url}`);
  out(`  Keys made for this run only: API key (Salesforce's Named Credential) ${stack.apiKey}`);
  out(`                              admin key (${stack.url}/ops, the connect flow, the admin API; any user name) ${stack.adminKey}`);

  let t = Date.now();
  await stack.connectQbo('Default');
  out(`\n1. QuickBooks company ${stack.realmId} connected through OAuth (intuit-oauth) in ${Date.now() - t} ms.`);

  const sf = stack.sf;
  const catalog = seedCatalog(sf, [{ Name: 'Legacy Add-on', ProductCode: 'LEGACY-9', Taxable__c: true, price: 99 }]);
  const acme = seedAccount(sf, { Name: 'Acme Corporation', Billing_Email__c: 'ap@acme.example' });
  const obrien = seedAccount(sf, { Name: "O'Brien & Sons: Plumbing", Billing_Email__c: 'accounts@obrien.example', Payment_Terms__c: 'Net 15' });
  const globex = seedAccount(sf, { Name: 'Globex', Billing_Email__c: null });
  const deals = [
    { label: 'Acme: platform + services, 10% off', id: seedOpportunity(sf, catalog, acme, [{ code: 'SUB-ANN', quantity: 1, discount: 10 }, { code: 'IMPL-PKG', quantity: 1, discount: 10 }, { code: 'CONS-HR', quantity: 20, discount: 10 }], { Name: 'Acme — 2027 platform', PO_Number__c: 'PO-88123', Invoice_Memo__c: 'Thank you for choosing us.' }) },
    { label: "O'Brien & Sons: hardware", id: seedOpportunity(sf, catalog, obrien, [{ code: 'HW-KIT', quantity: 3 }, { code: 'CONS-HR', quantity: 4, discount: 5 }], { Name: "O'Brien — hardware refresh" }) },
    { label: 'Acme: a product QuickBooks does not know', id: seedOpportunity(sf, catalog, acme, [{ code: 'LEGACY-9', quantity: 1 }], { Name: 'Acme — legacy add-on' }) },
    { label: 'Globex: Account without billing e-mail', id: seedOpportunity(sf, catalog, globex, [{ code: 'CONS-HR', quantity: 8 }], { Name: 'Globex — advisory' }) },
  ];
  out(`\n2. Salesforce: ${deals.length} deals on 3 Accounts, products with SKUs, standard price book. Closing them as won…`);
  t = Date.now();
  const started = new Map<string, number>();
  for (const deal of deals) {
    started.set(deal.id, Date.now());
    closeWon(sf, deal.id);
  }
  const finished = new Map<string, number>();
  await waitFor(() => {
    for (const deal of deals) {
      const status = (sf.control.record('Opportunity', deal.id) as Rec).Billing_Sync_Status__c;
      if ((status === 'Synced' || status === 'Error') && !finished.has(deal.id)) finished.set(deal.id, Date.now());
    }
    return finished.size === deals.length || undefined;
  }, 60_000, 'all deals to sync');

  out(`\n3. Results (${Date.now() - t} ms for all; Closed Won → Salesforce write-back per deal):`);
  let invoices = 0;
  let errors = 0;
  for (const deal of deals) {
    const opp = sf.control.record('Opportunity', deal.id) as Rec;
    const ms = finished.get(deal.id)! - started.get(deal.id)!;
    if (opp.Billing_Sync_Status__c === 'Synced') {
      invoices += 1;
      const inv = stack.qbo.control.get(stack.realmId, 'Invoice', String(opp.QuickBooks_Invoice_Id__c)) as Rec & { TxnTaxDetail?: { TotalTax?: number }; CustomerRef: { name: string } };
      out(`   ✔ ${deal.label}: invoice #${String(inv.DocNumber)} for "${inv.CustomerRef.name}", total ${money(inv.TotalAmt)} (tax ${money(inv.TxnTaxDetail?.TotalTax ?? 0)}), due ${String(inv.DueDate)} — ${ms} ms`);
      out(`     Salesforce: Billing_Sync_Status__c=Synced, Invoice_Number__c=${String(opp.Invoice_Number__c)}, Invoice_Total__c=${money(opp.Invoice_Total__c)}, QuickBooks_Invoice__c mirror upserted`);
    } else {
      errors += 1;
      out(`   ✘ ${deal.label}: Billing_Sync_Status__c=Error — ${ms} ms`);
      for (const line of String(opp.Billing_Sync_Error__c).split('\n')) out(`     ${line}`);
    }
  }
  const account = sf.control.record('Account', acme) as Rec;
  out(`   Account "Acme Corporation": QuickBooks_Customer_Id__c=${String(account.QuickBooks_Customer_Id__c)} (written back; the second Acme deal reused the same customer)`);

  const paid = deals[0]!.id;
  out(`\n4. Payments in QuickBooks flow back (signed webhooks → inbox → workers → Salesforce):`);
  await demoPaymentStatus(stack, paid, { log: (line) => out(`   ${line}`) });

  const counts = stack.qbo.control.counters();
  out(`\n5. Calls: QuickBooks ${counts.total} (${invoices} invoices), Salesforce REST ${stack.sf.control.counters().apiUsage.used}.`);
  if (!options.exit) {
    out(`\nStill serving. Look around:`);
    out(`   Opportunity panel (preview of the real LWC): ${stack.url}/preview/?opportunity=${paid}&api=${stack.url}`);
    const open = sf.control.record('Opportunity', deals[1]!.id) as Rec;
    if (open.QuickBooks_Invoice_Id__c) {
      out(`   Live update: open ${stack.url}/preview/?opportunity=${deals[1]!.id}&api=${stack.url} and pay part of its invoice in QuickBooks;`);
      out(`     the panel changes by itself within seconds (webhook → middleware → platform event → page):`);
      out(`     curl -X POST -H 'content-type: application/json' -d '{"invoices":[{"id":"${String(open.QuickBooks_Invoice_Id__c)}","amount":100}]}' ${stack.qbo.url}/__control/realms/${stack.realmId}/payments`);
    }
    out(`   Invoice preview API: curl -H "Authorization: Bearer ${stack.apiKey}" ${stack.url}/api/v1/opportunities/${deals[2]!.id}/preview`);
    out(`   Operations page (admin key as the password): ${stack.url}/ops`);
    out(`   QuickBooks emulator data: ${stack.qbo.url}/__control/realms/${stack.realmId}/entities/Invoice`);
    out(`   Salesforce emulator data: ${stack.sf.url}/__control/records/Opportunity`);
    out(`   Press Ctrl+C to stop.`);
  }
  return { stack, invoices, errors };
}

if (require.main === module) {
  const exit = process.env.DEMO_EXIT === '1';
  runDemo({ exit })
    .then(async ({ stack }) => {
      const stop = async () => {
        await stack.close();
        process.exit(0);
      };
      if (exit) await stop();
      process.on('SIGINT', () => void stop());
      process.on('SIGTERM', () => void stop());
    })
    .catch((error: unknown) => {
      console.error(`demo failed: ${(error as Error).stack ?? String(error)}`);
      process.exit(1);
    });
}
