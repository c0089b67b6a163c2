/**
 * The emulator's notion of "now" and the company-local date/time formats QBO emits.
 * Everything time-dependent (token expiry, TxnDate, MetaData, rate windows, CDC) reads this clock,
 * so tests can move time without waiting.
 */
export interface Clock {
  now(): number;
  /** Moves the fake clock forward; throws when the emulator was given a custom `now()`. */
  advance(ms: number): number;
  /** Pins the fake clock to an instant (ms since epoch or ISO string). */
  set(instant: number | string): number;
  /** Back to following the wall clock. */
  useRealTime(): void;
}

export function createClock(customNow?: () => number): Clock {
  let offset = 0;
  let pinned: number | undefined;
  const base = customNow ?? (() => Date.now());
  return {
    now: () => (pinned !== undefined ? pinned : base() + offset),
    advance(ms: number) {
      if (pinned !== undefined) pinned += ms;
      else offset += ms;
      return this.now();
    },
    set(instant: number | string) {
      pinned = typeof instant === 'number' ? instant : Date.parse(instant);
      if (Number.isNaN(pinned)) throw new Error(`clock.set: not a date: ${String(instant)}`);
      return pinned;
    },
    useRealTime() {
      pinned = undefined;
      offset = 0;
    },
  };
}

interface LocalParts {
  date: string;
  time: string;
  offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function localParts(ms: number, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatterFor(timeZone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}:${parts.second}`;
  const asUtc = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!);
  const offsetMinutes = Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
  return { date, time, offsetMinutes };
}

function offsetString(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return colon ? `${sign}${hh}:${mm}` : `${sign}${hh}${mm}`;
}

/** `2020-09-29T05:58:07-07:00` (MetaData style, second precision). */
export function formatDateTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.date}T${p.time}${offsetString(p.offsetMinutes, true)}`;
}

/** `2020-09-29T05:58:07.300-07:00` (the `time` field of every response). */
export function formatResponseTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  const millis = String(((ms % 1000) + 1000) % 1000).padStart(3, '0');
  return `${p.date}T${p.time}.${millis}${offsetString(p.offsetMinutes, true)}`;
}

/** `2015-10-05T14:42:19-0700` (legacy webhook `lastUpdated`). */
export function formatWebhookTime(ms: number, timeZone: string): string {
  const p = localParts(ms, timeZone);
  return `${p.date}T${p.time}${offsetString(p.offsetMinutes, false)}`;
}

/** Company-local calendar date `YYYY-MM-DD`. */
export function formatDate(ms: number, timeZone: string): string {
  return localParts(ms, timeZone).date;
}

/** Adds days to a `YYYY-MM-DD` date (calendar arithmetic, no time zone involved). */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function isDateString(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}
