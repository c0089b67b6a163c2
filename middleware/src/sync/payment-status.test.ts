import {
  amountAppliedTo,
  applicationsFor,
  compareVersions,
  dealPaymentStatus,
  figuresOf,
  invoiceStatus,
  invoicesOfPayment,
  isVoided,
  linkedPaymentIds,
  paymentMethodOf,
  rollupAccount,
  rollupOpportunity,
  type InvoiceFigures,
  type InvoiceSnapshot,
  type PaymentSnapshot,
} from './payment-status';
import { singleCurrency, type CurrencyRates } from './currency';

const invoice = (over: Partial<InvoiceSnapshot> = {}): InvoiceSnapshot => ({ Id: '130', SyncToken: '0', TotalAmt: 1000, Balance: 1000, DueDate: '2026-12-20', DocNumber: '1001', ...over });
const pay = (id: string, lines: Array<[string, string, number]>, over: Partial<PaymentSnapshot> = {}): PaymentSnapshot => ({
  Id: id,
  TxnDate: '2026-11-25',
  TotalAmt: lines.filter(([type]) => type === 'Invoice').reduce((s, [, , a]) => s + a, 0),
  Line: lines.map(([TxnType, TxnId, Amount]) => ({ Amount, LinkedTxn: [{ TxnId, TxnType }] })),
  ...over,
});
const usd = singleCurrency('USD');
const fig = (over: Partial<InvoiceFigures> = {}): InvoiceFigures => ({ invoiceId: '1', docNumber: '1001', total: 100, balance: 100, dueDate: '2026-12-01', lastPaymentDate: null, voided: false, ...over });

describe('payment applications', () => {
  it('takes only the amount applied to this invoice from a payment across two invoices', () => {
    const p = pay('77', [['Invoice', '130', 400.1], ['Invoice', '131', 250.2]]);
    expect(amountAppliedTo(p, '130')).toBe(400.1);
    expect(amountAppliedTo(p, '131')).toBe(250.2);
    expect(amountAppliedTo(p, '999')).toBe(0);
    expect(invoicesOfPayment(p)).toEqual(['130', '131']);
  });

  it('adds several lines for the same invoice in cents (0.1 + 0.2 is 0.3)', () => {
    expect(amountAppliedTo(pay('1', [['Invoice', '130', 0.1], ['Invoice', '130', 0.2]]), '130')).toBe(0.3);
  });

  it('builds one row per payment with money applied, oldest first, and drops voided (empty) payments', () => {
    const rows = applicationsFor(invoice(), [
      pay('9', [['Invoice', '130', 300]], { TxnDate: '2026-12-02', PaymentMethodRef: { value: '2', name: 'Check' } }),
      pay('8', [['Invoice', '130', 200]], { TxnDate: '2026-11-30' }),
      pay('10', [], { TotalAmt: 0 }),
    ]);
    expect(rows).toEqual([
      { paymentId: '8', invoiceId: '130', amount: 200, date: '2026-11-30', method: null },
      { paymentId: '9', invoiceId: '130', amount: 300, date: '2026-12-02', method: 'Check' },
    ]);
  });

  it('names a zero-total payment that consumes a credit memo "Credit Memo"', () => {
    const credit = pay('12', [['Invoice', '130', 50], ['CreditMemo', '40', 50]], { TotalAmt: 0 });
    expect(paymentMethodOf(credit)).toBe('Credit Memo');
    expect(paymentMethodOf(pay('13', [['Invoice', '130', 50]]))).toBeNull();
  });

  it('lists linked payments once, ignoring other link types', () => {
    expect(linkedPaymentIds(invoice({ LinkedTxn: [{ TxnId: '5', TxnType: 'Payment' }, { TxnId: '5', TxnType: 'Payment' }, { TxnId: '9', TxnType: 'Estimate' }] }))).toEqual(['5']);
  });
});

describe('invoice figures and status', () => {
  it('recognises a voided invoice (zero total and the "Voided" note) but not an invoice that is merely zero', () => {
    expect(isVoided({ TotalAmt: 0, PrivateNote: 'Voided' })).toBe(true);
    expect(isVoided({ TotalAmt: 0, PrivateNote: 'Salesforce Opportunity 006000000000001AAA' })).toBe(false);
    expect(isVoided({ TotalAmt: 10, PrivateNote: 'Voided' })).toBe(false);
  });

  it('takes the last payment date from the applications', () => {
    const f = figuresOf(invoice({ Balance: 500 }), [
      { paymentId: '1', invoiceId: '130', amount: 200, date: '2026-11-30', method: null },
      { paymentId: '2', invoiceId: '130', amount: 300, date: '2026-12-02', method: null },
    ]);
    expect(f).toMatchObject({ total: 1000, balance: 500, lastPaymentDate: '2026-12-02', voided: false, dueDate: '2026-12-20' });
  });

  it.each([
    [{ voided: true, balance: 0, total: 0, dueDate: '2026-01-01' }, 'Voided'],
    [{ voided: false, balance: 0, total: 100, dueDate: '2026-01-01' }, 'Paid'],
    [{ voided: false, balance: -5, total: 100, dueDate: null }, 'Paid'],
    [{ voided: false, balance: 40, total: 100, dueDate: '2026-05-31' }, 'Overdue'],
    [{ voided: false, balance: 40, total: 100, dueDate: '2026-06-01' }, 'Partially Paid'],
    [{ voided: false, balance: 100, total: 100, dueDate: '2026-06-30' }, 'Open'],
  ] as const)('status of %j on 2026-06-01 is %s', (figures, expected) => {
    expect(invoiceStatus(figures, '2026-06-01')).toBe(expected);
  });
});

describe('roll-ups', () => {
  it('sums a deal\u2019s live invoices, skips voided ones, and owes from the earliest open due date', () => {
    const rollup = rollupOpportunity([
      fig({ invoiceId: '1', total: 100.1, balance: 0, dueDate: '2026-10-01', lastPaymentDate: '2026-10-05' }),
      fig({ invoiceId: '2', total: 200.2, balance: 50.05, dueDate: '2026-12-01', lastPaymentDate: '2026-11-02' }),
      fig({ invoiceId: '3', total: 0, balance: 0, voided: true, dueDate: '2026-09-01' }),
      fig({ invoiceId: '4', total: 300, balance: 300, dueDate: '2026-11-15' }),
    ]);
    expect(rollup).toEqual({ invoiceId: '1', docNumber: '1001', total: 600.3, balance: 350.05, dueDate: '2026-11-15', lastPaymentDate: '2026-11-02' });
    expect(dealPaymentStatus(rollup, '2026-11-10')).toBe('Partially Paid');
    expect(dealPaymentStatus(rollup, '2026-11-16')).toBe('Overdue');
  });

  it('shows the latest due date once everything is paid, and "Not Invoiced" when every invoice is voided', () => {
    const paid = rollupOpportunity([fig({ invoiceId: '1', balance: 0, dueDate: '2026-10-01' }), fig({ invoiceId: '2', balance: 0, dueDate: '2026-12-01' })]);
    expect(paid).toMatchObject({ balance: 0, dueDate: '2026-12-01' });
    expect(dealPaymentStatus(paid, '2027-01-01')).toBe('Paid');
    const gone = rollupOpportunity([fig({ voided: true, total: 0, balance: 0 })]);
    expect(gone).toMatchObject({ invoiceId: null, total: null, balance: null });
    expect(dealPaymentStatus(gone, '2026-01-01')).toBe('Not Invoiced');
  });

  it('splits an Account\u2019s receivables into open and overdue (due strictly before today)', () => {
    const invoices = [
      fig({ balance: 100, dueDate: '2026-05-31' }),
      fig({ balance: 200.5, dueDate: '2026-06-01' }),
      fig({ balance: 0, dueDate: '2026-01-01' }),
      fig({ balance: 0, total: 0, voided: true, dueDate: '2026-01-01' }),
      fig({ balance: 30.25, dueDate: null }),
    ];
    expect(rollupAccount(invoices, '2026-06-01', usd, 'USD')).toEqual({ openBalance: 330.75, overdueBalance: 100, unconverted: [] });
    expect(rollupAccount([], '2026-06-01', usd, 'USD')).toEqual({ openBalance: 0, overdueBalance: 0, unconverted: [] });
  });
});

describe('Account roll-ups across currencies', () => {
  // A USD-corporate org: ConversionRate = units per 1 USD.
  const org: CurrencyRates = { corporate: 'USD', rates: new Map([['USD', 1], ['EUR', 0.92], ['GBP', 0.79], ['CAD', 1.37]]) };
  const inv = (key: string, currency: string | null, balance: number, dueDate: string | null, over: Partial<InvoiceFigures> = {}) => ({ ...fig({ invoiceId: key, balance, total: balance, dueDate, ...over }), currency });

  it('converts each balance into the Account’s currency through the corporate rate (amount × rate(account) / rate(invoice))', () => {
    const jpy = inv('5', 'JPY', 10000, '2026-05-01');
    const rollup = rollupAccount(
      [
        inv('1', 'USD', 1000, '2026-05-01'), // 1000 × 0.92 / 1 = 920.00 EUR, overdue
        inv('2', 'GBP', 500, '2026-07-01'), // 500 × 0.92 / 0.79 = 582.2784810… EUR
        inv('3', 'EUR', 250.5, null), // 250.50 EUR as is
        inv('4', 'CAD', 100, '2026-05-31'), // 100 × 0.92 / 1.37 = 67.1532846… EUR, overdue
        jpy, // JPY is not active in the org: no rate
        inv('6', 'GBP', 0, '2026-01-01', { total: 300 }), // paid
        inv('7', 'GBP', 0, '2026-01-01', { total: 0, voided: true }),
      ],
      '2026-06-01',
      org,
      'EUR',
    );
    // open: 920 + 582.2784810 + 250.50 + 67.1532847 = 1819.9317657; overdue: 920 + 67.1532847 = 987.1532847
    expect(rollup.openBalance).toBe(1819.93);
    expect(rollup.overdueBalance).toBe(987.15);
    expect(rollup.unconverted).toEqual([{ invoice: jpy, currency: 'JPY', missing: 'JPY' }]);
  });

  it('rounds to cents once, after adding, not per invoice', () => {
    // Each 1.00 GBP is 1 / 0.79 = 1.2658228 USD: rounded first, three would make 3 × 1.27 = 3.81.
    const rollup = rollupAccount([inv('1', 'GBP', 1, null), inv('2', 'GBP', 1, null), inv('3', 'GBP', 1, '2026-05-01')], '2026-06-01', org, 'USD');
    expect(rollup.openBalance).toBe(3.8); // 3.7974684
    expect(rollup.overdueBalance).toBe(1.27); // 1.2658228
  });

  it('takes an invoice without a currency, and an Account without one, to be in the corporate currency; codes in any case', () => {
    const rollup = rollupAccount([inv('1', null, 100, null), inv('2', 'gbp', 79, null), inv('3', ' eur ', 92, null)], '2026-06-01', org, null);
    // 100 + 79 / 0.79 + 92 / 0.92 = 100 + 100 + 100
    expect(rollup).toEqual({ openBalance: 300, overdueBalance: 0, unconverted: [] });
  });

  it('keeps an Account in a currency without a rate to the invoices in that same currency', () => {
    const usdInvoice = inv('2', 'USD', 40, null);
    const rollup = rollupAccount([inv('1', 'CHF', 125.4, '2026-05-01'), usdInvoice], '2026-06-01', org, 'CHF');
    expect(rollup).toEqual({ openBalance: 125.4, overdueBalance: 125.4, unconverted: [{ invoice: usdInvoice, currency: 'USD', missing: 'CHF' }] });
  });

  it('leaves every foreign invoice out in a single-currency org, and counts invoices without a currency', () => {
    const gbp = inv('2', 'GBP', 5000, '2026-05-01');
    const rollup = rollupAccount([inv('1', 'USD', 1500, '2026-05-01'), gbp, inv('3', null, 20.25, null)], '2026-06-01', usd, 'USD');
    expect(rollup).toEqual({ openBalance: 1520.25, overdueBalance: 1500, unconverted: [{ invoice: gbp, currency: 'GBP', missing: 'GBP' }] });
  });
});

describe('compareVersions', () => {
  it('orders by SyncToken numerically, then by LastUpdatedTime', () => {
    expect(compareVersions({ SyncToken: '9' }, { SyncToken: '10' })).toBeLessThan(0);
    expect(compareVersions({ SyncToken: '10' }, { SyncToken: '9' })).toBeGreaterThan(0);
    expect(compareVersions({ SyncToken: '3', lastUpdated: '2026-01-01T00:00:01-08:00' }, { SyncToken: '3', lastUpdated: '2026-01-01T00:00:00-08:00' })).toBeGreaterThan(0);
    expect(compareVersions({ lastUpdated: '2026-01-01T08:00:00Z' }, { lastUpdated: '2026-01-01T00:00:00-08:00' })).toBe(0);
    expect(compareVersions({}, { SyncToken: '1' })).toBe(0);
  });
});
