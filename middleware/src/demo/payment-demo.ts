/**
 * The payment-status part of `npm run demo`: on a deal that already has its QBO invoice, a customer pays
 * part, then the rest, in the QBO emulator; each step waits until the Salesforce emulator shows it and
 * reports how long that took. Only for the emulators (it acts as the QuickBooks user).
 */
import type { QboEmulatorControl } from '@ledgerline/emulators/quickbooks';
import type { EmulatorControl } from '@ledgerline/emulators/salesforce';

export interface PaymentDemoStack {
  qbo: { control: QboEmulatorControl };
  sf: { control: EmulatorControl };
  /** The middleware's base URL (webhooks are pointed at it). */
  url: string;
  realmId: string;
  /** `QBO_WEBHOOK_VERIFIER_TOKEN` the middleware runs with. */
  verifierToken: string;
}

export interface PaymentDemoStep {
  action: string;
  paymentId: string;
  amount: number;
  /** Milliseconds from the payment in QBO to the Opportunity showing it. */
  ms: number;
  opportunity: { status: unknown; total: unknown; balance: unknown; lastPaymentDate: unknown };
  account: { openBalance: unknown; overdueBalance: unknown };
}

/**
 * Pays `fraction` of the deal's invoice, then the rest. Returns one step per payment; `log` gets a line
 * a presenter can read out ("Partial payment of 2,000.00 visible on the Opportunity after 180 ms: Partially Paid").
 */
export async function demoPaymentStatus(stack: PaymentDemoStack, opportunityId: string, options: { fraction?: number; timeoutMs?: number; log?: (line: string) => void } = {}): Promise<PaymentDemoStep[]> {
  const log = options.log ?? (() => undefined);
  stack.qbo.control.webhooks.configure({ url: `${stack.url}/webhooks/quickbooks`, verifierToken: stack.verifierToken });
  const opp = () => stack.sf.control.record('Opportunity', opportunityId) as Record<string, unknown> | null;
  const invoiceId = opp()?.QuickBooks_Invoice_Id__c;
  if (typeof invoiceId !== 'string') throw new Error(`Opportunity ${opportunityId} has no QuickBooks invoice yet: close it as won and wait for the sync first.`);
  const invoice = stack.qbo.control.get(stack.realmId, 'Invoice', invoiceId) as { Balance: number };
  const first = Math.round(invoice.Balance * (options.fraction ?? 0.4) * 100) / 100;
  const steps: PaymentDemoStep[] = [];
  for (const [action, amount] of [['Partial payment', first], ['Final payment', Math.round((invoice.Balance - first) * 100) / 100]] as const) {
    const expected = Math.round(((stack.qbo.control.get(stack.realmId, 'Invoice', invoiceId) as { Balance: number }).Balance - amount) * 100) / 100;
    const accountOf = () => stack.sf.control.record('Account', String(opp()?.AccountId)) ?? {};
    // One roll-up run writes the deal, then its Account, in two calls: the step waits for both.
    const accountExpected = Math.round((Number(accountOf().Open_Balance__c ?? 0) - amount) * 100) / 100;
    const started = Date.now();
    const payment = stack.qbo.control.applyPayment(stack.realmId, { invoices: [{ id: invoiceId, amount }] });
    await until(() => opp()?.Invoice_Balance__c === expected, options.timeoutMs ?? 15_000, `${action.toLowerCase()} on ${opportunityId}`);
    const ms = Date.now() - started;
    await until(() => accountOf().Open_Balance__c === accountExpected, options.timeoutMs ?? 15_000, `${action.toLowerCase()} on the Account of ${opportunityId}`);
    const o = opp()!;
    const account = accountOf();
    const step: PaymentDemoStep = {
      action,
      paymentId: String(payment.Id),
      amount,
      ms,
      opportunity: { status: o.Payment_Status__c, total: o.Invoice_Total__c, balance: o.Invoice_Balance__c, lastPaymentDate: o.Last_Payment_Date__c },
      account: { openBalance: account.Open_Balance__c, overdueBalance: account.Overdue_Balance__c },
    };
    steps.push(step);
    log(`${action} of ${amount.toFixed(2)} visible on the Opportunity after ${ms} ms: ${String(o.Payment_Status__c)}, balance ${String(o.Invoice_Balance__c)}`);
  }
  return steps;
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for the ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
