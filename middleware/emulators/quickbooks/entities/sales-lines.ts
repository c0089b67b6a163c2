/**
 * The line model of Invoice, CreditMemo and SalesReceipt: item lines, the SubTotal line, a discount
 * applied before tax, and the tax computed from the company's sales tax code.
 */
import { faults } from '../faults';
import { asArray, asObject, asString, refValue, type Entity } from '../json';
import { roundMoney, sumMoney, toNumber } from '../money';
import { namedRef, requireRef } from './common';
import type { EntityContext } from './context';

export interface LineResult {
  lines: Entity[];
  subtotal: number;
  discount: number;
  taxableBase: number;
}

function itemLine(ctx: EntityContext, raw: Entity, index: number, customerTaxable: boolean, taxDefault: 'TAX' | 'NON'): Entity {
  const detail = asObject(raw.SalesItemLineDetail) ?? {};
  const item = requireRef(ctx, 'Item', detail.ItemRef, 'Line.SalesItemLineDetail.ItemRef');
  const qty = toNumber(detail.Qty);
  let unitPrice = toNumber(detail.UnitPrice);
  let amount = toNumber(raw.Amount);
  if (amount === undefined) {
    if (qty !== undefined && unitPrice !== undefined) amount = roundMoney(qty * unitPrice);
    else throw faults.requiredParam('Line.Amount');
  }
  amount = roundMoney(amount);
  if (qty !== undefined && unitPrice === undefined && qty !== 0) unitPrice = amount / qty;
  if (ctx.options.strictLineAmounts && qty !== undefined && unitPrice !== undefined && Math.abs(roundMoney(qty * unitPrice) - amount) > 0.005) {
    throw faults.business(`Amount is not equal to UnitPrice * Qty. Supplied value:${amount}`, 'Line.Amount');
  }
  const requested = refValue(detail.TaxCodeRef);
  if (requested !== undefined && requested !== 'TAX' && requested !== 'NON') throw faults.invalidReference('TaxCode', requested);
  const itemTaxable = item.Taxable !== false;
  const taxCode = !customerTaxable ? 'NON' : (requested ?? (taxDefault === 'TAX' && itemTaxable ? 'TAX' : 'NON'));
  const outDetail: Entity = { ...detail, ItemRef: namedRef(item.Id as string, item.Name) };
  if (unitPrice !== undefined) outDetail.UnitPrice = unitPrice;
  if (qty !== undefined) outDetail.Qty = qty;
  outDetail.TaxCodeRef = { value: taxCode };
  const line: Entity = { Id: String(index), LineNum: index };
  const description = asString(raw.Description);
  if (description !== undefined) line.Description = description;
  Object.assign(line, { Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: outDetail });
  return line;
}

function discountLine(ctx: EntityContext, raw: Entity, subtotal: number): Entity {
  const detail = asObject(raw.DiscountLineDetail) ?? {};
  const percentBased = detail.PercentBased === true;
  let amount: number;
  const out: Entity = { PercentBased: percentBased };
  if (percentBased) {
    const percent = toNumber(detail.DiscountPercent);
    if (percent === undefined) throw faults.requiredParam('Line.DiscountLineDetail.DiscountPercent');
    amount = roundMoney((subtotal * percent) / 100);
    out.DiscountPercent = percent;
  } else {
    const given = toNumber(raw.Amount);
    if (given === undefined) throw faults.requiredParam('Line.Amount');
    amount = roundMoney(given);
  }
  if (amount < 0 || amount > subtotal) throw faults.business('The discount amount cannot be more than the subtotal.', 'Line.Amount');
  const accountId = refValue(detail.DiscountAccountRef) ?? discountAccountId(ctx);
  const account = requireRef(ctx, 'Account', { value: accountId }, 'DiscountAccountRef');
  out.DiscountAccountRef = namedRef(account.Id as string, account.Name);
  return { Amount: amount, DetailType: 'DiscountLineDetail', DiscountLineDetail: out };
}

function discountAccountId(ctx: EntityContext): string {
  const account = ctx.store.scan('Account').find((a) => a.AccountSubType === 'DiscountsRefundsGiven');
  if (!account) throw faults.requiredParam('Line.DiscountLineDetail.DiscountAccountRef');
  return account.Id as string;
}

/** Builds the output lines: item lines (Id/LineNum), then SubTotal, then the discount line if any. */
export function buildLines(ctx: EntityContext, rawLines: unknown, customerTaxable: boolean, taxDefault: 'TAX' | 'NON'): LineResult {
  const input = asArray(rawLines).map((l) => asObject(l) ?? {});
  const itemLines: Entity[] = [];
  const otherLines: Entity[] = [];
  let discountRaw: Entity | undefined;
  for (const raw of input) {
    const type = asString(raw.DetailType);
    if (type === 'SalesItemLineDetail') itemLines.push(itemLine(ctx, raw, itemLines.length + otherLines.length + 1, customerTaxable, taxDefault));
    else if (type === 'DescriptionOnly') otherLines.push({ Id: String(itemLines.length + otherLines.length + 1), LineNum: itemLines.length + otherLines.length + 1, Description: asString(raw.Description) ?? '', DetailType: 'DescriptionOnly', DescriptionLineDetail: asObject(raw.DescriptionLineDetail) ?? {} });
    else if (type === 'DiscountLineDetail') discountRaw = raw;
    else if (type === 'SubTotalLineDetail' || type === 'TaxLineDetail') continue;
    else throw faults.business(`Unsupported line DetailType ${type ?? '(missing)'}.`, 'Line.DetailType');
  }
  if (itemLines.length === 0) throw faults.requiredParam('Line');
  const subtotal = sumMoney(itemLines.map((l) => l.Amount as number));
  const lines = [...itemLines, ...otherLines, { Amount: subtotal, DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} }];
  let discount = 0;
  if (discountRaw) {
    const line = discountLine(ctx, discountRaw, subtotal);
    discount = line.Amount as number;
    lines.push(line);
  }
  const taxable = sumMoney(itemLines.filter((l) => refValue((l.SalesItemLineDetail as Entity).TaxCodeRef) === 'TAX').map((l) => l.Amount as number));
  // The discount applies before tax: taxable lines carry their share of it.
  const taxableBase = subtotal > 0 ? roundMoney(taxable - (discount * taxable) / subtotal) : 0;
  return { lines, subtotal, discount, taxableBase };
}

/** TxnTaxDetail for a taxable base using a TaxCode's sales rates. */
export function computeTax(ctx: EntityContext, taxCodeId: string | undefined, taxableBase: number): { detail: Entity; total: number } {
  if (!taxCodeId || taxableBase <= 0) return { detail: { TotalTax: 0 }, total: 0 };
  const code = requireRef(ctx, 'TaxCode', { value: taxCodeId }, 'TxnTaxDetail.TxnTaxCodeRef');
  const rates = asArray(asObject(code.SalesTaxRateList)?.TaxRateDetail);
  const taxLines = rates.map((r) => {
    const rateId = refValue(asObject(r)?.TaxRateRef) ?? '';
    const rate = ctx.store.get('TaxRate', rateId);
    const percent = toNumber(rate?.RateValue) ?? 0;
    return {
      Amount: roundMoney((taxableBase * percent) / 100),
      DetailType: 'TaxLineDetail',
      TaxLineDetail: { TaxRateRef: { value: rateId }, PercentBased: true, TaxPercent: percent, NetAmountTaxable: taxableBase },
    };
  });
  const total = sumMoney(taxLines.map((l) => l.Amount));
  return { detail: { TxnTaxCodeRef: { value: taxCodeId }, TotalTax: total, TaxLine: taxLines }, total };
}

/** A voided transaction keeps its lines with every amount zeroed. */
export function zeroLines(lines: unknown): Entity[] {
  return asArray(lines).map((l) => ({ ...(asObject(l) ?? {}), Amount: 0 }));
}
