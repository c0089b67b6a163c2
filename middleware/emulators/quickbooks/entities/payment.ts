/**
 * Payment: lines link invoices (reducing their Balance) and credit memos (consuming their credit).
 * UnappliedAmt = TotalAmt − (invoice amounts − credit amounts).
 */
import { faults } from '../faults';
import { asArray, asObject, asString, isObject, refValue, type Entity } from '../json';
import { roundMoney, sumMoney, toNumber } from '../money';
import { isDateString } from '../clock';
import { namedRef, optionalRef } from './common';
import { currencyRef, homeCurrency, multiCurrencyEnabled, today, type EntityContext } from './context';
import { appliedTotal, refreshCustomerBalance, refreshOpenBalance } from './balances';
import { requireCustomer } from './parties';
import { undepositedFundsId } from './sales-txn';
import type { EntityDef } from './types';

function lineEx(txnId: string, openBalance: number, docNumber: string): Entity {
  const nv = (Name: string, Value: string) => ({
    name: '{http://schema.intuit.com/finance/v3}NameValue',
    declaredType: 'com.intuit.schema.finance.v3.NameValue',
    scope: 'javax.xml.bind.JAXBElement$GlobalScope',
    value: { Name, Value },
    nil: false,
    globalScope: true,
    typeSubstituted: false,
  });
  return { any: [nv('txnId', txnId), nv('txnOpenBalance', openBalance.toFixed(2)), nv('txnReferenceNumber', docNumber)] };
}

function paymentLine(ctx: EntityContext, raw: Entity, customerId: string, paymentId: string | undefined): { line: Entity; signed: number } {
  const amount = roundMoney(toNumber(raw.Amount) ?? NaN);
  if (Number.isNaN(amount)) throw faults.requiredParam('Line.Amount');
  if (amount <= 0) throw faults.business('A payment line amount must be greater than zero.', 'Line.Amount');
  const links = asArray(raw.LinkedTxn).map((t) => asObject(t) ?? {});
  if (links.length !== 1) throw faults.requiredParam('Line.LinkedTxn');
  const txnId = asString(links[0]!.TxnId) ?? '';
  const txnType = asString(links[0]!.TxnType);
  if (txnType !== 'Invoice' && txnType !== 'CreditMemo') throw faults.business(`Payments can link Invoice or CreditMemo, not ${txnType ?? '(none)'}.`, 'Line.LinkedTxn.TxnType');
  const txn = ctx.store.get(txnType, txnId);
  if (!txn) throw faults.invalidReference(txnType, txnId);
  if (refValue(txn.CustomerRef) !== customerId) throw faults.business(`${txnType} ${txnId} belongs to another customer.`, 'Line.LinkedTxn');
  const open = roundMoney((toNumber(txn.TotalAmt) ?? 0) - appliedTotal(ctx, txnType, txnId, paymentId));
  if (amount > open) throw faults.business(`The amount applied to ${txnType} ${txnId} (${amount}) is more than its open balance (${open}).`, 'Line.Amount');
  const line: Entity = { Amount: amount, LinkedTxn: [{ TxnId: txnId, TxnType: txnType }] };
  if (txnType === 'Invoice') line.LineEx = lineEx(txnId, open, asString(txn.DocNumber) ?? '');
  return { line, signed: txnType === 'Invoice' ? amount : -amount };
}

function linkedTxnIds(payment: Entity | undefined): Array<['Invoice' | 'CreditMemo', string]> {
  const out: Array<['Invoice' | 'CreditMemo', string]> = [];
  for (const line of asArray(payment?.Line)) {
    for (const t of asArray(asObject(line)?.LinkedTxn)) {
      const type = asObject(t)?.TxnType;
      const id = asString(asObject(t)?.TxnId);
      if ((type === 'Invoice' || type === 'CreditMemo') && id) out.push([type, id]);
    }
  }
  return out;
}

function afterWrite(ctx: EntityContext, record: Entity | undefined, previous: Entity | undefined): void {
  const touched = new Map<string, ['Invoice' | 'CreditMemo', string]>();
  for (const link of [...linkedTxnIds(previous), ...linkedTxnIds(record)]) touched.set(link.join(':'), link);
  for (const [type, id] of touched.values()) refreshOpenBalance(ctx, type, id);
  refreshCustomerBalance(ctx, refValue(record?.CustomerRef ?? previous?.CustomerRef));
  const before = refValue(previous?.CustomerRef);
  if (before && record && before !== refValue(record.CustomerRef)) refreshCustomerBalance(ctx, before);
}

export const paymentDef: EntityDef = {
  name: 'Payment',
  kind: 'transaction',
  cdc: true,
  known: [
    'TxnDate', 'CustomerRef', 'CurrencyRef', 'ExchangeRate', 'DepositToAccountRef', 'PaymentMethodRef', 'PaymentRefNum', 'TotalAmt',
    'UnappliedAmt', 'ProcessPayment', 'Line', 'PrivateNote', 'ARAccountRef', 'CreditCardPayment', 'TxnSource', 'TransactionLocationType', 'ProjectRef', 'TaxExemptionRef',
  ],
  queryable: ['Id', 'TxnDate', 'CustomerRef', 'TotalAmt', 'UnappliedAmt', 'PaymentRefNum', 'MetaData.CreateTime', 'MetaData.LastUpdatedTime'],
  prepare(ctx, body, existing) {
    if (!isObject(body.CustomerRef)) throw faults.requiredParam('CustomerRef');
    const total = toNumber(body.TotalAmt);
    if (total === undefined) throw faults.requiredParam('TotalAmt');
    if (total < 0) throw faults.business('TotalAmt cannot be negative.', 'TotalAmt');
    const customer = requireCustomer(ctx, body.CustomerRef);
    const customerId = customer.Id as string;
    const built = asArray(body.Line).map((l) => paymentLine(ctx, asObject(l) ?? {}, customerId, existing?.Id as string | undefined));
    const applied = sumMoney(built.map((b) => b.signed));
    const unapplied = roundMoney(total - applied);
    if (unapplied < 0) throw faults.business(`The payment total (${total}) is less than the amount applied (${applied}).`, 'TotalAmt');
    const txnDate = asString(body.TxnDate) ?? today(ctx);
    if (!isDateString(txnDate)) throw faults.business(`TxnDate ${txnDate} is not a valid date.`, 'TxnDate');
    const currency = refValue(customer.CurrencyRef) ?? homeCurrency(ctx);
    const deposit = optionalRef(ctx, 'Account', body.DepositToAccountRef ?? { value: undepositedFundsId(ctx) }, 'DepositToAccountRef');
    const out: Entity = {
      ...body,
      TxnDate: txnDate,
      CurrencyRef: currencyRef(currency),
      Line: built.map((b) => b.line),
      CustomerRef: namedRef(customerId, customer.DisplayName),
      TotalAmt: roundMoney(total),
      UnappliedAmt: unapplied,
      ProcessPayment: body.ProcessPayment === true,
    };
    if (deposit) out.DepositToAccountRef = namedRef(deposit.Id as string, deposit.Name);
    if (multiCurrencyEnabled(ctx)) out.ExchangeRate = currency === homeCurrency(ctx) ? 1 : (ctx.options.exchangeRates[currency] ?? 1);
    return out;
  },
  afterWrite,
  canDelete: true,
  voidRecord(_ctx, existing) {
    return { ...existing, TotalAmt: 0, UnappliedAmt: 0, Line: [], PrivateNote: 'Voided' };
  },
};

