import { evaluateGoals, formatGoalTable, figuresOf, holds, GOALS, type PreviousFigures } from '../bench/goals';

const row = (rows: ReturnType<typeof evaluateGoals>, id: string) => rows.find((r) => r.id === id)!;

describe('bench goals (issue #19)', () => {
  const previous: PreviousFigures = { measured: '2026-11-27', machine: 'test', figures: { throughput: 489, 'qbo-calls-new': 0.92, memory: 230 } };

  test('a missed goal says no, a met one yes, and a figure the run did not produce says so', () => {
    const rows = evaluateGoals(
      {
        invoices: { invoicesPerMinute: 489, qboThrottled: 0, qboCallsPerInvoice: 0.92, salesforceCallsPerInvoice: 1.93, invoicesPerBatch: 13.7, qboCallsByOperation: { 'Customer.query': 400, 'Customer.create': 200, '*.batch': 54 } },
        backlog: { middlewarePeakRssMb: 149 },
      },
      previous,
    );
    expect(row(rows, 'throughput')).toMatchObject({ figure: 489, holds: 'no', previous: '489', target: '≥ 1080 invoices/min' });
    expect(row(rows, 'throughput').ceiling).toMatch(/^0\.41 /);
    expect(row(rows, 'throttled').holds).toBe('yes');
    expect(row(rows, 'qbo-calls-new')).toMatchObject({ holds: 'no', previous: '0.92' });
    expect(row(rows, 'sf-calls').holds).toBe('no');
    expect(row(rows, 'customer-lookups-batched')).toMatchObject({ figure: 400, holds: 'no' });
    expect(row(rows, 'customer-creates-batched')).toMatchObject({ figure: 200, holds: 'no' });
    expect(row(rows, 'memory')).toMatchObject({ figure: 149, holds: 'yes', previous: '230' });
    expect(row(rows, 'single-deal').holds).toBe('not measured');
    expect(row(rows, 'single-deal-known').holds).toBe('not measured');
    expect(row(rows, 'single-deal-new').holds).toBe('not measured');
    expect(row(rows, 'storm-seconds').holds).toBe('not measured');
    // The known-customers run counts only when the bench says its customers were known.
    expect(row(evaluateGoals({ 'invoices-known': { qboCallsPerInvoice: 0.01 } }), 'qbo-calls-known').holds).toBe('not measured');
    expect(row(evaluateGoals({ 'invoices-known': { qboCallsPerInvoice: 0.06, knownCustomers: true } }), 'qbo-calls-known').holds).toBe('no');
  });

  test('limits are inclusive and each goal compares in its own direction', () => {
    expect(holds({ kind: 'max', target: 150 }, 150)).toBe('yes');
    expect(holds({ kind: 'max', target: 150 }, 150.5)).toBe('no');
    expect(holds({ kind: 'min', target: 1080 }, 1079)).toBe('no');
    expect(holds({ kind: 'min', target: 1080 }, 1080)).toBe('yes');
    const single = GOALS.find((g) => g.id === 'single-deal')!;
    expect(holds(single, 1001)).toBe('no');
  });

  test('a deal on its own is judged for all deals, known customers and new customers apart, each against 1,000 ms', () => {
    const rows = evaluateGoals({ 'invoice-single': { p95Ms: 1730, known: { p95Ms: 915 }, new: { p95Ms: 1803 } } });
    expect(row(rows, 'single-deal')).toMatchObject({ figure: 1730, holds: 'no' });
    expect(row(rows, 'single-deal-known')).toMatchObject({ figure: 915, holds: 'yes' });
    expect(row(rows, 'single-deal-new')).toMatchObject({ figure: 1803, holds: 'no' });
    for (const id of ['single-deal', 'single-deal-known', 'single-deal-new']) expect(GOALS.find((g) => g.id === id)).toMatchObject({ bench: 'invoice-single', kind: 'max', target: 1000 });
  });

  test('the table names every goal with its verdict, and this run’s figures become the next previous ones', () => {
    const rows = evaluateGoals({ 'invoice-single': { p95Ms: 1400 }, backlog: { middlewarePeakRssMb: 120 } });
    const table = formatGoalTable(rows);
    for (const goal of GOALS) expect(table).toContain(goal.label);
    expect(table.split('\n').find((l) => l.startsWith('A deal on its own'))).toMatch(/1400 .*≤ 1000 ms.*\bno$/);
    expect(figuresOf(rows)).toEqual({ 'single-deal': 1400, memory: 120 });
  });
});
