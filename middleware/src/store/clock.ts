/** Time source for everything that stores or compares timestamps; tests inject a manual clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The stored form of a timestamp: ISO-8601 UTC, fixed width, so text order is time order. */
export function iso(date: Date): string {
  return date.toISOString();
}

/** A clock a test moves by hand. */
export function manualClock(start = new Date('2025-01-01T00:00:00.000Z')): Clock & { advance(ms: number): void; set(date: Date): void } {
  let current = start.getTime();
  const clock = (() => new Date(current)) as Clock & { advance(ms: number): void; set(date: Date): void };
  clock.advance = (ms) => {
    current += ms;
  };
  clock.set = (date) => {
    current = date.getTime();
  };
  return clock;
}
