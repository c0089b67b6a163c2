/**
 * Credit memos, sales receipts and refund receipts through the real node-quickbooks client against the
 * emulator: create, read, query (by date and by customer, paged with STARTPOSITION/MAXRESULTS, and counted),
 * CDC, and the faults QBO answers (a refund receipt without the account it is paid from; a deleted record).
 * What is known of the real shapes is in middleware/emulators/quickbooks/reference/FACTS.md.
 */
import { startQboEmulator, type QboEmulator } from '@ledgerline/emulators/quickbooks';
import { failure, faultCode, nodeQuickBooks, type NodeQuickBooks } from './fixtures/quickbooks/clients';

type Rec = Record<string, any>;

let qbo: QboEmulator;
let qb: NodeQuickBooks;
let realm: string;
let customerId: string;

const line = (amount: number) => ({ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } });

beforeAll(async () => {
  qbo = await startQboEmulator({ port: 0 });
  realm = qbo.control.realms()[0]!;
  const tokens = qbo.control.issueTokens(realm);
  qb = nodeQuickBooks(qbo, realm, tokens.access_token, tokens.refresh_token);
  customerId = (await qb.call<{ Id: string }>('createCustomer', { DisplayName: 'Receipts & Refunds Ltd' })).Id;
});
afterAll(async () => {
  await qbo.close();
});

describe('sales documents through node-quickbooks', () => {
  it('creates and reads each kind with server-computed totals and what stays open', async () => {
    const memo = await qb.call<Rec>('createCreditMemo', { CustomerRef: { value: customerId }, TxnDate: '2025-03-01', Line: [line(200)] });
    expect(memo).toMatchObject({ TotalAmt: 200, RemainingCredit: 200, Balance: 200, TxnDate: '2025-03-01', CustomerRef: { value: customerId } });
    const receipt = await qb.call<Rec>('createSalesReceipt', { CustomerRef: { value: customerId }, TxnDate: '2025-03-02', Line: [line(300)] });
    expect(receipt).toMatchObject({ TotalAmt: 300, Balance: 0, DepositToAccountRef: { value: expect.any(String) } });
    const refund = await qb.call<Rec>('createRefundReceipt', { CustomerRef: { value: customerId }, TxnDate: '2025-03-03', DepositToAccountRef: { value: '8' }, Line: [line(40)] });
    expect(refund).toMatchObject({ TotalAmt: 40, Balance: 0, DepositToAccountRef: { value: '8', name: 'Checking' }, SyncToken: '0' });
    expect(await qb.call<Rec>('getRefundReceipt', refund.Id)).toMatchObject({ Id: refund.Id, TotalAmt: 40, DocNumber: refund.DocNumber });
    expect(await qb.call<Rec>('getSalesReceipt', receipt.Id)).toMatchObject({ Id: receipt.Id, TotalAmt: 300 });
  });

  it('refuses a refund receipt that does not say which account paid it, naming the field', async () => {
    const error = await failure(qb.call('createRefundReceipt', { CustomerRef: { value: customerId }, Line: [line(10)] }));
    expect(faultCode(error)).toBe('2020');
    expect(JSON.stringify(error.response?.data)).toContain('DepositToAccountRef');
  });

  it('pages a dated query with STARTPOSITION and MAXRESULTS, filters by customer, and counts', async () => {
    for (let i = 0; i < 5; i++) await qb.call('createRefundReceipt', { CustomerRef: { value: customerId }, TxnDate: `2025-04-0${i + 1}`, DepositToAccountRef: { value: '8' }, Line: [line(10 + i)] });
    const first = await qb.call<Rec>('findRefundReceipts', `where TxnDate >= '2025-04-01' and CustomerRef = '${customerId}' orderby Id startposition 1 maxresults 3`);
    const second = await qb.call<Rec>('findRefundReceipts', `where TxnDate >= '2025-04-01' and CustomerRef = '${customerId}' orderby Id startposition 4 maxresults 3`);
    expect(first.QueryResponse.RefundReceipt.map((r: Rec) => r.TotalAmt)).toEqual([10, 11, 12]);
    expect(second.QueryResponse).toMatchObject({ startPosition: 4, maxResults: 2 });
    expect(second.QueryResponse.RefundReceipt.map((r: Rec) => r.TotalAmt)).toEqual([13, 14]);
    const counted = await qb.call<Rec>('findRefundReceipts', [{ field: 'TxnDate', value: '2025-04-01', operator: '>=' }, { count: true }]);
    expect(counted.QueryResponse.totalCount).toBe(5);
    const none = await qb.call<Rec>('findSalesReceipts', `where CustomerRef = '99999' startposition 1 maxresults 1000`);
    expect(none.QueryResponse).toEqual({});
  });

  it('reports changes and deletions of receipts through CDC', async () => {
    const since = new Date(qbo.control.clock.now() - 1000).toISOString();
    const receipt = await qb.call<Rec>('createSalesReceipt', { CustomerRef: { value: customerId }, Line: [line(55)] });
    await qb.call('deleteSalesReceipt', receipt.Id);
    const cdc = await qb.call<Rec>('changeDataCapture', ['SalesReceipt', 'RefundReceipt'], since);
    const changes = cdc.CDCResponse[0].QueryResponse.flatMap((q: Rec) => q.SalesReceipt ?? []);
    // The deleted receipt comes as a tombstone only (earlier tests' receipts may be in the same window).
    expect(changes.filter((c: Rec) => c.Id === receipt.Id)).toEqual([expect.objectContaining({ Id: receipt.Id, status: 'Deleted' })]);
    expect(faultCode(await failure(qb.call('getSalesReceipt', receipt.Id)))).toBe('610');
  });
});
