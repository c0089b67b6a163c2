/**
 * A company with years of history in one call (control API): customers, then invoices, payments, credit
 * memos, sales receipts and refund receipts spread over the period in date order, each made through the same
 * create path as the API (server-computed totals, balances, links). Deterministic for a given `seed`.
 */
import { faults } from './faults';
import type { Entity } from './json';
import { addDays, today } from './entities/context';
import type { EntityContext } from './entities/context';
import { findEntity } from './entities/registry';
import { createEntity } from './operations';

export interface HistorySeedOptions {
  /** Customers created (default 300). */
  customers?: number;
  /** Documents created in all, payments included (default 5,000). */
  documents?: number;
  /** How far back the first document may be dated (default 24 months). */
  months?: number;
  /** Pseudo-random seed: the same options give the same company (default 1). */
  seed?: number;
  /** Display names are `<prefix> 001`… (default "History Customer"). */
  namePrefix?: string;
  /** An invoice's PrivateNote, by customer index and the invoice's number within the run (e.g. a deal marker). */
  invoiceNote?: (customerIndex: number, invoiceNumber: number) => string | undefined;
}

export interface HistorySeedResult {
  customers: Array<{ Id: string; DisplayName: string }>;
  counts: Record<'Invoice' | 'Payment' | 'CreditMemo' | 'SalesReceipt' | 'RefundReceipt', number>;
  from: string;
  to: string;
}

/** Share of each kind among the documents (payments pay an open invoice of the same customer). */
const MIX: Array<[keyof HistorySeedResult['counts'], number]> = [['Invoice', 0.45], ['Payment', 0.25], ['CreditMemo', 0.08], ['SalesReceipt', 0.17], ['RefundReceipt', 0.05]];

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const line = (amount: number): Entity => ({ Amount: amount, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: amount } });

export function seedHistory(ctx: EntityContext, options: HistorySeedOptions = {}): HistorySeedResult {
  const customerCount = options.customers ?? 300;
  const documents = options.documents ?? 5000;
  const months = options.months ?? 24;
  if (customerCount < 1 || documents < 0 || months < 1) throw faults.business('seedHistory needs at least one customer, no negative count and at least one month.');
  const rand = random(options.seed ?? 1);
  const def = (name: string) => findEntity(name)!;
  const end = today(ctx);
  const days = Math.round(months * 30.4);
  const prefix = options.namePrefix ?? 'History Customer';
  const width = String(customerCount).length;
  const customers = Array.from({ length: customerCount }, (_, i) => {
    const c = createEntity(ctx, def('Customer'), { DisplayName: `${prefix} ${String(i + 1).padStart(Math.max(3, width), '0')}` });
    return { Id: c.Id as string, DisplayName: c.DisplayName as string };
  });
  // Date order, so a payment always comes after the invoice it pays.
  const slots = Array.from({ length: documents }, () => ({ offset: Math.floor(rand() * days), customer: Math.floor(rand() * customerCount), pick: rand(), amount: Math.round((50 + rand() * 4950) * 100) / 100, share: rand() }));
  slots.sort((a, b) => b.offset - a.offset);
  const counts: HistorySeedResult['counts'] = { Invoice: 0, Payment: 0, CreditMemo: 0, SalesReceipt: 0, RefundReceipt: 0 };
  const open = new Map<number, Array<{ id: string; balance: number }>>();
  for (const slot of slots) {
    const txnDate = addDays(end, -slot.offset);
    const customerRef = { value: customers[slot.customer]!.Id };
    let kind = MIX[MIX.length - 1]![0];
    let acc = 0;
    for (const [name, share] of MIX) {
      acc += share;
      if (slot.pick < acc) {
        kind = name;
        break;
      }
    }
    const unpaid = open.get(slot.customer) ?? [];
    if (kind === 'Payment' && unpaid.length === 0) kind = 'Invoice';
    if (kind === 'Payment') {
      const target = unpaid[0]!;
      const amount = slot.share < 0.7 ? target.balance : Math.max(0.01, Math.round(target.balance * slot.share * 100) / 100);
      createEntity(ctx, def('Payment'), { CustomerRef: customerRef, TxnDate: txnDate, TotalAmt: amount, Line: [{ Amount: amount, LinkedTxn: [{ TxnId: target.id, TxnType: 'Invoice' }] }] });
      target.balance = Math.round((target.balance - amount) * 100) / 100;
      if (target.balance <= 0) unpaid.shift();
    } else {
      const body: Entity = { CustomerRef: customerRef, TxnDate: txnDate, Line: [line(slot.amount)] };
      if (kind === 'Invoice') {
        const note = options.invoiceNote?.(slot.customer, counts.Invoice);
        if (note) body.PrivateNote = note;
      }
      if (kind === 'RefundReceipt') body.DepositToAccountRef = { value: checkingAccount(ctx) };
      const created = createEntity(ctx, def(kind), body);
      if (kind === 'Invoice') open.set(slot.customer, [...unpaid, { id: created.Id as string, balance: created.Balance as number }]);
    }
    counts[kind] += 1;
  }
  return { customers, counts, from: addDays(end, -days), to: end };
}

function checkingAccount(ctx: EntityContext): string {
  return (ctx.store.scan('Account').find((a) => a.AccountType === 'Bank')?.Id as string | undefined) ?? '8';
}
