/** What entity code sees of the emulator: one realm's store, the options and the clock. */
import { addDays, formatDate } from '../clock';
import type { EmulatorOptions } from '../options';
import type { RealmStore } from '../store';
import { asObject, type Entity } from '../json';

export interface EntityContext {
  store: RealmStore;
  options: EmulatorOptions;
  now(): number;
}

export function today(ctx: EntityContext): string {
  return formatDate(ctx.now(), ctx.options.timeZone);
}

export { addDays };

export function preferences(ctx: EntityContext): Entity {
  return ctx.store.get('Preferences', '1') ?? {};
}

export function multiCurrencyEnabled(ctx: EntityContext): boolean {
  return asObject(preferences(ctx).CurrencyPrefs)?.MultiCurrencyEnabled === true;
}

export function automatedSalesTax(ctx: EntityContext): boolean {
  return asObject(preferences(ctx).TaxPrefs)?.PartnerTaxEnabled === true;
}

export function homeCurrency(ctx: EntityContext): string {
  const ref = asObject(asObject(preferences(ctx).CurrencyPrefs)?.HomeCurrency);
  return typeof ref?.value === 'string' ? ref.value : ctx.options.homeCurrency;
}

const CURRENCY_NAMES: Record<string, string> = {
  USD: 'United States Dollar',
  EUR: 'Euro',
  GBP: 'British Pound Sterling',
  CAD: 'Canadian Dollar',
  AUD: 'Australian Dollar',
  JPY: 'Japanese Yen',
};

export function currencyRef(code: string): { value: string; name: string } {
  return { value: code, name: CURRENCY_NAMES[code] ?? code };
}
