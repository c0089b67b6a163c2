import { lineItem } from '../../test/support/opportunity-fixtures';
import { addMonths, buildBillingSchedule, isSubscription, nextPeriodAfter, scheduleProblems } from './billing-schedule';

describe('addMonths', () => {
  it('counts calendar months in UTC and clamps to the month end', () => {
    expect(addMonths('2026-11-26', 1)).toBe('2026-12-26');
    expect(addMonths('2026-11-26', 2)).toBe('2027-01-26');
    expect(addMonths('2027-01-31', 1)).toBe('2027-02-28');
    expect(addMonths('2027-01-31', 2)).toBe('2027-03-31');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
    expect(addMonths('2026-12-15', 12)).toBe('2027-12-15');
  });
});

describe('buildBillingSchedule', () => {
  it('splits a 12-month monthly line evenly, puts one-time lines on the first invoice, and dates periods from the start', () => {
    const schedule = buildBillingSchedule(
      [
        lineItem({ sku: 'SUB', Id: 'line-sub', Quantity: 1, UnitPrice: 12000, TotalPrice: 12000, Billing_Frequency__c: 'Monthly', Term_Months__c: 12 }),
        lineItem({ sku: 'IMPL', Id: 'line-impl', Quantity: 1, UnitPrice: 5000, TotalPrice: 5000, Billing_Frequency__c: 'One-time' }),
      ],
      '2026-11-26',
    );
    expect(schedule.periods).toHaveLength(12);
    expect(schedule.periods.map((p) => p.date).slice(0, 3)).toEqual(['2026-11-26', '2026-12-26', '2027-01-26']);
    expect(schedule.periods[11]!.date).toBe('2027-10-26');
    expect(schedule.end).toBe('2027-11-26');
    expect(schedule.periods[0]!.totalCents).toBe(600_000);
    expect(schedule.periods[0]!.lines.map((l) => [l.lineId, l.amountCents])).toEqual([
      ['line-sub', 100_000],
      ['line-impl', 500_000],
    ]);
    expect(schedule.periods[1]!.lines).toEqual([
      { lineId: 'line-sub', amountCents: 100_000, serviceStart: '2026-12-26', serviceEnd: '2027-01-25', periodNumber: 2, periodCount: 12, recurring: true },
    ]);
    expect(schedule.totalCents).toBe(1_700_000);
  });

  it('puts the cent remainder on the last period so the invoices sum exactly to the line total', () => {
    const schedule = buildBillingSchedule([lineItem({ sku: 'SUB', Quantity: 3, UnitPrice: 333.33, TotalPrice: 999.99, Billing_Frequency__c: 'Monthly', Term_Months__c: 7 })], '2026-01-31');
    const amounts = schedule.periods.map((p) => p.totalCents);
    expect(amounts).toEqual([14285, 14285, 14285, 14285, 14285, 14285, 14289]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(99_999);
    expect(schedule.periods.map((p) => p.date)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31', '2026-06-30', '2026-07-31']);
  });

  it('uses the discounted line total when TotalPrice is absent', () => {
    const schedule = buildBillingSchedule([lineItem({ sku: 'SUB', Quantity: 2, UnitPrice: 600, Discount: 10, Billing_Frequency__c: 'Quarterly', Term_Months__c: 12 })], '2026-11-01');
    expect(schedule.periods.map((p) => [p.date, p.totalCents])).toEqual([
      ['2026-11-01', 27_000],
      ['2027-02-01', 27_000],
      ['2027-05-01', 27_000],
      ['2027-08-01', 27_000],
    ]);
  });

  it('merges lines of different frequencies into one invoice when their periods start the same day, and ends a partial term early', () => {
    const schedule = buildBillingSchedule(
      [
        lineItem({ sku: 'MON', Id: 'm', TotalPrice: 600, Billing_Frequency__c: 'Monthly', Term_Months__c: 6 }),
        lineItem({ sku: 'QTR', Id: 'q', TotalPrice: 500, Billing_Frequency__c: 'Quarterly', Term_Months__c: 5 }),
      ],
      '2026-01-15',
    );
    expect(schedule.periods.map((p) => [p.date, p.lines.map((l) => l.lineId).join('+'), p.totalCents])).toEqual([
      ['2026-01-15', 'm+q', 35_000],
      ['2026-02-15', 'm', 10_000],
      ['2026-03-15', 'm', 10_000],
      ['2026-04-15', 'm+q', 35_000],
      ['2026-05-15', 'm', 10_000],
      ['2026-06-15', 'm', 10_000],
    ]);
    const lastQuarter = schedule.periods[3]!.lines.find((l) => l.lineId === 'q')!;
    expect([lastQuarter.serviceStart, lastQuarter.serviceEnd]).toEqual(['2026-04-15', '2026-06-14']);
    expect(schedule.end).toBe('2026-07-15');
  });

  it('bills an annual line once a year', () => {
    const schedule = buildBillingSchedule([lineItem({ sku: 'ANN', TotalPrice: 36000, Billing_Frequency__c: 'Annual', Term_Months__c: 36 })], '2026-11-26');
    expect(schedule.periods.map((p) => [p.date, p.totalCents])).toEqual([
      ['2026-11-26', 1_200_000],
      ['2027-11-26', 1_200_000],
      ['2028-11-26', 1_200_000],
    ]);
  });
});

describe('schedule checks', () => {
  it('recognises subscriptions and names lines whose term or frequency is unusable', () => {
    const oneTime = lineItem({ sku: 'ONE' });
    expect(isSubscription([oneTime])).toBe(false);
    expect(isSubscription([oneTime, lineItem({ sku: 'SUB', Billing_Frequency__c: 'Monthly', Term_Months__c: 12 })])).toBe(true);
    const problems = scheduleProblems([
      lineItem({ sku: 'NOTERM', Id: 'a', Billing_Frequency__c: 'Monthly', Term_Months__c: null }),
      lineItem({ sku: 'FRAC', Id: 'b', Billing_Frequency__c: 'Annual', Term_Months__c: 1.5 }),
      lineItem({ sku: 'WEEK', Id: 'c', Billing_Frequency__c: 'Weekly' }),
      lineItem({ sku: 'OK', Id: 'd', Billing_Frequency__c: 'Quarterly', Term_Months__c: 12 }),
    ]);
    expect(problems.map((p) => [p.code, p.recordId])).toEqual([
      ['INVALID_TERM', 'a'],
      ['INVALID_TERM', 'b'],
      ['UNKNOWN_BILLING_FREQUENCY', 'c'],
    ]);
  });

  it('finds the next invoice after a date', () => {
    const schedule = buildBillingSchedule([lineItem({ sku: 'SUB', TotalPrice: 1200, Billing_Frequency__c: 'Monthly', Term_Months__c: 12 })], '2026-11-26');
    expect(nextPeriodAfter(schedule, '2026-11-26')).toMatchObject({ date: '2026-12-26', totalCents: 10_000 });
    expect(nextPeriodAfter(schedule, '2027-10-26')).toBeUndefined();
  });
});
