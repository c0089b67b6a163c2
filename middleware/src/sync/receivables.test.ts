import { singleCurrency, type CurrencyRates } from './currency';
import type { AccountInvoice } from './payment-status';
import { accountReceivables, daysBetween, documentKind } from './receivables';

const doc = (over: Partial<AccountInvoice>): AccountInvoice => ({
  invoiceId: '1', docNumber: null, total: 0, balance: 0, dueDate: null, lastPaymentDate: null, voided: false, currency: 'USD', type: 'Invoice', txnDate: null, ...over,
});
const usd = singleCurrency('USD');
const TODAY = '2026-06-15';

describe('accountReceivables', () => {
  // One customer's documents; every figure below is worked out by hand in the comments.
  const rows = [
    doc({ invoiceId: 'A', total: 1000, balance: 0, txnDate: '2026-01-10', dueDate: '2026-02-09', lastPaymentDate: '2026-02-09' }), // paid in 30 days
    doc({ invoiceId: 'B', total: 500, balance: 200, txnDate: '2026-03-01', dueDate: '2026-03-31', lastPaymentDate: '2026-04-15' }), // 200 overdue
    doc({ invoiceId: 'C', type: null, total: 300, balance: 300, txnDate: '2026-06-01', dueDate: '2026-07-01' }), // blank type = invoice, not due yet
    doc({ invoiceId: 'D', total: 250, balance: 0, txnDate: '2026-04-01', dueDate: '2026-05-01', lastPaymentDate: '2026-04-16' }), // paid in 15 days, 60 of it by credit
    doc({ invoiceId: 'E', type: 'Credit Memo', total: 100, balance: 40, txnDate: '2026-04-10' }), // 60 applied to D, 40 unapplied
    doc({ invoiceId: 'F', type: 'Sales Receipt', total: 80, txnDate: '2026-06-10' }),
    doc({ invoiceId: 'G', type: 'Refund Receipt', total: 30, txnDate: '2026-06-12' }),
    doc({ invoiceId: 'H', total: 999, balance: 999, txnDate: '2026-05-01', dueDate: '2026-05-02', voided: true }),
    doc({ invoiceId: 'I', type: 'Credit Memo', total: 70, balance: 70, voided: true }),
    doc({ invoiceId: 'J', type: 'Sales Receipt', total: 55, txnDate: '2026-06-14', voided: true }),
  ];

  it('computes every Account figure from invoices, credit memos and receipts, voided ones excluded', () => {
    expect(accountReceivables(rows, TODAY, usd, 'USD')).toEqual({
      totalInvoiced: 2050, // 1000 + 500 + 300 + 250
      totalCredited: 100,
      totalPaid: 1540, // (1000 + 300 + 0 + 250) − 60 applied credit + 80 sales receipt − 30 refund
      openBalance: 460, // 200 + 300 − 40 unapplied credit
      overdueBalance: 200, // B only: C falls due after today, credit is never overdue
      lastPaymentDate: '2026-06-10', // the sales receipt, later than D's 2026-04-16
      averageDaysToPay: 22.5, // (30 + 15) / 2: A and D are paid in full
      unconverted: [],
    });
  });

  it('gives blank days to pay and last payment date when nothing is paid, and zeroes with no documents', () => {
    expect(accountReceivables([rows[2]!], TODAY, usd, 'USD')).toMatchObject({ averageDaysToPay: null, lastPaymentDate: null, openBalance: 300, totalPaid: 0 });
    expect(accountReceivables([], TODAY, usd, null)).toEqual({
      totalInvoiced: 0, totalPaid: 0, totalCredited: 0, openBalance: 0, overdueBalance: 0, lastPaymentDate: null, averageDaysToPay: null, unconverted: [],
    });
  });

  it('rounds the average to one decimal and skips paid invoices without dates or with a zero total', () => {
    const paid = [
      doc({ total: 10, txnDate: '2026-01-01', lastPaymentDate: '2026-01-11' }), // 10
      doc({ total: 10, txnDate: '2026-01-01', lastPaymentDate: '2026-01-12' }), // 11
      doc({ total: 10, txnDate: '2026-02-20', lastPaymentDate: '2026-03-03' }), // 11 (2026 is not a leap year)
      doc({ total: 10, txnDate: null, lastPaymentDate: '2026-03-03' }),
      doc({ total: 0, txnDate: '2026-01-01', lastPaymentDate: '2026-06-01' }),
    ];
    expect(accountReceivables(paid, TODAY, usd, 'USD').averageDaysToPay).toBe(10.7); // 32 / 3 = 10.666…
  });

  it('converts every document into the Account currency and leaves out the one it cannot convert', () => {
    const org: CurrencyRates = { corporate: 'USD', rates: new Map([['USD', 1], ['EUR', 0.92]]) };
    const jpy = doc({ invoiceId: 'JP', currency: 'JPY', total: 9000, balance: 0 });
    const figures = accountReceivables(
      [
        doc({ currency: 'USD', total: 100, balance: 25, txnDate: '2026-06-01', dueDate: '2026-06-10' }), // 92 EUR invoiced, 23 EUR overdue
        doc({ currency: 'EUR', type: 'Credit Memo', total: 50, balance: 50 }),
        doc({ currency: null, type: 'Sales Receipt', total: 10, txnDate: '2026-06-02' }), // corporate USD: 9.20 EUR
        jpy,
      ],
      TODAY,
      org,
      'EUR',
    );
    // paid: (92 − 23) + 9.20 = 78.20; open: 23 − 50 = −27.
    expect(figures).toEqual({
      totalInvoiced: 92, totalPaid: 78.2, totalCredited: 50, openBalance: -27, overdueBalance: 23, lastPaymentDate: '2026-06-02', averageDaysToPay: null,
      unconverted: [{ invoice: jpy, currency: 'JPY', missing: 'JPY' }],
    });
  });

  it('reads the Type__c picklist, blank as an invoice, and counts no unknown type', () => {
    expect([null, undefined, '', 'Invoice', 'Credit Memo', 'Sales Receipt', 'Refund Receipt', 'Estimate'].map(documentKind)).toEqual([
      'invoice', 'invoice', 'invoice', 'invoice', 'creditMemo', 'salesReceipt', 'refundReceipt', null,
    ]);
    expect(accountReceivables([doc({ type: 'Estimate', total: 500, balance: 500 })], TODAY, usd, 'USD').totalInvoiced).toBe(0);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
  });
});
