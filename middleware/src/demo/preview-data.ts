import { Router, type RequestHandler } from 'express';
import type { EmulatorControl } from '@ledgerline/emulators/salesforce';
import { invoiceStatus } from '../sync/payment-status';

type Rec = Record<string, unknown>;

const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

const STATUS_ORDER = ['Overdue', 'Partially Paid', 'Open', 'Paid', 'Voided'];
const MAX_OVERDUE_LISTED = 5;
const AGING_BUCKETS = ['Current', '1-30', '31-60', '61-90', '90+'];

/** Same rule as the `QuickBooks_Invoice__c.Aging_Bucket__c` formula (open invoices only). */
function agingBucket(status: string, balance: number, daysOverdue: number): string | null {
  if (status === 'Voided' || balance <= 0) return null;
  if (daysOverdue <= 0) return 'Current';
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 60) return '31-60';
  return daysOverdue <= 90 ? '61-90' : '90+';
}
const LISTED_RECORDS = 50;
const EVENTS_HEARTBEAT_MS = 15_000;
/** Event streams held open at once (each is a socket and an emulator subscription). */
export const MAX_EVENT_STREAMS = 20;

/** What the preview's Retry does in a real org: Apex calls the middleware's sync route with reason "retry". */
export type PreviewRetry = (opportunityId: string) => Promise<{ status: number; body: unknown }>;
/** What getInvoicePdf does in a real org: the middleware's PDF route for one of the deal's invoices. */
export type PreviewInvoicePdf = (opportunityId: string, invoiceId: string) => Promise<{ status: number; pdf?: Buffer; body?: unknown }>;
/** What sendInvoice does in a real org: the middleware's send route for one of the deal's invoices. */
export type PreviewInvoiceSend = (opportunityId: string, invoiceId: string, sendTo: string | undefined) => Promise<{ status: number; body: unknown }>;

/**
 * Mounts the built preview under `/preview` (and only there: `/preview-data/…` is the data router's), with
 * the prefix stripped as Express does for `app.use('/preview', …)`.
 */
export function mountPreview(handler: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (req.path !== '/preview' && !req.path.startsWith('/preview/')) return next();
    return handler(Object.assign(req, { url: req.url.replace(/^\/preview/, '') || '/' }), res, next);
  };
}

/**
 * For the local preview only: what `OpportunityBillingController.getBillingSummary` and
 * `AccountReceivablesController.getReceivables` would return in a real org, read from the Salesforce
 * emulator's records (formula fields computed here when the emulator leaves them empty), the demo org's
 * records for the page's list, and Retry through the middleware. The real org never calls this.
 */
export function previewDataRouter(sf: EmulatorControl, today = () => new Date().toISOString().slice(0, 10), retry?: PreviewRetry, invoicePdf?: PreviewInvoicePdf, invoiceSend?: PreviewInvoiceSend): Router {
  const router = Router();
  const withFormulas = (inv: Rec): Rec => {
    const total = num(inv.Total__c);
    const balance = num(inv.Balance__c);
    const due = (inv.Due_Date__c as string | null) ?? null;
    const status = invoiceStatus({ total, balance, dueDate: due, voided: Boolean(inv.Voided__c) }, today());
    const overdueDays = status === 'Overdue' && due ? Math.floor((Date.parse(today()) - Date.parse(due)) / 86_400_000) : 0;
    const [realm, invoiceId] = String(inv.QuickBooks_Key__c).split(':');
    return {
      ...inv,
      Amount_Paid__c: Math.round((total - balance) * 100) / 100,
      Status__c: status,
      Days_Overdue__c: overdueDays,
      Aging_Bucket__c: agingBucket(status, balance, overdueDays),
      QuickBooks_Url__c: `https://app.sandbox.qbo.intuit.com/app/invoice?txnId=${invoiceId}&realm=${realm}`,
    };
  };
  const invoiceFields = 'Id, Name, Doc_Number__c, Txn_Date__c, Due_Date__c, Total__c, Balance__c, Currency__c, Voided__c, Last_Payment_Date__c, QuickBooks_Key__c, Opportunity__c, Email_Status__c, Sent_At__c';

  // The streaming API's stand-in for the preview's lightning/empApi: the platform events the Salesforce emulator
  // receives (the middleware's Ledgerline_Billing_Update__e), forwarded as server-sent events, one message each,
  // shaped as empApi hands them to its callback.
  // The demo listens on loopback only; a page whose own host name an attacker rebinds to 127.0.0.1 would be
  // same-origin with it, so the data routes answer only requests addressed to a loopback name.
  router.use('/preview-data', (req, res, next) => {
    const host = (req.get('host') ?? '').toLowerCase();
    if (/^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?$/.test(host)) {
      next();
      return;
    }
    res.status(403).json({ message: 'The demo answers requests to 127.0.0.1 or localhost only.' });
  });
  // Retry and Send change the demo's data: only the preview's own page (same origin) or a tool may post them.
  // A page on another site, open in the same browser, could otherwise post a form here (the send takes its
  // address in the query), as it could to the middleware's admin routes without their cross-site check.
  router.post('/preview-data/*splat', (req, res, next) => {
    const site = req.get('sec-fetch-site');
    const origin = req.get('origin');
    let host: string | undefined;
    try {
      host = origin === undefined ? undefined : new URL(origin).host;
    } catch {
      host = undefined;
    }
    const sameSite = site !== undefined ? site === 'same-origin' || site === 'none' : origin === undefined || host === req.get('host');
    if (sameSite) {
      next();
      return;
    }
    res.status(403).json({ message: 'Refused a change posted from another site; use the preview page this demo serves.' });
  });
  let streams = 0;
  router.get('/preview-data/events', (req, res) => {
    if (streams >= MAX_EVENT_STREAMS) {
      res.status(503).json({ message: `The demo holds at most ${MAX_EVENT_STREAMS} event streams open at once; close a preview tab and try again.` });
      return;
    }
    streams += 1;
    const channel = typeof req.query.channel === 'string' && req.query.channel.startsWith('/event/') ? req.query.channel : undefined;
    // No CORS header: the demo serves the preview itself, and another site open in the same browser must not read the org's billing events.
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const stop = sf.subscribeEvents((message) => res.write(`data: ${JSON.stringify(message)}\n\n`), channel);
    // A comment now and then keeps proxies and the browser from closing an idle stream.
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), EVENTS_HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      streams -= 1;
      clearInterval(heartbeat);
      stop();
    });
  });

  router.get('/preview-data/records', (_req, res) => {
    res.json({
      opportunities: sf.query(`SELECT Id, Name FROM Opportunity ORDER BY Name LIMIT ${LISTED_RECORDS}`).map((r: Rec) => ({ Id: r.Id, Name: r.Name })),
      accounts: sf.query(`SELECT Id, Name FROM Account ORDER BY Name LIMIT ${LISTED_RECORDS}`).map((r: Rec) => ({ Id: r.Id, Name: r.Name })),
    });
  });

  router.get('/preview-data/opportunity/:id', (req, res) => {
    const opp = sf.record('Opportunity', req.params.id);
    if (!opp) {
      res.status(404).json({ message: `No Opportunity ${req.params.id} in the demo org.` });
      return;
    }
    const id = String(opp.Id);
    const invoices = sf.query(`SELECT ${invoiceFields} FROM QuickBooks_Invoice__c WHERE Opportunity__c = '${id}' ORDER BY Txn_Date__c DESC`).map(withFormulas);
    const invoiceIds = invoices.map((inv) => `'${String(inv.Id)}'`);
    const payments = invoiceIds.length
      ? sf.query(`SELECT Id, Name, Invoice__c, Amount__c, Payment_Date__c, Method__c FROM QuickBooks_Payment__c WHERE Invoice__c IN (${invoiceIds.join(',')}) ORDER BY Payment_Date__c DESC`)
      : [];
    const account = opp.AccountId ? sf.record('Account', String(opp.AccountId)) : undefined;
    res.json({ opportunity: opp, invoices, payments, canRetry: true, canSend: true, billingEmail: (account?.Billing_Email__c as string | undefined) ?? null });
  });

  router.post('/preview-data/opportunity/:id/retry', async (req, res, next) => {
    try {
      if (!sf.record('Opportunity', req.params.id)) {
        res.status(404).json({ message: `No Opportunity ${req.params.id} in the demo org.` });
        return;
      }
      if (!retry) {
        res.status(503).json({ message: 'Retry is not wired in this preview: run it through npm run demo.' });
        return;
      }
      const answer = await retry(req.params.id);
      res.status(answer.status).json(answer.body);
    } catch (error) {
      next(error);
    }
  });

  /** A mirrored invoice of the demo org with its deal and QuickBooks id, or null. */
  const demoInvoice = (id: string): { opportunityId: string; qboId: string } | null => {
    const invoice = sf.record('QuickBooks_Invoice__c', id);
    const qboId = String(invoice?.QuickBooks_Key__c ?? '').split(':')[1];
    return invoice && invoice.Opportunity__c && qboId ? { opportunityId: String(invoice.Opportunity__c), qboId } : null;
  };

  router.get('/preview-data/invoice/:id/pdf', async (req, res, next) => {
    try {
      const invoice = demoInvoice(req.params.id);
      if (!invoice) {
        res.status(404).json({ message: `No QuickBooks invoice ${req.params.id} with a QuickBooks id in the demo org.` });
        return;
      }
      if (!invoicePdf) {
        res.status(503).json({ message: 'The invoice PDF is not wired in this preview: run it through npm run demo.' });
        return;
      }
      const answer = await invoicePdf(invoice.opportunityId, invoice.qboId);
      if (answer.pdf) res.json({ pdf: answer.pdf.toString('base64') });
      else res.status(answer.status).json(answer.body);
    } catch (error) {
      next(error);
    }
  });

  router.post('/preview-data/invoice/:id/send', async (req, res, next) => {
    try {
      const invoice = demoInvoice(req.params.id);
      if (!invoice) {
        res.status(404).json({ message: `No QuickBooks invoice ${req.params.id} with a QuickBooks id in the demo org.` });
        return;
      }
      if (!invoiceSend) {
        res.status(503).json({ message: 'Send is not wired in this preview: run it through npm run demo.' });
        return;
      }
      // In the query (not a JSON body), so the page's POST needs no CORS preflight.
      const sendTo = typeof req.query.sendTo === 'string' && req.query.sendTo.trim() ? req.query.sendTo.trim() : undefined;
      const answer = await invoiceSend(invoice.opportunityId, invoice.qboId, sendTo);
      res.status(answer.status).json(answer.body);
    } catch (error) {
      next(error);
    }
  });

  router.get('/preview-data/account/:id', (req, res) => {
    const account = sf.record('Account', req.params.id);
    if (!account) {
      res.status(404).json({ message: `No Account ${req.params.id} in the demo org.` });
      return;
    }
    // Credit memos and receipts are not invoices: the card lists invoices only, as the controller does.
    const invoices = sf
      .query(`SELECT ${invoiceFields}, Type__c FROM QuickBooks_Invoice__c WHERE Account__c = '${String(account.Id)}' ORDER BY Due_Date__c ASC`)
      .filter((inv: Rec) => !inv.Type__c || inv.Type__c === 'Invoice')
      .map(withFormulas);
    res.json(receivablesOf(account, invoices));
  });
  return router;
}

/** The receivables card's content, summed as AccountReceivablesController does. */
function receivablesOf(account: Rec, invoices: Rec[]): Rec {
  const byStatus = new Map<string, { status: string; count: number; total: number; balance: number }>();
  let open = 0;
  let overdue = 0;
  const currencies = new Set<string>();
  const mostOverdue: Rec[] = [];
  for (const inv of invoices) {
    const status = String(inv.Status__c || 'Open');
    const entry = byStatus.get(status) ?? { status, count: 0, total: 0, balance: 0 };
    entry.count += 1;
    entry.total += num(inv.Total__c);
    entry.balance += num(inv.Balance__c);
    byStatus.set(status, entry);
    if (status !== 'Voided' && num(inv.Balance__c) > 0) open += num(inv.Balance__c);
    if (status === 'Overdue') {
      overdue += num(inv.Balance__c);
      if (mostOverdue.length < MAX_OVERDUE_LISTED) mostOverdue.push(inv);
    }
    if (inv.Currency__c) currencies.add(String(inv.Currency__c));
  }
  const fromQuickBooks = typeof account.Open_Balance__c === 'number';
  const aging = AGING_BUCKETS.map((bucket) => {
    const rows = invoices.filter((inv) => inv.Aging_Bucket__c === bucket);
    return { bucket, count: rows.length, balance: rows.reduce((sum, inv) => sum + num(inv.Balance__c), 0) };
  });
  const paid = invoices.filter((inv) => inv.Status__c === 'Paid' && num(inv.Total__c) > 0 && inv.Txn_Date__c && inv.Last_Payment_Date__c);
  const days = paid.map((inv) => Math.round((Date.parse(String(inv.Last_Payment_Date__c)) - Date.parse(String(inv.Txn_Date__c))) / 86_400_000));
  const lastPaid = invoices.filter((inv) => inv.Status__c !== 'Voided' && inv.Last_Payment_Date__c).map((inv) => String(inv.Last_Payment_Date__c)).sort().at(-1) ?? null;
  return {
    openBalance: fromQuickBooks ? account.Open_Balance__c : open,
    overdueBalance: typeof account.Overdue_Balance__c === 'number' ? account.Overdue_Balance__c : overdue,
    fromQuickBooks,
    currencyCode: currencies.size === 1 ? [...currencies][0] : null,
    invoiceCount: invoices.length,
    truncated: false,
    byStatus: [...byStatus.values()].sort((a, b) => rank(a.status) - rank(b.status)),
    mostOverdue,
    aging,
    averageDaysToPay: typeof account.Average_Days_To_Pay__c === 'number' ? account.Average_Days_To_Pay__c : days.length > 0 ? Math.round((days.reduce((a, b) => a + b, 0) / days.length) * 10) / 10 : null,
    lastPaymentDate: (account.Last_Payment_Date__c as string | null | undefined) ?? lastPaid,
  };
}

function rank(status: string): number {
  const at = STATUS_ORDER.indexOf(status);
  return at < 0 ? STATUS_ORDER.length : at;
}
