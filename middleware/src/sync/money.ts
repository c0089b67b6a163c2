/**
 * Money in integer cents. Floating-point sums of prices drift (0.1 + 0.2), and an invoice that is off
 * by a cent against the Opportunity is a support ticket, so every total is computed here in cents.
 */
export function toCents(amount: number): number {
  if (!Number.isFinite(amount)) throw new RangeError(`Not a finite amount: ${amount}`);
  return roundCents(amount * 100);
}

/**
 * Whole cents from a fractional number of cents (a converted amount): half away from zero, as accounting
 * rounds, after removing binary noise (1.005 × 100 is 100.49999…).
 */
export function roundCents(cents: number): number {
  if (!Number.isFinite(cents)) throw new RangeError(`Not a finite amount of cents: ${cents}`);
  return Math.sign(cents) * Math.round(Number(Math.abs(cents).toPrecision(15)));
}

export function fromCents(cents: number): number {
  return cents / 100;
}

/** Rounds a money amount to cents. */
export function roundMoney(amount: number): number {
  return fromCents(toCents(amount));
}

/** Rounds a unit price to QBO's precision for unit prices (it keeps more than two decimals). */
export function roundUnitPrice(amount: number, decimals = 5): number {
  const factor = 10 ** decimals;
  return Math.round(Number((amount * factor).toPrecision(15))) / factor;
}

export function sumCents(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
