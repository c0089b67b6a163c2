import { seedAccount } from './support/deals';
import { startStack, waitFor, type Stack } from './support/stack';

type Rec = Record<string, any>;

/**
 * Credit memos, sales receipts and refund receipts made in QuickBooks reach the mirror through Intuit's
 * signed webhooks, as invoices do: created, changed, deleted.
 */
describe('sales documents follow QuickBooks events', () => {
  let stack: Stack;
  let customerId: string;
  let accountId: string;

  beforeAll(async () => {
    stack = await startStack({ webhooks: true, env: { RECONCILE_INTERVAL_HOURS: '0' } });
    await stack.connectQbo();
    customerId = (stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Walk-in Receipts Co' }) as Rec).Id;
    accountId = seedAccount(stack.sf, { Name: 'Walk-in Receipts Co' });
    await stack.ledgerline.store.links.put({ kind: 'customer', realmId: stack.realmId, salesforceId: accountId, qboId: customerId });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const row = (key: string) => (stack.sf.control.query(`SELECT Type__c, Account__c, Total__c, Balance__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${key}'`) as Rec[])[0];
  const line = (amount: number) => [{ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } }];

  it('creates, updates and removes the mirror row of a sales receipt', async () => {
    const receipt = stack.qbo.control.create(stack.realmId, 'SalesReceipt', { CustomerRef: { value: customerId }, Line: line(250) }) as Rec;
    const key = `${stack.realmId}:SalesReceipt:${receipt.Id}`;
    expect(await waitFor(() => row(key), 30_000, 'the sales receipt row')).toMatchObject({ Type__c: 'Sales Receipt', Account__c: expect.stringMatching(accountId.slice(0, 15)), Total__c: 250, Balance__c: 0 });
    stack.qbo.control.edit(stack.realmId, 'SalesReceipt', receipt.Id, { Line: line(275) });
    await waitFor(() => row(key)?.Total__c === 275, 30_000, 'the changed total');
    stack.qbo.control.remove(stack.realmId, 'SalesReceipt', receipt.Id);
    await waitFor(() => row(key) === undefined, 30_000, 'the row to go');
    expect((await stack.ledgerline.store.audit.query({ qboId: key })).map((e) => e.action)).toContain('document.deleted');
  }, 120_000);

  it('mirrors credit memos with their unapplied credit and refund receipts; a customer not linked brings nothing', async () => {
    const memo = stack.qbo.control.createCreditMemo(stack.realmId, { CustomerRef: { value: customerId }, Line: line(80) }) as Rec;
    const refund = stack.qbo.control.create(stack.realmId, 'RefundReceipt', { CustomerRef: { value: customerId }, DepositToAccountRef: { value: '8' }, Line: line(30) }) as Rec;
    const stranger = stack.qbo.control.create(stack.realmId, 'Customer', { DisplayName: 'Not Linked LLC' }) as Rec;
    const other = stack.qbo.control.create(stack.realmId, 'SalesReceipt', { CustomerRef: { value: stranger.Id }, Line: line(10) }) as Rec;
    expect(await waitFor(() => row(`${stack.realmId}:CreditMemo:${memo.Id}`), 30_000, 'the credit memo row')).toMatchObject({ Type__c: 'Credit Memo', Total__c: 80, Balance__c: 80 });
    expect(await waitFor(() => row(`${stack.realmId}:RefundReceipt:${refund.Id}`), 30_000, 'the refund row')).toMatchObject({ Type__c: 'Refund Receipt', Total__c: 30 });
    await waitFor(async () => (await stack.ledgerline.store.inbox.pending()).length === 0 || undefined, 30_000, 'every event processed');
    expect(row(`${stack.realmId}:SalesReceipt:${other.Id}`)).toBeUndefined();
  }, 120_000);
});
