import { demoPaymentStatus } from '../src/demo/payment-demo';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

/**
 * Payment status, end to end: a person records payments, voids, credits and deletions in the QBO
 * emulator; its signed webhooks reach the middleware; workers re-read QBO through node-quickbooks and
 * write Salesforce through jsforce. CDC is off (the stack's default), so only the webhook path can make these pass.
 */
const VERIFIER = 'payments-e2e-verifier-token';

interface SfOpp {
  QuickBooks_Invoice_Id__c: string | null;
  Invoice_Total__c: number | null;
  Invoice_Balance__c: number | null;
  Invoice_Due_Date__c: string | null;
  Last_Payment_Date__c: string | null;
  Payment_Status__c: string | null;
  Billing_Sync_Status__c: string | null;
}
interface SfRow {
  QuickBooks_Key__c: string;
  Balance__c: number;
  Total__c: number;
  Voided__c: boolean;
  Last_Payment_Date__c: string | null;
  Status__c: string;
  Account__c: string | null;
  Opportunity__c: string | null;
}
interface SfPayment {
  QuickBooks_Key__c: string;
  Amount__c: number;
  Payment_Date__c: string | null;
  Method__c: string | null;
}

describe('Payment status → Salesforce through webhooks (QBO and Salesforce emulators, real clients)', () => {
  let stack: Stack;
  let catalog: Catalog;
  let realm: string;

  beforeAll(async () => {
    stack = await startStack({ env: { QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER }, webhooks: true });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    realm = stack.realmId;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as unknown as SfOpp;
  const account = (id: string) => stack.sf.control.record('Account', id) as unknown as { Open_Balance__c: number | null; Overdue_Balance__c: number | null };
  const mirror = (invoiceId: string) =>
    stack.sf.control.query(`SELECT QuickBooks_Key__c, Balance__c, Total__c, Voided__c, Last_Payment_Date__c, Status__c, Account__c, Opportunity__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${realm}:${invoiceId}'`)[0] as unknown as SfRow | undefined;
  const payments = (invoiceId: string) =>
    stack.sf.control.query(`SELECT QuickBooks_Key__c, Amount__c, Payment_Date__c, Method__c FROM QuickBooks_Payment__c WHERE Invoice__r.QuickBooks_Key__c = '${realm}:${invoiceId}' ORDER BY QuickBooks_Key__c`) as unknown as SfPayment[];
  const qboInvoice = (id: string) => stack.qbo.control.get(realm, 'Invoice', id) as { Id: string; TotalAmt: number; Balance: number; CustomerRef: { value: string }; DueDate: string };

  /** A won deal whose invoice exists in QBO and Salesforce (the Closed Won flow, already proven elsewhere). */
  async function invoicedDeal(accountId: string, overrides: Record<string, unknown> = {}) {
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }], overrides);
    closeWon(stack.sf, id);
    const synced = await waitFor(() => (opp(id).Billing_Sync_Status__c === 'Synced' ? opp(id) : undefined), 20_000, `invoice for ${id}`);
    const invoice = qboInvoice(synced.QuickBooks_Invoice_Id__c!);
    expect(invoice.TotalAmt).toBe(5000);
    return { opportunityId: id, invoiceId: invoice.Id, customerId: invoice.CustomerRef.value };
  }

  // The deal and its Account are written by one roll-up run, in two Salesforce calls: a test waits for
  // both before it reads either.
  const settle = async <T>(check: () => T | undefined | false, what: string) => {
    await stack.qbo.control.webhooks.flush();
    return waitFor(check, 15_000, what);
  };

  it('shows a partial payment, then the full payment, on the invoice, its payment rows, the deal and the Account', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Partial Payer Inc' });
    const deal = await invoicedDeal(accountId);

    const first = stack.qbo.control.applyPayment(realm, { invoices: [{ id: deal.invoiceId, amount: 1200.5 }], txnDate: '2026-11-24' });
    const partly = await settle(() => (opp(deal.opportunityId).Invoice_Balance__c === 3799.5 && account(accountId).Open_Balance__c === 3799.5 ? opp(deal.opportunityId) : undefined), 'the partial payment');
    expect(partly).toMatchObject({ Invoice_Total__c: 5000, Last_Payment_Date__c: '2026-11-24', Payment_Status__c: 'Partially Paid' });
    expect(mirror(deal.invoiceId)).toMatchObject({ Balance__c: 3799.5, Total__c: 5000, Status__c: 'Partially Paid', Voided__c: false, Last_Payment_Date__c: '2026-11-24' });
    expect(payments(deal.invoiceId)).toEqual([expect.objectContaining({ QuickBooks_Key__c: `${realm}:${first.Id}:${deal.invoiceId}`, Amount__c: 1200.5, Payment_Date__c: '2026-11-24', Method__c: null })]);
    expect(account(accountId)).toMatchObject({ Open_Balance__c: 3799.5, Overdue_Balance__c: 0 });

    const second = stack.qbo.control.applyPayment(realm, { invoices: [{ id: deal.invoiceId }], txnDate: '2026-11-26' });
    const paid = await settle(() => (opp(deal.opportunityId).Invoice_Balance__c === 0 && account(accountId).Open_Balance__c === 0 ? opp(deal.opportunityId) : undefined), 'the full payment');
    expect(paid).toMatchObject({ Invoice_Total__c: 5000, Last_Payment_Date__c: '2026-11-26', Payment_Status__c: 'Paid' });
    expect(payments(deal.invoiceId).map((p) => [p.QuickBooks_Key__c, p.Amount__c])).toEqual(
      [[`${realm}:${first.Id}:${deal.invoiceId}`, 1200.5], [`${realm}:${second.Id}:${deal.invoiceId}`, 3799.5]].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    expect(mirror(deal.invoiceId)).toMatchObject({ Balance__c: 0, Status__c: 'Paid' });
    expect(account(accountId)).toMatchObject({ Open_Balance__c: 0, Overdue_Balance__c: 0 });
    const audit = await stack.ledgerline.store.audit.query({ qboId: deal.invoiceId });
    expect(audit.filter((a) => a.action === 'invoice.balance').map((a) => a.newValue)).toEqual(expect.arrayContaining(['3799.5', '0']));
  });

  it('counts a new invoice in the Account at once, and its Create webhook costs no QuickBooks read', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Fresh Invoice Ltd' });
    const invoiceReads = () => stack.qbo.control.counters().byOperation['Invoice.read'] ?? 0;
    // The previous test's last webhook events may still be in the inbox; their reads are not this invoice's.
    await waitFor(async () => {
      const { rows } = await stack.ledgerline.store.db.query<{ n: number }>('select count(*) as n from webhook_inbox where processed_at is null', []);
      return Number(rows[0]!.n) === 0;
    }, 15_000, 'the earlier webhook events to be processed');
    const readsBefore = invoiceReads();
    const deal = await invoicedDeal(accountId);
    // The invoice job rolls the Account up right after it writes the invoice; it does not wait for a webhook.
    await waitFor(() => account(accountId).Open_Balance__c === 5000, 5_000, 'the Account roll-up');
    expect(mirror(deal.invoiceId)).toMatchObject({ Balance__c: 5000, Total__c: 5000, Opportunity__c: deal.opportunityId });
    await stack.qbo.control.webhooks.flush();
    await waitFor(async () => {
      const { rows } = await stack.ledgerline.store.db.query<{ n: number }>("select count(*) as n from webhook_inbox where entity = 'Invoice' and entity_id = $1 and operation = 'Create' and processed_at is not null", [deal.invoiceId]);
      return Number(rows[0]!.n) === 1;
    }, 15_000, 'the Create event to be processed');
    expect(invoiceReads()).toBe(readsBefore);
    const link = (await stack.ledgerline.store.links.findByQboId('invoice', realm, deal.invoiceId))[0]!;
    expect(link.extra).toMatchObject({ syncToken: '0', balance: 5000, payments: [], opportunityId: deal.opportunityId });
  });

  it('splits one payment across two invoices of the same customer, one row per invoice with its own amount', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Two Invoice Co' });
    const a = await invoicedDeal(accountId);
    const b = await invoicedDeal(accountId, { Name: 'Second deal', CloseDate: '2026-09-01' });
    expect(b.customerId).toBe(a.customerId);
    await settle(() => account(accountId).Open_Balance__c === 10000 || undefined, 'both invoices in receivables');
    // The second deal closed 2026-09-01 with Net 30: due 2026-10-01, so overdue today.
    expect(account(accountId).Overdue_Balance__c).toBe(5000);
    expect(opp(b.opportunityId).Payment_Status__c).toBe('Overdue');

    const payment = stack.qbo.control.applyPayment(realm, { invoices: [{ id: a.invoiceId, amount: 700 }, { id: b.invoiceId, amount: 4300 }], paymentRefNum: 'CHK-1' });
    await settle(() => (opp(a.opportunityId).Invoice_Balance__c === 4300 && opp(b.opportunityId).Invoice_Balance__c === 700 && account(accountId).Open_Balance__c === 5000) || undefined, 'both invoices paid in part');
    expect(payments(a.invoiceId)).toEqual([expect.objectContaining({ QuickBooks_Key__c: `${realm}:${payment.Id}:${a.invoiceId}`, Amount__c: 700 })]);
    expect(payments(b.invoiceId)).toEqual([expect.objectContaining({ QuickBooks_Key__c: `${realm}:${payment.Id}:${b.invoiceId}`, Amount__c: 4300 })]);
    expect(account(accountId)).toMatchObject({ Open_Balance__c: 5000, Overdue_Balance__c: 700 });
  });

  it('marks a voided invoice, and the deal reads "Not Invoiced" with nothing owed', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Void Corp' });
    const deal = await invoicedDeal(accountId);
    await settle(() => account(accountId).Open_Balance__c === 5000 || undefined, 'receivables before the void');
    stack.qbo.control.voidInvoice(realm, deal.invoiceId);
    await settle(() => mirror(deal.invoiceId)?.Voided__c === true || undefined, 'the void');
    expect(mirror(deal.invoiceId)).toMatchObject({ Total__c: 0, Balance__c: 0, Status__c: 'Voided' });
    await settle(() => (opp(deal.opportunityId).Payment_Status__c === 'Not Invoiced' && account(accountId).Open_Balance__c === 0) || undefined, 'the deal and Account roll-ups after the void');
    expect(opp(deal.opportunityId)).toMatchObject({ Invoice_Total__c: null, Invoice_Balance__c: null, QuickBooks_Invoice_Id__c: null });
    expect(account(accountId)).toMatchObject({ Open_Balance__c: 0, Overdue_Balance__c: 0 });
  });

  it('removes the mirror of an invoice deleted in QuickBooks and rolls the deal and Account back', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Delete Ltd' });
    const deal = await invoicedDeal(accountId);
    await settle(() => account(accountId).Open_Balance__c === 5000 || undefined, 'receivables before the delete');
    stack.qbo.control.remove(realm, 'Invoice', deal.invoiceId);
    await settle(() => mirror(deal.invoiceId) === undefined || undefined, 'the deletion');
    await settle(() => (account(accountId).Open_Balance__c === 0 && opp(deal.opportunityId).Payment_Status__c === 'Not Invoiced') || undefined, 'the Account and deal roll-ups after the delete');
    expect(opp(deal.opportunityId).Payment_Status__c).toBe('Not Invoiced');
    const link = (await stack.ledgerline.store.links.findByQboId('invoice', realm, deal.invoiceId))[0];
    expect(link?.extra).toMatchObject({ deleted: true });
  });

  it('applies a credit memo through a zero-amount payment and shows it as a "Credit Memo" row', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Credit Customer' });
    const deal = await invoicedDeal(accountId);
    const items = stack.qbo.control.list(realm, 'Item') as Array<{ Id: string; Sku?: string }>;
    const item = items.find((i) => i.Sku === 'IMPL-PKG')!;
    const memo = stack.qbo.control.createCreditMemo(realm, {
      CustomerRef: { value: deal.customerId },
      Line: [{ DetailType: 'SalesItemLineDetail', Amount: 500, SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 500, TaxCodeRef: { value: 'NON' } } }],
    });
    const applied = stack.qbo.control.applyCreditMemo(realm, memo.Id as string, deal.invoiceId, 500);
    await settle(() => opp(deal.opportunityId).Invoice_Balance__c === 4500 || undefined, 'the credit');
    expect(payments(deal.invoiceId)).toEqual([expect.objectContaining({ QuickBooks_Key__c: `${realm}:${applied.Id}:${deal.invoiceId}`, Amount__c: 500, Method__c: 'Credit Memo' })]);
    expect(opp(deal.opportunityId).Payment_Status__c).toBe('Partially Paid');
  });

  it('records only the applied part of an overpayment; the unapplied amount does not lower receivables twice', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Over Payer' });
    const deal = await invoicedDeal(accountId);
    const payment = stack.qbo.control.applyPayment(realm, { invoices: [{ id: deal.invoiceId }], totalAmount: 5250 });
    expect(payment.UnappliedAmt).toBe(250);
    await settle(() => (opp(deal.opportunityId).Payment_Status__c === 'Paid' && account(accountId).Open_Balance__c === 0) || undefined, 'the overpayment');
    expect(payments(deal.invoiceId)).toEqual([expect.objectContaining({ Amount__c: 5000 })]);
    expect(account(accountId)).toMatchObject({ Open_Balance__c: 0, Overdue_Balance__c: 0 });
  });

  it('links an invoice made by hand in QBO for a known customer to its Account and to the deal named in its note', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Hand Made Invoices' });
    const deal = await invoicedDeal(accountId);
    const items = stack.qbo.control.list(realm, 'Item') as Array<{ Id: string; Sku?: string }>;
    const item = items.find((i) => i.Sku === 'IMPL-PKG')!;
    const line = { DetailType: 'SalesItemLineDetail', Amount: 800, SalesItemLineDetail: { ItemRef: { value: item.Id }, Qty: 1, UnitPrice: 800, TaxCodeRef: { value: 'NON' } } };
    const forDeal = stack.qbo.control.create(realm, 'Invoice', { CustomerRef: { value: deal.customerId }, Line: [line], PrivateNote: `Extra work. Salesforce Opportunity ${deal.opportunityId}` });
    const loose = stack.qbo.control.create(realm, 'Invoice', { CustomerRef: { value: deal.customerId }, Line: [{ ...line, Amount: 200, SalesItemLineDetail: { ...line.SalesItemLineDetail, UnitPrice: 200 } }] });
    await settle(() => (mirror(forDeal.Id as string) && mirror(loose.Id as string) ? true : undefined), 'the hand-made invoices');
    expect(mirror(forDeal.Id as string)).toMatchObject({ Account__c: accountId, Opportunity__c: deal.opportunityId, Total__c: 800 });
    expect(mirror(loose.Id as string)).toMatchObject({ Account__c: accountId, Opportunity__c: null, Total__c: 200 });
    await settle(() => (opp(deal.opportunityId).Invoice_Total__c === 5800 && account(accountId).Open_Balance__c === 6000) || undefined, 'the roll-ups with hand-made invoices');
  });

  it('takes back a payment that is voided or deleted in QBO: its row goes, the balance returns', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Bounced Cheque Co' });
    const deal = await invoicedDeal(accountId);
    const kept = stack.qbo.control.applyPayment(realm, { invoices: [{ id: deal.invoiceId, amount: 1000 }] });
    const bounced = stack.qbo.control.applyPayment(realm, { invoices: [{ id: deal.invoiceId, amount: 1500 }] });
    const deleted = stack.qbo.control.applyPayment(realm, { invoices: [{ id: deal.invoiceId, amount: 500 }] });
    await settle(() => opp(deal.opportunityId).Invoice_Balance__c === 2000 || undefined, 'three payments');
    expect(payments(deal.invoiceId)).toHaveLength(3);

    stack.qbo.control.voidPayment(realm, bounced.Id as string);
    stack.qbo.control.remove(realm, 'Payment', deleted.Id as string);
    await settle(() => (opp(deal.opportunityId).Invoice_Balance__c === 4000 && account(accountId).Open_Balance__c === 4000) || undefined, 'the voided and deleted payments');
    expect(payments(deal.invoiceId).map((p) => p.QuickBooks_Key__c)).toEqual([`${realm}:${kept.Id}:${deal.invoiceId}`]);
    expect(account(accountId).Open_Balance__c).toBe(4000);
    expect(await stack.ledgerline.store.links.findByQboId('payment', realm, deleted.Id as string)).toEqual([]);
  });

  it('runs the demo’s payment story: partial then final payment, each visible on the Opportunity', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Demo Customer' });
    const deal = await invoicedDeal(accountId);
    const lines: string[] = [];
    const steps = await demoPaymentStatus(stack, deal.opportunityId, { log: (l) => lines.push(l) });
    expect(steps.map((s) => [s.action, s.amount, s.opportunity.status, s.opportunity.balance])).toEqual([
      ['Partial payment', 2000, 'Partially Paid', 3000],
      ['Final payment', 3000, 'Paid', 0],
    ]);
    expect(steps[1]!.account).toEqual({ openBalance: 0, overdueBalance: 0 });
    expect(lines[0]).toMatch(/^Partial payment of 2000.00 visible on the Opportunity after \d+ ms: Partially Paid, balance 3000$/);
  });
});
