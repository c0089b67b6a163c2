// Browser test of the local preview: builds the real components, serves them on 127.0.0.1:0, drives Debian's
// chromium through playwright-core and checks what a person sees; screenshots go to artifacts/preview/.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { buildPreview, REPO_ROOT } from '../build.mjs';
import { startPreviewServer } from '../server.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'artifacts/preview');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
];

let workDir;
let server;
let context;
const pageErrors = [];

before(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'ledgerline-preview-'));
  await buildPreview({ outDir: path.join(workDir, 'dist') });
  server = await startPreviewServer({ root: path.join(workDir, 'dist') });
  // A persistent context is how playwright takes a fresh --user-data-dir.
  context = await chromium.launchPersistentContext(path.join(workDir, 'profile'), {
    executablePath: CHROMIUM,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 }
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function open(query) {
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(`${query}: ${error.message}`));
  await page.goto(`${server.url}?${query}`);
  return page;
}

const textOf = (locator) => locator.innerText();

test('a partly paid invoice shows its status, amounts, paid share, payments and QuickBooks link', async () => {
  const page = await open('opportunity=partly-paid');
  const card = page.locator('c-invoice-card');
  await card.getByText('Invoice 1077').waitFor();

  assert.equal(await card.count(), 1);
  assert.equal((await textOf(card.locator('.invoice-status'))).replace('Status:', '').trim(), 'Partially Paid');
  const text = await textOf(card);
  for (const shown of ['$2,150.00', '$1,500.00', '$650.00', '70% paid', 'Apr 2, 2025', 'Mar 20, 2025', '$1,000.00', 'Check', 'Credit Card']) {
    assert.ok(text.includes(shown), `invoice card shows ${shown}: ${text}`);
  }
  assert.equal(await card.getByRole('progressbar').getAttribute('aria-valuenow'), '70');
  assert.equal(await card.getByRole('link').getAttribute('href'), 'https://app.qbo.intuit.com/app/invoice?txnId=145');
  assert.ok((await textOf(page.locator('c-billing-sync-status'))).includes('Synced with QuickBooks'));
  assert.equal(await page.getByRole('button', { name: 'Retry sync' }).count(), 0);
  await page.screenshot({ path: path.join(SHOTS, 'partly-paid.png'), fullPage: true });
  await page.close();
});

test('View PDF opens the invoice PDF, with its number and total, in a new tab', async () => {
  const page = await open('opportunity=partly-paid');
  const card = page.locator('c-invoice-card');
  await card.getByText('Invoice 1077').waitFor();
  const [tab] = await Promise.all([context.waitForEvent('page', { timeout: 20_000 }), card.getByRole('button', { name: 'View PDF' }).click()]);
  assert.match(tab.url(), /^blob:/);
  const text = await page.evaluate(async (url) => (await fetch(url)).text(), tab.url());
  assert.ok(text.startsWith('%PDF-'), text.slice(0, 20));
  assert.ok(text.includes('(Invoice 1077) Tj') && text.includes('(Total 2150.00 USD) Tj'), text);
  await tab.close();
  await page.close();
});

test('Send e-mails the invoice from its card: dialog with the billing e-mail, success toast, card shows Sent', async () => {
  const page = await open('opportunity=partly-paid');
  const card = page.locator('c-invoice-card');
  await card.getByText('Invoice 1077').waitFor();
  assert.ok((await textOf(card.locator('.email-status'))).includes('Not sent'));
  await card.getByRole('button', { name: 'Send', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'E-mail invoice 1077' });
  await dialog.waitFor();
  const address = dialog.getByLabel('Send to');
  assert.equal(await address.inputValue(), 'ap@example.com');
  await address.fill('billing@acme.example');
  await dialog.getByRole('button', { name: 'Send invoice' }).click();
  await page.locator('#toasts [data-variant="success"]').getByText('Invoice 1077 was e-mailed to billing@acme.example.').waitFor({ timeout: 20_000 });
  await dialog.waitFor({ state: 'detached', timeout: 20_000 });
  assert.ok((await textOf(card.locator('.email-status'))).includes('Sent'));
  await page.close();
});

test('an overdue invoice shows the Overdue badge, days overdue and the unpaid balance beside a paid one', async () => {
  const page = await open('opportunity=overdue');
  await page.getByText('Invoice 1081').waitFor();
  const cards = page.locator('c-invoice-card');

  assert.equal(await cards.count(), 2);
  const overdue = await textOf(cards.nth(0));
  assert.match(overdue, /Overdue/);
  assert.ok(overdue.includes('37 days overdue'), overdue);
  assert.ok(overdue.includes('$4,800.00'), overdue);
  assert.ok(overdue.includes('0% paid'), overdue);
  const paid = await textOf(cards.nth(1));
  assert.match(paid, /Invoice 1064[\s\S]*Paid/);
  assert.ok(paid.includes('$1,200.00') && paid.includes('ACH'), paid);
  const badgeColour = await cards.nth(0).locator('.invoice-status').evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(badgeColour, 'rgba(0, 0, 0, 0)', 'SLDS styles the badge');
  await page.screenshot({ path: path.join(SHOTS, 'overdue.png'), fullPage: true });
  await page.close();
});

test('Finance retries a failed sync: the reason and fix are shown, Retry queues it and the panel refreshes', async () => {
  const page = await open('opportunity=sync-error');
  const status = page.locator('c-billing-sync-status');
  await status.getByText('QuickBooks sync failed').waitFor();
  const before = await textOf(status);
  assert.ok(before.includes('No QuickBooks item has SKU PRN-200'), before);
  assert.ok(before.includes('Fix: Create an item with SKU PRN-200 in QuickBooks'), before);
  await page.screenshot({ path: path.join(SHOTS, 'sync-error.png'), fullPage: true });

  await page.getByRole('button', { name: 'Retry sync' }).click();
  await status.getByText('Queued: the invoice is being created in QuickBooks.').waitFor();

  assert.equal(await page.getByRole('button', { name: 'Retry sync' }).count(), 0);
  assert.ok((await textOf(page.locator('#toasts'))).includes('Retry queued'));
  await page.screenshot({ path: path.join(SHOTS, 'retry-queued.png'), fullPage: true });
  await page.close();
});

test('a sales rep sees the failure but no Retry button', async () => {
  const page = await open('opportunity=sync-error-sales');
  await page.getByText('QuickBooks sync failed').waitFor();

  assert.equal(await page.getByRole('button', { name: 'Retry sync' }).count(), 0);
  await page.getByText('ask Finance to retry').waitFor();
  await page.close();
});

test('an open deal shows the readiness checklist with every blocking problem and its fix', async () => {
  const page = await open('opportunity=open-blocked');
  await page.getByText('3 problem(s) must be fixed').waitFor();
  const checklist = await textOf(page.locator('c-readiness-checklist'));

  assert.ok(checklist.includes('Account Umbrella Corporation has no billing e-mail.'), checklist);
  assert.ok(checklist.includes('Create an item with SKU CEN-20 in QuickBooks'), checklist);
  await page.screenshot({ path: path.join(SHOTS, 'readiness-blocked.png'), fullPage: true });

  const ready = await open('opportunity=open-ready');
  await ready.locator('c-invoice-readiness').getByText('Ready to invoice').waitFor();
  const preview = await textOf(ready.locator('c-invoice-preview'));
  for (const shown of ['Umbrella Corporation', 'Matched by name', 'Net 30', 'Centrifuge C-20', '$2,400.00', '$240.00', '$2,160.00', 'Not taxable']) {
    assert.ok(preview.includes(shown), `preview shows ${shown}: ${preview}`);
  }
  await ready.screenshot({ path: path.join(SHOTS, 'invoice-preview.png'), fullPage: true });
  await ready.close();
  await page.close();
});

test('the Account card shows open and overdue receivables, aging, days to pay and invoices by status', async () => {
  const page = await open('account=customer');
  const card = page.locator('c-account-receivables');
  await card.getByText('Invoices by status').waitFor();
  const text = await textOf(card);

  for (const shown of ['$5,450.00', '$4,800.00', 'Partially Paid', '37 days overdue', '31-60 days\t1\t$4,800.00', 'Pays in 23.5 days on average', 'Last payment', 'Feb 20, 2025']) {
    assert.ok(text.includes(shown), `receivables show ${shown}: ${text}`);
  }
  await page.screenshot({ path: path.join(SHOTS, 'account-receivables.png'), fullPage: true });
  await page.close();
});

test('with ?api= the panel reads the summary from /preview-data/opportunity/:id and shows its errors', async () => {
  const summary = JSON.parse(
    readFileSync(path.join(REPO_ROOT, 'force-app/main/default/lwc/opportunityBilling/__tests__/data/billingSummaryOverdue.json'), 'utf8')
  );
  summary.invoices = [{ ...summary.invoices[0], Doc_Number__c: 'API-7', Balance__c: 1234.5, Total__c: 4800 }];
  summary.opportunity = {
    ...summary.opportunity,
    Amount: 4800,
    Billing_Sync_Status__c: 'Error',
    Billing_Sync_Error__c: 'Opportunity 006API0000000001 cannot be invoiced:\nAccount Globex has no billing e-mail. Fix: Add one.'
  };
  const requests = [];
  const api = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const headers = { 'content-type': 'application/json', 'access-control-allow-origin': '*' };
    if (req.url === '/preview-data/records') {
      res.writeHead(200, headers);
      res.end(JSON.stringify({ opportunities: [{ Id: '006API0000000001', Name: 'Demo deal' }], accounts: [{ Id: '001API0000000001', Name: 'Demo customer' }] }));
    } else if (req.method === 'POST' && req.url === '/preview-data/opportunity/006API0000000001/retry') {
      summary.opportunity = { ...summary.opportunity, Billing_Sync_Status__c: 'Queued', Billing_Sync_Error__c: null };
      res.writeHead(202, headers);
      res.end(JSON.stringify({ accepted: [{ opportunityId: '006API0000000001', jobId: 'job-1' }], rejected: [] }));
    } else if (req.method === 'POST' && req.url.startsWith(`/preview-data/invoice/${summary.invoices[0].Id}/send`)) {
      res.writeHead(200, headers);
      res.end(JSON.stringify({ invoiceId: '145', docNumber: 'API-7', sentTo: new URL(req.url, 'http://x').searchParams.get('sendTo'), emailStatus: 'EmailSent', deliveryTime: '2026-12-03T04:05:06-08:00' }));
    } else if (req.url === '/preview-data/opportunity/006API0000000001') {
      res.writeHead(200, headers);
      res.end(JSON.stringify(summary));
    } else {
      res.writeHead(404, headers);
      res.end(JSON.stringify({ error: { message: 'Opportunity 006MISSING was not found in Salesforce.' } }));
    }
  });
  await new Promise((resolve) => api.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${api.address().port}`;
  try {
    const page = await open(`opportunity=006API0000000001&api=${encodeURIComponent(base)}`);
    await page.getByText('Invoice API-7').waitFor();
    assert.ok((await textOf(page.locator('c-invoice-card'))).includes('$1,234.50'));
    assert.equal(await page.locator('#data-source').innerText(), `API ${base}`);
    // The list names the demo org's records, not the fixtures.
    const links = page.getByRole('navigation', { name: 'Records' }).getByRole('link');
    await links.first().waitFor();
    assert.deepEqual(await links.allInnerTexts(), ['Opportunity: Demo deal', 'Account: Demo customer']);
    assert.equal(await links.first().getAttribute('href'), `?opportunity=006API0000000001&api=${encodeURIComponent(base)}`);
    // The highlights panel shows the record's name, stage and amount.
    await page.locator('#record-amount').getByText('$4,800.00').waitFor();
    assert.equal(await page.locator('#record-stage').innerText(), 'Closed Won');
    // The introducing line of the error is a sentence; only the problems are bullets.
    const status = page.locator('c-billing-sync-status');
    assert.equal(await status.locator('.sync-problem').count(), 1);
    assert.ok((await status.locator('.sync-error-heading').innerText()).includes('cannot be invoiced:'));
    // Retry calls the middleware's retry and the panel then shows what the server says.
    await page.getByRole('button', { name: 'Retry sync' }).click();
    await status.getByText('Queued: the invoice is being created in QuickBooks.').waitFor();
    assert.ok(requests.includes('POST /preview-data/opportunity/006API0000000001/retry'), requests.join(', '));

    // Send goes to the middleware's send route with the typed address, and the card shows the answer.
    const card = page.locator('c-invoice-card');
    await card.getByRole('button', { name: 'Send', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'E-mail invoice API-7' });
    await dialog.getByLabel('Send to').fill('ap+api@globex.example');
    await dialog.getByRole('button', { name: 'Send invoice' }).click();
    await page.locator('#toasts [data-variant="success"]').getByText('Invoice API-7 was e-mailed to ap+api@globex.example.').waitFor({ timeout: 20_000 });
    assert.ok(requests.includes(`POST /preview-data/invoice/${summary.invoices[0].Id}/send?sendTo=${encodeURIComponent('ap+api@globex.example')}`), requests.join(', '));
    assert.ok((await textOf(card.locator('.email-status'))).includes('Sent'));

    const missing = await open(`opportunity=006MISSING&api=${encodeURIComponent(base)}`);
    await missing.getByText('The billing details could not be loaded.').waitFor();
    assert.ok((await textOf(missing.locator('c-error-panel'))).includes('Opportunity 006MISSING was not found'));
    assert.deepEqual(
      [...new Set(requests.filter((r) => r.startsWith('GET /preview-data/opportunity/')))],
      ['GET /preview-data/opportunity/006API0000000001', 'GET /preview-data/opportunity/006MISSING']
    );
    await missing.close();
    await page.close();
  } finally {
    await new Promise((resolve) => api.close(resolve));
  }
});

for (const [column, width] of [
  ['main', 'main column'],
  ['side', 'right column of 400 px']
]) {
  test(`in the record-page frame (${width}) the page neither overflows nor loses its background`, async () => {
    const page = await open(`opportunity=partly-paid&column=${column}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.locator('c-invoice-card').getByText('Invoice 1077').waitFor();
    await page.locator('#record-amount').getByText('$2,150.00').waitFor();
    assert.equal(await page.locator('#record-name').innerText(), 'Acme Anvils - 20 anvils and installation');
    assert.equal(await page.locator('#record-stage').innerText(), 'Closed Won');

    const box = await page.locator('c-opportunity-billing').boundingBox();
    if (column === 'side') assert.equal(Math.round(box.width), 400);
    else assert.ok(box.width > 400, `main column is wider than the right one: ${box.width}`);
    const layout = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      htmlBackground: getComputedStyle(document.documentElement).backgroundColor,
      bodyHeight: document.body.getBoundingClientRect().height,
      viewportHeight: window.innerHeight
    }));
    assert.ok(layout.scrollWidth <= layout.clientWidth, `no horizontal overflow: ${JSON.stringify(layout)}`);
    assert.equal(layout.htmlBackground, 'rgb(243, 243, 243)');
    assert.ok(layout.bodyHeight >= layout.viewportHeight, `background reaches the bottom: ${JSON.stringify(layout)}`);
    await page.screenshot({ path: path.join(SHOTS, `record-page-${column}.png`), fullPage: true });
    await page.close();
  });
}

test('no page raised a script error', () => {
  assert.deepEqual(pageErrors, []);
});
