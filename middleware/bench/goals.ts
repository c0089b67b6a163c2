/**
 * Issue #19's goals, evaluated from the figures one `npm run bench` run gathered. Each goal names the bench
 * that measures it, the figure it reads, its target, and how the figure compares with Intuit's ceiling for
 * one company (500 requests/min, 10 concurrent, 40 batch requests/min of up to 30 items). Pure functions:
 * `bench/run.ts` prints the table, `test/bench-goals.test.ts` checks the verdicts.
 */

/** Figures by bench name, as each bench reported them (its JSON result). */
export type BenchFigures = Record<string, Record<string, unknown> | undefined>;

export interface Goal {
  id: string;
  label: string;
  bench: string;
  /** Reads the figure out of the bench's result; undefined when the bench did not report it. */
  figure(result: Record<string, unknown>): number | undefined;
  /** `max`: the figure must be ≤ target; `min`: ≥ target. */
  kind: 'max' | 'min';
  target: number;
  unit: string;
  /** The figure as a fraction of Intuit's ceiling, when the goal has one. */
  ceilingRatio?(figure: number, result: Record<string, unknown>): number;
  ceilingNote?: string;
}

/** Intuit's per-company ceilings. */
export const CEILING = { requestsPerMinute: 500, batchesPerMinute: 40, itemsPerBatch: 30 } as const;
export const BATCH_CEILING_INVOICES_PER_MINUTE = CEILING.batchesPerMinute * CEILING.itemsPerBatch;

const num = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
/** A nested part of a bench's result (e.g. invoice-single's `known` and `new`). */
const part = (value: unknown): Record<string, unknown> | undefined => (value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined);
/** Invoices/min a cost of `calls` QBO calls per invoice allows under the 500 requests/min ceiling, against the batch ceiling. */
const callsRatio = (calls: number): number => (calls <= 0 ? 1 : CEILING.requestsPerMinute / calls / BATCH_CEILING_INVOICES_PER_MINUTE);
const opCount = (result: Record<string, unknown>, match: (op: string) => boolean): number | undefined => {
  const ops = result.qboCallsByOperation;
  if (!ops || typeof ops !== 'object') return undefined;
  return Object.entries(ops as Record<string, number>).filter(([op]) => match(op)).reduce((t, [, n]) => t + n, 0);
};

export const GOALS: Goal[] = [
  {
    id: 'throughput',
    label: 'Throughput, 1,000 deals (200 new customers)',
    bench: 'invoices',
    figure: (r) => num(r.invoicesPerMinute),
    kind: 'min',
    target: 0.9 * BATCH_CEILING_INVOICES_PER_MINUTE,
    unit: 'invoices/min',
    ceilingRatio: (f) => f / BATCH_CEILING_INVOICES_PER_MINUTE,
    ceilingNote: '× 1,200/min batch ceiling',
  },
  {
    id: 'throttled',
    label: 'Throttled answers in that burst',
    bench: 'invoices',
    figure: (r) => num(r.qboThrottled),
    kind: 'max',
    target: 0,
    unit: '429s',
  },
  {
    id: 'qbo-calls-new',
    label: 'QBO calls per invoice, 20% new customers',
    bench: 'invoices',
    figure: (r) => num(r.qboCallsPerInvoice),
    kind: 'max',
    target: 0.35,
    unit: 'calls',
    ceilingRatio: callsRatio,
    ceilingNote: '× 1,200/min (500 req/min ÷ calls)',
  },
  {
    id: 'qbo-calls-known',
    label: 'QBO calls per invoice, known customers',
    bench: 'invoices-known',
    figure: (r) => (r.knownCustomers === true ? num(r.qboCallsPerInvoice) : undefined),
    kind: 'max',
    target: 0.05,
    unit: 'calls',
    ceilingRatio: callsRatio,
    ceilingNote: '× 1,200/min (500 req/min ÷ calls)',
  },
  {
    id: 'sf-calls',
    label: 'Salesforce calls per invoice',
    bench: 'invoices',
    figure: (r) => num(r.salesforceCallsPerInvoice),
    kind: 'max',
    target: 0.05,
    unit: 'calls',
  },
  {
    id: 'full-batches',
    label: 'Invoices per batch request (1,080/min needs 27)',
    bench: 'invoices',
    figure: (r) => num(r.invoicesPerBatch),
    kind: 'min',
    target: (0.9 * BATCH_CEILING_INVOICES_PER_MINUTE) / CEILING.batchesPerMinute,
    unit: 'invoices',
    ceilingRatio: (f) => f / CEILING.itemsPerBatch,
    ceilingNote: '× 30 items per batch',
  },
  {
    id: 'customer-lookups-batched',
    label: 'Customer look-ups sent alone (not in a batch)',
    bench: 'invoices',
    figure: (r) => opCount(r, (op) => /customer/i.test(op) && /query|read/i.test(op) && !/batch/i.test(op)),
    kind: 'max',
    target: 0,
    unit: 'requests',
  },
  {
    id: 'customer-creates-batched',
    label: 'Customer creates sent alone (not in a batch)',
    bench: 'invoices',
    figure: (r) => opCount(r, (op) => /customer/i.test(op) && /create/i.test(op) && !/batch/i.test(op)),
    kind: 'max',
    target: 0,
    unit: 'requests',
  },
  {
    id: 'storm-seconds',
    label: '429-storm, 3 instances, 1,000 deals: seconds',
    bench: 'storm',
    figure: (r) => num(r.seconds),
    kind: 'max',
    target: Math.floor(1357 / 3),
    unit: 's',
  },
  {
    id: 'storm-retries',
    label: '429-storm: job retries',
    bench: 'storm',
    figure: (r) => num(r.retries),
    kind: 'max',
    target: Math.floor(25_785 / 10),
    unit: 'retries',
  },
  {
    id: 'storm-peak-rate',
    label: '429-storm: peak requests/min seen by QBO (3 instances)',
    bench: 'storm',
    figure: (r) => num(r.peakPerMinute),
    kind: 'max',
    target: CEILING.requestsPerMinute,
    unit: 'req/min',
    ceilingRatio: (f) => f / CEILING.requestsPerMinute,
    ceilingNote: '× 500 req/min',
  },
  {
    id: 'storm-duplicates-lost',
    label: '429-storm: duplicates + lost',
    bench: 'storm',
    figure: (r) => (num(r.duplicates) === undefined || num(r.lost) === undefined ? undefined : num(r.duplicates)! + num(r.lost)!),
    kind: 'max',
    target: 0,
    unit: 'invoices',
  },
  {
    id: 'memory',
    label: 'Middleware RSS peak, 10,000-job backlog (emulators apart)',
    bench: 'backlog',
    figure: (r) => num(r.middlewarePeakRssMb),
    kind: 'max',
    target: 150,
    unit: 'MB',
  },
  {
    id: 'single-deal',
    label: 'A deal on its own, 250 ms latency: p95 to write-back',
    bench: 'invoice-single',
    figure: (r) => num(r.p95Ms),
    kind: 'max',
    target: 1000,
    unit: 'ms',
  },
  {
    id: 'single-deal-known',
    label: 'A deal on its own, known customer, 250 ms latency: p95 to write-back',
    bench: 'invoice-single',
    figure: (r) => num(part(r.known)?.p95Ms),
    kind: 'max',
    target: 1000,
    unit: 'ms',
  },
  {
    id: 'single-deal-new',
    label: 'A deal on its own, new customer, 250 ms latency: p95 to write-back',
    bench: 'invoice-single',
    figure: (r) => num(part(r.new)?.p95Ms),
    kind: 'max',
    target: 1000,
    unit: 'ms',
  },
];

/** The figures of an earlier run, by goal id, with when and where they were measured (bench/previous.json). */
export interface PreviousFigures {
  measured: string;
  machine: string;
  note?: string;
  figures: Record<string, number>;
}

export interface GoalRow {
  id: string;
  label: string;
  figure: number | undefined;
  target: string;
  ceiling: string;
  previous: string;
  /** yes / no, or `not measured` when this run did not produce the figure. */
  holds: 'yes' | 'no' | 'not measured';
}

export function holds(goal: Pick<Goal, 'kind' | 'target'>, figure: number | undefined): GoalRow['holds'] {
  if (figure === undefined) return 'not measured';
  return (goal.kind === 'max' ? figure <= goal.target : figure >= goal.target) ? 'yes' : 'no';
}

const show = (n: number): string => (Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 10 ? 1 : 2));

export function evaluateGoals(results: BenchFigures, previous?: PreviousFigures, goals: Goal[] = GOALS): GoalRow[] {
  return goals.map((goal) => {
    const result = results[goal.bench];
    const figure = result ? goal.figure(result) : undefined;
    const ratio = figure !== undefined && result && goal.ceilingRatio ? goal.ceilingRatio(figure, result) : undefined;
    const before = previous?.figures[goal.id];
    return {
      id: goal.id,
      label: goal.label,
      figure,
      target: `${goal.kind === 'max' ? '≤' : '≥'} ${show(goal.target)} ${goal.unit}`,
      ceiling: ratio === undefined ? '—' : `${ratio.toFixed(2)} ${goal.ceilingNote ?? ''}`.trim(),
      previous: before === undefined ? '—' : show(before),
      holds: holds(goal, figure),
    };
  });
}

/** The goal table printed at the end of a run. */
export function formatGoalTable(rows: GoalRow[]): string {
  const header = ['goal', 'figure', 'target', 'Intuit ceiling', 'previous', 'holds'];
  const cells = rows.map((r) => [r.label, r.figure === undefined ? '—' : show(r.figure), r.target, r.ceiling, r.previous, r.holds]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The figures of this run by goal id, to be written as the next run's previous figures. */
export function figuresOf(rows: GoalRow[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of rows) if (row.figure !== undefined) out[row.id] = row.figure;
  return out;
}
