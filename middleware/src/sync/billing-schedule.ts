import { toCents } from './money';
import type { SfLineItem } from './source';

/**
 * The billing schedule of a subscription deal: which invoice is due on which date, with which amounts.
 * Pure; no I/O. `services/invoicing/subscription-invoices.ts` persists it and creates each invoice on its date.
 *
 * Price rule: a recurring line's `TotalPrice` (net of its discount) is the contract value for the whole
 * term (`Term_Months__c`). It is split evenly across the line's periods in whole cents; the cents that do
 * not divide go on the last period. So the invoices of a deal sum exactly to the Opportunity's amount.
 * One-time lines (no frequency, or `One-time`) are billed in full on the first invoice.
 *
 * Periods start on the schedule start (the Close Date, or the end of the previous term for a renewal)
 * and step by 1, 3 or 12 calendar months, always counted from the start so that a 31st stays a month's
 * last day (Jan 31 → Feb 28 → Mar 31). A term that is not a multiple of the period ends with a shorter
 * last period, still with an even share of the value. Lines of different frequencies share one invoice
 * when their periods start on the same day.
 */
export type BillingFrequency = 'Monthly' | 'Quarterly' | 'Annual';

const PERIOD_MONTHS: Record<BillingFrequency, number> = { Monthly: 1, Quarterly: 3, Annual: 12 };
/** Longest term accepted: beyond this a typo (120 instead of 12) would plan hundreds of invoices. */
export const MAX_TERM_MONTHS = 120;

export interface ScheduledLine {
  lineId: string;
  amountCents: number;
  /** First and last day of service billed by this line (inclusive). */
  serviceStart: string;
  serviceEnd: string;
  /** 1-based period number of this line, and how many periods the line has. */
  periodNumber: number;
  periodCount: number;
  recurring: boolean;
}

export interface BillingPeriod {
  /** 0-based position in the schedule. */
  index: number;
  /** Invoice date (TxnDate), the day the invoice is due to be created. */
  date: string;
  lines: ScheduledLine[];
  totalCents: number;
}

export interface BillingSchedule {
  start: string;
  /** The day after the longest recurring line's term: where a renewal continues. */
  end: string;
  periods: BillingPeriod[];
  totalCents: number;
}

export function frequencyOf(line: Pick<SfLineItem, 'Billing_Frequency__c'>): BillingFrequency | null {
  const value = line.Billing_Frequency__c?.trim();
  return value === 'Monthly' || value === 'Quarterly' || value === 'Annual' ? value : null;
}

/** A deal is a subscription when at least one line recurs. */
export function isSubscription(lines: Array<Pick<SfLineItem, 'Billing_Frequency__c'>>): boolean {
  return lines.some((line) => frequencyOf(line) !== null);
}

/** `months` calendar months after an ISO date, counted in UTC, clamped to the month's last day. */
export function addMonths(isoDate: string, months: number): string {
  const [y, m, d] = isoDate.split('-').map(Number) as [number, number, number];
  const monthIndex = m - 1 + months;
  const year = y + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return new Date(Date.UTC(year, month, Math.min(d, lastDay))).toISOString().slice(0, 10);
}

function dayBefore(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - 1);
  return date.toISOString().slice(0, 10);
}

/** Salesforce's line total (quantity × sales price less the line discount), in cents. */
export function lineNetCents(line: Pick<SfLineItem, 'TotalPrice' | 'Quantity' | 'UnitPrice' | 'Discount'>): number {
  if (typeof line.TotalPrice === 'number') return toCents(line.TotalPrice);
  return toCents(line.Quantity * line.UnitPrice * (1 - (line.Discount ?? 0) / 100));
}

/** Same shape as `sync/problems.ts` Problem, with the schedule's own codes. */
export interface ScheduleProblem {
  code: 'UNKNOWN_BILLING_FREQUENCY' | 'INVALID_TERM';
  recordId: string;
  message: string;
  fix: string;
}

function problem(code: ScheduleProblem['code'], recordId: string, message: string, fix: string): ScheduleProblem {
  return { code, recordId, message, fix };
}

/** Problems that stop a schedule: a recurring line needs a whole term of 1..120 months. */
export function scheduleProblems(lines: SfLineItem[]): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  for (const line of lines) {
    const frequency = frequencyOf(line);
    const label = `Line ${line.Id} (${line.Product2?.Name ?? line.Product2Id})`;
    const value = line.Billing_Frequency__c?.trim();
    if (!frequency && value && value !== 'One-time') {
      problems.push(problem('UNKNOWN_BILLING_FREQUENCY', line.Id, `${label} has Billing Frequency "${value}".`, 'Choose One-time, Monthly, Quarterly or Annual.'));
      continue;
    }
    if (!frequency) continue;
    const term = line.Term_Months__c;
    if (term === null || !Number.isInteger(term) || term < 1 || term > MAX_TERM_MONTHS) {
      problems.push(problem('INVALID_TERM', line.Id, `${label} bills ${frequency} but its Term (Months) is ${term ?? 'empty'}.`, `Set Term (Months) to a whole number of months between 1 and ${MAX_TERM_MONTHS}.`));
    }
  }
  return problems;
}

/** The schedule of a deal whose lines passed `scheduleProblems`, starting on `start` (YYYY-MM-DD). */
export function buildBillingSchedule(lines: SfLineItem[], start: string): BillingSchedule {
  const byDate = new Map<string, ScheduledLine[]>();
  const add = (date: string, line: ScheduledLine): void => {
    const list = byDate.get(date) ?? [];
    list.push(line);
    byDate.set(date, list);
  };
  let end = start;
  for (const line of lines) {
    const frequency = frequencyOf(line);
    const total = lineNetCents(line);
    if (!frequency) {
      add(start, { lineId: line.Id, amountCents: total, serviceStart: start, serviceEnd: start, periodNumber: 1, periodCount: 1, recurring: false });
      continue;
    }
    const term = line.Term_Months__c!;
    const step = PERIOD_MONTHS[frequency];
    const count = Math.ceil(term / step);
    const share = Math.floor(total / count);
    const termEnd = addMonths(start, term);
    if (termEnd > end) end = termEnd;
    for (let k = 0; k < count; k++) {
      const periodStart = addMonths(start, k * step);
      const next = k === count - 1 ? termEnd : addMonths(start, (k + 1) * step);
      const amountCents = k === count - 1 ? total - share * (count - 1) : share;
      add(periodStart, { lineId: line.Id, amountCents, serviceStart: periodStart, serviceEnd: dayBefore(next), periodNumber: k + 1, periodCount: count, recurring: true });
    }
  }
  const periods = [...byDate.keys()]
    .sort()
    .map((date, index) => {
      const scheduled = byDate.get(date)!;
      return { index, date, lines: scheduled, totalCents: scheduled.reduce((sum, l) => sum + l.amountCents, 0) };
    });
  return { start, end, periods, totalCents: periods.reduce((sum, p) => sum + p.totalCents, 0) };
}

/** The first period dated after `today` (YYYY-MM-DD), if any: "next invoice date and amount". */
export function nextPeriodAfter(schedule: Pick<BillingSchedule, 'periods'>, today: string): BillingPeriod | undefined {
  return schedule.periods.find((p) => p.date > today);
}
