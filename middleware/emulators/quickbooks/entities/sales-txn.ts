/** Invoice, CreditMemo, SalesReceipt and RefundReceipt: server-computed numbers, dates, currency and totals. */
import { faults } from '../faults';
import { asObject, asString, isObject, refValue, type Entity } from '../json';
import { roundMoney } from '../money';
import { isDateString } from '../clock';
import { namedRef, optionalRef } from './common';
import { addDays, automatedSalesTax, currencyRef, homeCurrency, multiCurrencyEnabled, preferences, today, type EntityContext } from './context';
import { appliedTotal, refreshCustomerBalance } from './balances';
import { requireCustomer } from './parties';
import { buildLines, computeTax, zeroLines } from './sales-lines';
import type { EntityDef } from './types';

const COMMON_TXN_FIELDS = [
  'DocNumber', 'TxnDate', 'PrivateNote', 'Line', 'CustomerRef', 'CurrencyRef', 'ExchangeRate', 'TxnTaxDetail', 'CustomerMemo', 'BillAddr',
  'ShipAddr', 'ShipFromAddr', 'BillEmail', 'BillEmailCc', 'BillEmailBcc', 'ClassRef', 'DepartmentRef', 'SalesTermRef', 'ApplyTaxAfterDiscount',
  'PrintStatus', 'EmailStatus', 'DeliveryInfo', 'CustomField', 'TotalAmt', 'HomeTotalAmt', 'Balance', 'HomeBalance', 'LinkedTxn',
  'GlobalTaxCalculation', 'TransactionLocationType', 'TxnSource', 'ShipMethodRef', 'ShipDate', 'TrackingNum', 'ProjectRef',
  'PaymentMethodRef', 'PaymentRefNum', 'DepositToAccountRef', 'TaxExemptionRef', 'TxnStatus', 'FreeFormAddress',
];
const INVOICE_FIELDS = [
  ...COMMON_TXN_FIELDS, 'DueDate', 'AllowIPNPayment', 'AllowOnlinePayment', 'AllowOnlineCreditCardPayment', 'AllowOnlineACHPayment',
  'Deposit', 'DepositToAccountRef', 'InvoiceLink', 'PONumber', 'RecurDataRef', 'SalesRepRef', 'TaxFormNum', 'TaxFormType',
];
const TXN_QUERYABLE = ['Id', 'DocNumber', 'TxnDate', 'DueDate', 'CustomerRef', 'TotalAmt', 'Balance', 'RemainingCredit', 'PrivateNote', 'MetaData.CreateTime', 'MetaData.LastUpdatedTime'];

/** Enabled sales-form custom fields, as the definitions QBO echoes on every sales transaction. */
function customFields(ctx: EntityContext): Entity[] {
  const groups = asObject(preferences(ctx).SalesFormsPrefs)?.CustomField;
  const settings = new Map<string, unknown>();
  for (const group of Array.isArray(groups) ? groups : []) {
    for (const f of Array.isArray(asObject(group)?.CustomField) ? (asObject(group)!.CustomField as unknown[]) : []) {
      const o = asObject(f);
      if (o) settings.set(String(o.Name), o.BooleanValue ?? o.StringValue);
    }
  }
  const out: Entity[] = [];
  for (const n of [1, 2, 3]) {
    if (settings.get(`SalesFormsPrefs.UseSalesCustom${n}`) === true) {
      out.push({ DefinitionId: String(n), Name: String(settings.get(`SalesFormsPrefs.SalesCustomName${n}`) ?? `Custom ${n}`), Type: 'StringType' });
    }
  }
  return out;
}

function dueDate(txnDate: string, term: Entity | undefined): string {
  if (!term) return addDays(txnDate, 30);
  if (term.Type === 'DATE_DRIVEN') {
    const dayDue = Number(term.DayOfMonthDue ?? 1);
    const cutoff = Number(term.DueNextMonthDays ?? 0);
    const [y, m, d] = txnDate.split('-').map(Number) as [number, number, number];
    const nextMonth = d > dayDue - cutoff || dayDue - d < cutoff;
    const due = new Date(Date.UTC(y, m - 1 + (nextMonth ? 1 : 0), 1));
    const last = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
    due.setUTCDate(Math.min(dayDue, last));
    return due.toISOString().slice(0, 10);
  }
  return addDays(txnDate, Number(term.DueDays ?? 0));
}

function docNumber(ctx: EntityContext, entity: string, body: Entity, existing: Entity | undefined): string {
  const given = asString(body.DocNumber);
  if (given === undefined || given === '') return existing ? (asString(existing.DocNumber) ?? '') : ctx.store.nextDocNumber(entity);
  if (given.length > 21) throw faults.stringLength('DocNumber', 21, given.length);
  const allowDup = body.__allowDuplicateDocNum === true;
  if (ctx.options.duplicateDocNumberCheck && !allowDup) {
    const clash = ctx.store.scan(entity).some((o) => o.Id !== existing?.Id && o.DocNumber === given);
    if (clash) throw faults.duplicateDocNumber(given);
  }
  return given;
}

function prepareSalesTxn(entity: 'Invoice' | 'CreditMemo' | 'SalesReceipt' | 'RefundReceipt', ctx: EntityContext, body: Entity, existing: Entity | undefined): Entity {
  if (!isObject(body.CustomerRef)) throw faults.requiredParam('CustomerRef');
  const customer = requireCustomer(ctx, body.CustomerRef);
  const customerCurrency = refValue(customer.CurrencyRef) ?? homeCurrency(ctx);
  const wanted = refValue(body.CurrencyRef) ?? customerCurrency;
  if (wanted !== customerCurrency) throw faults.business(`The currency of the transaction (${wanted}) must match the customer's currency (${customerCurrency}).`, 'CurrencyRef');
  const ast = automatedSalesTax(ctx);
  const built = buildLines(ctx, body.Line, customer.Taxable !== false, ast ? 'TAX' : 'NON');
  const requestedCode = refValue(asObject(body.TxnTaxDetail)?.TxnTaxCodeRef);
  const taxCodeId = ast ? (requestedCode ?? '2') : requestedCode;
  const tax = computeTax(ctx, taxCodeId, built.taxableBase);
  const total = roundMoney(built.subtotal - built.discount + tax.total);
  const txnDate = asString(body.TxnDate) ?? today(ctx);
  if (!isDateString(txnDate)) throw faults.business(`TxnDate ${txnDate} is not a valid date.`, 'TxnDate');
  const out: Entity = { ...body };
  delete out.__allowDuplicateDocNum;
  Object.assign(out, {
    CustomField: Array.isArray(body.CustomField) ? body.CustomField : customFields(ctx),
    DocNumber: docNumber(ctx, entity, body, existing),
    TxnDate: txnDate,
    CurrencyRef: currencyRef(customerCurrency),
    LinkedTxn: Array.isArray(existing?.LinkedTxn) ? existing.LinkedTxn : [],
    Line: built.lines,
    TxnTaxDetail: tax.detail,
    CustomerRef: namedRef(customer.Id as string, customer.DisplayName),
    TotalAmt: total,
    ApplyTaxAfterDiscount: body.ApplyTaxAfterDiscount === true,
    PrintStatus: asString(body.PrintStatus) ?? 'NeedToPrint',
    EmailStatus: asString(body.EmailStatus) ?? 'NotSet',
  });
  if (multiCurrencyEnabled(ctx)) {
    out.ExchangeRate = customerCurrency === homeCurrency(ctx) ? 1 : (typeof body.ExchangeRate === 'number' ? body.ExchangeRate : (ctx.options.exchangeRates[customerCurrency] ?? 1));
    out.HomeTotalAmt = roundMoney(total * (out.ExchangeRate as number));
  }
  if (!out.BillAddr && customer.BillAddr) out.BillAddr = customer.BillAddr;
  if (!out.ShipAddr && customer.ShipAddr) out.ShipAddr = customer.ShipAddr;
  if (!out.BillEmail && isObject(customer.PrimaryEmailAddr)) out.BillEmail = { Address: customer.PrimaryEmailAddr.Address };
  const applied = existing ? appliedTotal(ctx, entity, existing.Id as string) : 0;
  if (applied > total) throw faults.business(`The transaction total (${total}) cannot be less than the amount already applied to it (${applied}).`, 'TotalAmt');
  if (entity === 'Invoice') {
    const term = optionalRef(ctx, 'Term', body.SalesTermRef ?? customer.SalesTermRef ?? asObject(preferences(ctx).SalesFormsPrefs)?.DefaultTerms, 'SalesTermRef');
    if (term) out.SalesTermRef = namedRef(term.Id as string, term.Name);
    out.DueDate = asString(body.DueDate) ?? dueDate(txnDate, term);
    out.Deposit = typeof body.Deposit === 'number' ? body.Deposit : 0;
    Object.assign(out, { AllowIPNPayment: false, AllowOnlinePayment: false, AllowOnlineCreditCardPayment: false, AllowOnlineACHPayment: false });
    out.Balance = roundMoney(total - applied);
  } else if (entity === 'CreditMemo') {
    out.RemainingCredit = roundMoney(total - applied);
    out.Balance = out.RemainingCredit;
  } else if (entity === 'RefundReceipt') {
    // The account the refund is paid from is required (Intuit's RefundReceipt reference); nothing stays open.
    if (!isObject(body.DepositToAccountRef)) throw faults.requiredParam('DepositToAccountRef');
    out.Balance = 0;
    const from = optionalRef(ctx, 'Account', body.DepositToAccountRef, 'DepositToAccountRef');
    if (from) out.DepositToAccountRef = namedRef(from.Id as string, from.Name);
  } else {
    out.Balance = 0;
    const deposit = optionalRef(ctx, 'Account', body.DepositToAccountRef ?? { value: undepositedFundsId(ctx) }, 'DepositToAccountRef');
    if (deposit) out.DepositToAccountRef = namedRef(deposit.Id as string, deposit.Name);
  }
  return out;
}

export function undepositedFundsId(ctx: EntityContext): string {
  return (ctx.store.scan('Account').find((a) => a.AccountSubType === 'UndepositedFunds')?.Id as string | undefined) ?? '4';
}

function afterWrite(ctx: EntityContext, record: Entity | undefined, previous: Entity | undefined): void {
  const now = refValue(record?.CustomerRef);
  refreshCustomerBalance(ctx, now);
  const before = refValue(previous?.CustomerRef);
  if (before && before !== now) refreshCustomerBalance(ctx, before);
}

function beforeDelete(entity: 'Invoice' | 'CreditMemo') {
  return (ctx: EntityContext, existing: Entity) => {
    if (appliedTotal(ctx, entity, existing.Id as string) > 0) {
      throw faults.business('This transaction has payments or credits applied to it; remove those links first.');
    }
  };
}

function voidRecord(ctx: EntityContext, existing: Entity): Entity {
  if (appliedTotal(ctx, 'Invoice', existing.Id as string) > 0) throw faults.business('This invoice has payments applied to it; remove them before voiding.');
  return { ...existing, PrivateNote: 'Voided', Line: zeroLines(existing.Line), TxnTaxDetail: { TotalTax: 0 }, TotalAmt: 0, Balance: 0, ...(existing.HomeTotalAmt !== undefined ? { HomeTotalAmt: 0 } : {}) };
}

export const invoiceDef: EntityDef = {
  name: 'Invoice',
  kind: 'transaction',
  cdc: true,
  known: INVOICE_FIELDS,
  queryable: [...TXN_QUERYABLE, 'EmailStatus', 'PrintStatus'],
  serverFields: ['LinkedTxn'],
  prepare: (ctx, body, existing) => prepareSalesTxn('Invoice', ctx, body, existing),
  afterWrite,
  canDelete: true,
  beforeDelete: beforeDelete('Invoice'),
  voidRecord,
  canSend: true,
};

export const creditMemoDef: EntityDef = {
  name: 'CreditMemo',
  kind: 'transaction',
  cdc: true,
  known: [...COMMON_TXN_FIELDS, 'RemainingCredit', 'InvoiceRef'],
  queryable: TXN_QUERYABLE,
  serverFields: ['LinkedTxn'],
  prepare: (ctx, body, existing) => prepareSalesTxn('CreditMemo', ctx, body, existing),
  afterWrite,
  canDelete: true,
  beforeDelete: beforeDelete('CreditMemo'),
  canSend: true,
};

export const salesReceiptDef: EntityDef = {
  name: 'SalesReceipt',
  kind: 'transaction',
  cdc: true,
  known: COMMON_TXN_FIELDS,
  queryable: TXN_QUERYABLE,
  prepare: (ctx, body, existing) => prepareSalesTxn('SalesReceipt', ctx, body, existing),
  canDelete: true,
  canSend: true,
};

export const refundReceiptDef: EntityDef = {
  name: 'RefundReceipt',
  kind: 'transaction',
  cdc: true,
  known: [...COMMON_TXN_FIELDS, 'CheckPayment', 'CreditCardPayment', 'PaymentType'],
  queryable: TXN_QUERYABLE,
  prepare: (ctx, body, existing) => prepareSalesTxn('RefundReceipt', ctx, body, existing),
  canDelete: true,
};
