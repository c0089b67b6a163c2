import { completeMonths, daysInMonth, monthEnd, receivablesByMonth, type DsoInvoice } from './dso';

const inv = (over: Partial<DsoInvoice> & Pick<DsoInvoice, 'key'>): DsoInvoice => ({ realmId: 'R', currency: 'USD', type: 'Invoice', total: 0, balance: 0, txnDate: null, voided: false, ...over });

describe('receivablesByMonth', () => {
  const invoices = [
    inv({ key: 'R:1', total: 1000, balance: 0, txnDate: '2026-09-05' }), // paid 400 in September, 600 in October
    inv({ key: 'R:2', total: 500, balance: 500, txnDate: '2026-09-25' }), // never paid
    inv({ key: 'R:3', type: null, total: 2000, balance: 500, txnDate: '2026-10-02' }), // 1500 paid in November
    inv({ key: 'R:4', total: 700, balance: 700, txnDate: '2026-10-05', voided: true }),
    inv({ key: 'R:CreditMemo:5', type: 'Credit Memo', total: 100, balance: 100, txnDate: '2026-10-06' }),
    inv({ key: 'R:6', total: 300, balance: 0, txnDate: '2026-08-01' }), // paid in August
    inv({ key: 'R:7', total: 250, balance: 0, txnDate: '2026-09-10' }), // paid, no payment rows mirrored
    inv({ key: 'R:8', currency: 'EUR', total: 100, balance: 100, txnDate: '2026-10-15' }),
    inv({ key: 'S:9', realmId: 'S', total: 50, balance: 50, txnDate: '2026-08-20' }),
  ];
  const payments = [
    { invoiceKey: 'R:1', amount: 400, date: '2026-09-20' },
    { invoiceKey: 'R:1', amount: 600, date: '2026-10-10' },
    { invoiceKey: 'R:3', amount: 1500, date: '2026-11-03' },
    { invoiceKey: 'R:6', amount: 300, date: '2026-08-30' },
  ];

  it('gives invoiced, receivables at month end and DSO per company, currency and month (hand-computed)', () => {
    expect(receivablesByMonth(invoices, payments, ['2026-09', '2026-10'])).toEqual([
      // September: invoiced 1000 + 500 + 250; owed on 09-30: R:1 600 (paid in October) + R:2 500 = 1100; 1100 / 1750 × 30 = 18.857…
      { realmId: 'R', currency: 'EUR', month: '2026-10', monthStart: '2026-10-01', days: 31, invoiced: 100, receivables: 100, dso: 31 },
      { realmId: 'R', currency: 'USD', month: '2026-09', monthStart: '2026-09-01', days: 30, invoiced: 1750, receivables: 1100, dso: 18.9 },
      // October: invoiced 2000; owed on 10-31: R:2 500 + R:3 500 + 1500 paid in November = 2500; 2500 / 2000 × 31 = 38.75
      { realmId: 'R', currency: 'USD', month: '2026-10', monthStart: '2026-10-01', days: 31, invoiced: 2000, receivables: 2500, dso: 38.8 },
      // Company S invoiced nothing in either month but is still owed 50: no DSO.
      { realmId: 'S', currency: 'USD', month: '2026-09', monthStart: '2026-09-01', days: 30, invoiced: 0, receivables: 50, dso: null },
      { realmId: 'S', currency: 'USD', month: '2026-10', monthStart: '2026-10-01', days: 31, invoiced: 0, receivables: 50, dso: null },
    ]);
  });

  it('never counts more than an invoice total, and leaves out months with nothing invoiced or owed', () => {
    const doubled = [...payments, { invoiceKey: 'R:2', amount: 900, date: '2026-12-01' }];
    const rows = receivablesByMonth(invoices.filter((i) => i.key === 'R:2'), doubled, ['2026-08', '2026-09']);
    expect(rows).toEqual([{ realmId: 'R', currency: 'USD', month: '2026-09', monthStart: '2026-09-01', days: 30, invoiced: 500, receivables: 500, dso: 30 }]);
  });
});

describe('months', () => {
  it('lists the complete months before today, across a year end, with their days and last day', () => {
    expect(completeMonths('2026-01-15', 3)).toEqual(['2025-10', '2025-11', '2025-12']);
    expect(completeMonths('2026-03-01', 1)).toEqual(['2026-02']);
    expect([daysInMonth('2024-02'), daysInMonth('2026-02'), daysInMonth('2026-12')]).toEqual([29, 28, 31]);
    expect(monthEnd('2024-02')).toBe('2024-02-29');
  });
});
