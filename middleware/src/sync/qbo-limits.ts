/**
 * String limits of QuickBooks Online fields that Ledgerline writes, from Intuit's Accounting API entity
 * reference (developer.intuit.com → QuickBooks Online → API reference → Accounting):
 * - Customer (…/all-entities/customer): DisplayName max 500 characters, CompanyName max 100,
 *   PrintOnCheckName max 110, PrimaryPhone.FreeFormNumber max 30, PrimaryEmailAddr.Address max 100;
 * - PhysicalAddress (BillAddr, the same page): Line1–Line5 max 500, City max 255,
 *   CountrySubDivisionCode max 255, PostalCode max 30, Country max 255;
 * - Invoice (…/all-entities/invoice): CustomerMemo max 1000, line Description max 4000, DocNumber max 21,
 *   PrivateNote max 4000;
 * - Item (…/all-entities/item): Name max 100.
 * Only a value longer than its field is cut; everything else is sent whole.
 */
export const QBO_LIMITS = {
  customer: { DisplayName: 500, CompanyName: 100, PrintOnCheckName: 110, phone: 30, email: 100 },
  address: { Line1: 500, City: 255, CountrySubDivisionCode: 255, PostalCode: 30, Country: 255 },
  invoice: { CustomerMemo: 1000, LineDescription: 4000, DocNumber: 21, PrivateNote: 4000 },
  item: { Name: 100 },
} as const;

/** `text` cut to `max` characters (never inside a surrogate pair), trailing spaces dropped; unchanged when it fits. */
export function fitTo(text: string, max: number): string {
  if (text.length <= max) return text;
  return Array.from(text).slice(0, max).join('').slice(0, max).trimEnd();
}
