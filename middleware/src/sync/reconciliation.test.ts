import { reconcile, sharedCustomers, type MirrorRow, type WonDeal } from './reconciliation';

const deal = (over: Partial<WonDeal> & Pick<WonDeal, 'id'>): WonDeal => ({ name: over.id, accountId: null, accountName: null, amount: 100, closeDate: '2026-10-01', realmId: 'R1', syncStatus: 'Synced', nextInvoiceDate: null, ...over });
const row = (over: Partial<MirrorRow> & Pick<MirrorRow, 'key'>): MirrorRow => ({ realmId: over.key.split(':')[0]!, docNumber: null, opportunityId: null, accountId: null, accountName: null, type: 'Invoice', total: 100, balance: 0, txnDate: '2026-10-02', voided: false, ...over });

describe('reconcile', () => {
  const D1 = '006000000000001AAA';
  const D2 = '006000000000002AAA';
  const D3 = '006000000000003AAA';
  const D4 = '006000000000004AAA';

  it('matches a row holding a 15-character deal id, tolerates less than a cent, and skips subscriptions still invoicing', () => {
    const report = reconcile(
      [deal({ id: D1, amount: 100 }), deal({ id: D2, amount: 250, nextInvoiceDate: '2026-12-01' }), deal({ id: D3, amount: 99.99 })],
      [
        row({ key: 'R1:1', opportunityId: D1.slice(0, 15), total: 100.004 }),
        row({ key: 'R1:2', opportunityId: D2, total: 50 }),
        row({ key: 'R1:3', opportunityId: D3, total: 60 }),
        row({ key: 'R1:4', opportunityId: D3, total: 40 }),
      ],
      [],
      new Set(['R1']),
    );
    expect(report.wonWithoutInvoice).toEqual([]);
    expect(report.amountMismatches).toEqual([{ opportunityId: D3, name: D3, amount: 99.99, invoiced: 100, difference: 0.01, invoiceKeys: ['R1:3', 'R1:4'] }]);
  });

  it('keeps to the companies asked for, and counts neither voided rows nor other documents as invoices', () => {
    const report = reconcile(
      [deal({ id: D1, realmId: 'R2' }), deal({ id: D2 }), deal({ id: D3, realmId: null }), deal({ id: D4, syncStatus: 'Excluded' })],
      [
        row({ key: 'R1:1', opportunityId: D2, voided: true }),
        row({ key: 'R1:CreditMemo:2', type: 'Credit Memo', opportunityId: D2 }),
        row({ key: 'R1:3' }),
        row({ key: 'R2:4' }),
        row({ key: 'R1:SalesReceipt:5', type: 'Sales Receipt' }),
      ],
      [{ realmId: 'R2', customerId: '9', accounts: [{ id: 'a', name: null }, { id: 'b', name: null }] }],
      new Set(['R1']),
    );
    expect(report.wonWithoutInvoice.map((d) => d.id)).toEqual([D2]); // D1 is R2's, D3's company is unknown, D4 excluded
    expect(report.invoicesWithoutDeal.map((r) => r.key)).toEqual(['R1:3']);
    expect(report.customersOnSeveralAccounts).toEqual([]);
  });
});

describe('sharedCustomers', () => {
  it('groups Accounts by company and customer, once per Account whatever the id length', () => {
    expect(
      sharedCustomers([
        { realmId: 'R1', customerId: '58', accountId: '001000000000001AAA', accountName: 'Twin A' },
        { realmId: 'R1', customerId: '58', accountId: '001000000000001', accountName: null },
        { realmId: 'R1', customerId: '58', accountId: '001000000000002AAA', accountName: 'Twin B' },
        { realmId: 'R2', customerId: '58', accountId: '001000000000003AAA', accountName: 'Other company' },
        { realmId: 'R1', customerId: '59', accountId: '001000000000004AAA', accountName: 'Alone' },
      ]),
    ).toEqual([{ realmId: 'R1', customerId: '58', accounts: [{ id: '001000000000001AAA', name: 'Twin A' }, { id: '001000000000002AAA', name: 'Twin B' }] }]);
  });
});
