import { closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';
import { startStack, waitFor, type Stack } from './support/stack';
import { seedSalesDocuments, type SalesDocument } from './support/sales-documents';

/**
 * Receivables analytics end to end: a deal is invoiced through node-quickbooks and paid in the QBO
 * emulator (webhook → worker → jsforce), and older documents of the same customer sit in the mirror as the
 * history import writes them (invoices, a credit memo, receipts, a voided invoice). The Account's figures
 * and each row's aging bucket (a formula the Salesforce emulator evaluates) equal the figures worked out by hand.
 */
const VERIFIER = 'receivables-e2e-verifier-token';
const DAY_MS = 24 * 3600 * 1000;
/** The emulator's TODAY() is the UTC date. */
const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10);

type Rec = Record<string, unknown>;

describe('Account receivables figures and aging (QBO and Salesforce emulators, real clients)', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ env: { QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER }, webhooks: true });
    await stack.connectQbo();
  });
  afterAll(async () => {
    await stack?.close();
  });

  const account = (id: string) => stack.sf.control.record('Account', id) as Rec;

  it('writes total invoiced, paid and credited, open and overdue balance, last payment date and days to pay', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Receivables Figures Inc' });
    const dealId = seedOpportunity(stack.sf, seedCatalog(stack.sf), accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
    closeWon(stack.sf, dealId);
    const invoiceId = await waitFor(() => ((stack.sf.control.record('Opportunity', dealId) as Rec).QuickBooks_Invoice_Id__c as string | null) ?? undefined, 20_000, 'the deal invoice');
    stack.qbo.control.applyPayment(stack.realmId, { invoices: [{ id: invoiceId, amount: 1200.5 }], txnDate: '2026-11-24' });
    await stack.qbo.control.webhooks.flush();
    await waitFor(() => account(accountId).Open_Balance__c === 3799.5 || undefined, 15_000, 'the roll-up after the payment');

    const r = stack.realmId;
    seedSalesDocuments(stack.sf, accountId, [
      { key: `${r}:9001`, type: 'Invoice', total: 2000, balance: 0, txnDate: '2026-08-01', dueDate: '2026-08-31', lastPaymentDate: '2026-08-21' },
      { key: `${r}:9002`, type: 'Invoice', total: 1000, balance: 400, txnDate: '2026-09-01', dueDate: '2026-10-01', lastPaymentDate: '2026-10-15' },
      { key: `${r}:9007`, type: 'Invoice', total: 500, balance: 0, txnDate: '2026-07-01', dueDate: '2026-07-31', lastPaymentDate: '2026-08-15' },
      { key: `${r}:CreditMemo:9003`, type: 'Credit Memo', total: 300, balance: 100, txnDate: '2026-08-10' },
      { key: `${r}:SalesReceipt:9004`, type: 'Sales Receipt', total: 250, balance: 0, txnDate: '2026-11-28' },
      { key: `${r}:RefundReceipt:9005`, type: 'Refund Receipt', total: 50, balance: 0, txnDate: '2026-11-29' },
      { key: `${r}:9006`, type: 'Invoice', total: 700, balance: 0, txnDate: '2026-06-01', voided: true },
    ]);
    await stack.ledgerline.payments.rollups.request([], [accountId]);

    expect(account(accountId)).toMatchObject({
      Total_Invoiced__c: 8500, // 5000 (the deal) + 2000 + 1000 + 500; the voided 700 is not counted
      Total_Credited__c: 300,
      Total_Paid__c: 4300.5, // 1200.5 + 2000 + 600 + 500 − 200 applied credit + 250 sales receipt − 50 refund
      Open_Balance__c: 4099.5, // 3799.5 + 400 − 100 unapplied credit
      Overdue_Balance__c: 400, // 9002, due 2026-10-01; the deal's invoice is not due yet
      Last_Payment_Date__c: '2026-11-28', // the sales receipt
      Average_Days_To_Pay__c: 32.5, // 9001 in 20 days, 9007 in 45 days
    });
    // The deal counts its own invoice only.
    expect(stack.sf.control.record('Opportunity', dealId)).toMatchObject({ Invoice_Total__c: 5000, Invoice_Balance__c: 3799.5 });
  });

  it('puts each open invoice in its aging bucket from its due date and TODAY()', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Aging Buckets Ltd' });
    const r = stack.realmId;
    const open = (id: string, overdueDays: number) => ({ key: `${r}:${id}`, type: 'Invoice' as SalesDocument['type'], total: 100, balance: 60, txnDate: daysAgo(overdueDays + 30), dueDate: daysAgo(overdueDays) });
    seedSalesDocuments(stack.sf, accountId, [
      { ...open('8001', -5), type: null }, // due in five days; blank type = an invoice
      open('8002', 0),
      open('8003', 1),
      open('8004', 30),
      open('8005', 31),
      open('8006', 60),
      open('8007', 61),
      open('8008', 90),
      open('8009', 91),
      { ...open('8010', 400), balance: 0 },
      { ...open('8011', 400), voided: true },
      { ...open('8012', 400), key: `${r}:CreditMemo:8012`, type: 'Credit Memo' },
    ]);
    const rows = stack.sf.control.query(`SELECT QuickBooks_Key__c, Aging_Bucket__c FROM QuickBooks_Invoice__c WHERE Account__c = '${accountId}' ORDER BY QuickBooks_Key__c`);
    expect(Object.fromEntries(rows.map((row) => [String(row.QuickBooks_Key__c).split(':').at(-1), row.Aging_Bucket__c ?? '']))).toEqual({
      8001: 'Current', 8002: 'Current', 8003: '1-30', 8004: '1-30', 8005: '31-60', 8006: '31-60', 8007: '61-90', 8008: '61-90', 8009: '90+',
      8010: '', 8011: '', 8012: '',
    });
  });
});
