/**
 * Open balances follow payments: an Invoice's Balance is TotalAmt minus what payments apply to it,
 * a CreditMemo's RemainingCredit is TotalAmt minus what payments consume, and the customer's Balance
 * is their sum. Linking a payment updates the invoice (new SyncToken, Update event), as in QBO.
 */
import { asArray, asObject, asString, type Entity } from '../json';
import { roundMoney, sumMoney, toNumber } from '../money';
import type { EntityContext } from './context';

export interface Application {
  paymentId: string;
  amount: number;
}

/** Every payment line that links the given transaction. */
export function applicationsTo(ctx: EntityContext, txnType: string, txnId: string, excludePaymentId?: string): Application[] {
  const result: Application[] = [];
  for (const payment of ctx.store.scan('Payment')) {
    if (payment.Id === excludePaymentId) continue;
    for (const line of asArray(payment.Line)) {
      const l = asObject(line) ?? {};
      const linked = asArray(l.LinkedTxn).some((t) => asObject(t)?.TxnType === txnType && asString(asObject(t)?.TxnId) === txnId);
      if (linked) result.push({ paymentId: payment.Id as string, amount: toNumber(l.Amount) ?? 0 });
    }
  }
  return result;
}

export function appliedTotal(ctx: EntityContext, txnType: string, txnId: string, excludePaymentId?: string): number {
  return sumMoney(applicationsTo(ctx, txnType, txnId, excludePaymentId).map((a) => a.amount));
}

/** Recomputes Balance (and RemainingCredit) and the Payment links of an Invoice or CreditMemo. */
export function refreshOpenBalance(ctx: EntityContext, entity: 'Invoice' | 'CreditMemo', id: string): void {
  const txn = ctx.store.get(entity, id);
  if (!txn) return;
  const applications = applicationsTo(ctx, entity, id);
  const total = toNumber(txn.TotalAmt) ?? 0;
  const balance = roundMoney(total - sumMoney(applications.map((a) => a.amount)));
  const otherLinks = asArray(txn.LinkedTxn).filter((t) => asObject(t)?.TxnType !== 'Payment');
  const paymentIds = [...new Set(applications.map((a) => a.paymentId))];
  const links = [...otherLinks, ...paymentIds.map((p) => ({ TxnId: p, TxnType: 'Payment' }))];
  const next: Entity = { ...txn, Balance: balance, LinkedTxn: links };
  if (entity === 'CreditMemo') next.RemainingCredit = balance;
  if (txn.Balance === next.Balance && JSON.stringify(txn.LinkedTxn) === JSON.stringify(links)) return;
  ctx.store.replace(entity, id, next);
}

/** Customer.Balance = open invoices − remaining credits − unapplied payments (no new SyncToken). */
export function refreshCustomerBalance(ctx: EntityContext, customerId: string | undefined): void {
  if (!customerId) return;
  const mine = (e: Entity) => asString(asObject(e.CustomerRef)?.value) === customerId;
  const open = sumMoney(ctx.store.scan('Invoice').filter(mine).map((i) => toNumber(i.Balance) ?? 0));
  const credits = sumMoney(ctx.store.scan('CreditMemo').filter(mine).map((c) => toNumber(c.RemainingCredit) ?? 0));
  const unapplied = sumMoney(ctx.store.scan('Payment').filter(mine).map((p) => toNumber(p.UnappliedAmt) ?? 0));
  const balance = roundMoney(open - credits - unapplied);
  ctx.store.patchQuietly('Customer', customerId, { Balance: balance, BalanceWithJobs: balance });
}
