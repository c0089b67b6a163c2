/** Every entity the emulator serves, by canonical name and by the lower-case URL segment. */
import { itemDef } from './item';
import { accountDef, companyCurrencyDef, companyInfoDef, preferencesDef, taxCodeDef, taxRateDef, termDef } from './lists';
import { customerDef, employeeDef, vendorDef } from './parties';
import { paymentDef } from './payment';
import { creditMemoDef, invoiceDef, refundReceiptDef, salesReceiptDef } from './sales-txn';
import type { EntityDef } from './types';

const ALL: EntityDef[] = [
  customerDef, vendorDef, employeeDef, itemDef, invoiceDef, creditMemoDef, salesReceiptDef, refundReceiptDef, paymentDef,
  termDef, accountDef, taxCodeDef, taxRateDef, companyInfoDef, preferencesDef, companyCurrencyDef,
];

const BY_LOWER = new Map(ALL.map((d) => [d.name.toLowerCase(), d]));

/** Case-insensitive lookup: `invoice`, `Invoice` and `INVOICE` all resolve. */
export function findEntity(name: string): EntityDef | undefined {
  return BY_LOWER.get(name.toLowerCase());
}

export function allEntities(): readonly EntityDef[] {
  return ALL;
}
