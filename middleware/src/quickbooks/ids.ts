import { AppError } from '../errors';

/** QuickBooks entity ids (and realm ids) are decimal numbers; anything else must never reach a URL path. */
const QBO_ID = /^\d{1,20}$/;

/** References whose value is not an entity id: US tax codes are `TAX`/`NON`, currencies are ISO codes. */
const NON_ID_REFS = new Set(['TaxCodeRef', 'CurrencyRef']);

export function isQboId(value: unknown): value is string {
  return typeof value === 'string' && QBO_ID.test(value);
}

/** Throws a permanent error naming the bad value (cut short) when `value` is not a QuickBooks id. */
export function assertQboId(value: unknown, what: string): string {
  if (isQboId(value)) return value;
  const shown = JSON.stringify(String(value).slice(0, 40));
  throw new AppError('MAPPING_ERROR', `${shown} is not a QuickBooks ${what} id (QuickBooks ids are 1 to 20 digits); nothing was sent to QuickBooks.`, {
    retryable: false,
    fix: `Correct the id where it was stored (for a customer, Account.QuickBooks_Customer_Id__c; for an item, Product2.QuickBooks_Item_Id__c), or clear it so that Ledgerline matches again.`,
  });
}

/** Checks every entity reference (`…Ref.value`, linked transaction ids) in a request body, at any depth. */
export function assertReferences(body: unknown, depth = 0): void {
  if (depth > 8 || body === null || typeof body !== 'object') return;
  if (Array.isArray(body)) {
    for (const item of body) assertReferences(item, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (key.endsWith('Ref') && !NON_ID_REFS.has(key) && value && typeof value === 'object' && 'value' in value) {
      assertQboId((value as { value: unknown }).value, key.slice(0, -3));
    } else if (key === 'TxnId') {
      assertQboId(value, 'transaction');
    } else {
      assertReferences(value, depth + 1);
    }
  }
}
