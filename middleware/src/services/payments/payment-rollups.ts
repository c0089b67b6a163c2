/**
 * Opportunity and Account roll-ups, recomputed from the Salesforce invoice mirror after invoices change.
 * Runs are serial and coalesced: requests that arrive while a run is in progress are merged into the next
 * run, which starts after the current one ends. So a roll-up always reads mirror rows written before it
 * was asked for, and an older run can never overwrite a newer one (within this process).
 * Account figures (receivables.ts: totals invoiced, paid and credited, open and overdue balance, last payment
 * date, average days to pay) come from the mirror rows of every document type and are in the Account's
 * currency; a document that cannot be converted is left out with a warning that says how to fix it. A deal's
 * figures count its invoices only (credit memos and receipts are not the deal's invoice).
 */
import type { Logger } from '../../logger';
import { ACCOUNT_FIELDS, OPPORTUNITY_FIELDS, SOBJECTS } from '../../salesforce/fields';
import type { CurrencyRates } from '../../sync/currency';
import { rollupOpportunity } from '../../sync/payment-status';
import { accountReceivables, documentKind } from '../../sync/receivables';
import type { OrgCurrencies } from './org-currencies';
import type { MirrorInvoice, PaymentMirror, RollupInvoice } from './payment-mirror';
import type { SalesforceWriteBack } from '../write-back';

const CHUNK = 100;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class PaymentRollups {
  private running: Promise<void> | null = null;
  private nextOpps = new Set<string>();
  private nextAccounts = new Set<string>();
  private waiters: Waiter[] = [];
  /** Roll-up runs made (for tests and benchmarks). */
  runs = 0;

  constructor(
    private readonly mirror: Pick<PaymentMirror, 'invoicesOf'>,
    private readonly writeBack: Pick<SalesforceWriteBack, 'update'>,
    private readonly logger: Logger,
    private readonly today: () => string,
    private readonly currencies: Pick<OrgCurrencies, 'rates' | 'isMultiCurrency'>,
  ) {}

  /** Resolves when a run that started after this call has written these records. */
  request(opportunityIds: Iterable<string>, accountIds: Iterable<string>): Promise<void> {
    for (const id of opportunityIds) this.nextOpps.add(id);
    for (const id of accountIds) this.nextAccounts.add(id);
    if (this.nextOpps.size === 0 && this.nextAccounts.size === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (!this.running) this.startNext();
    return done;
  }

  private startNext(): void {
    const opps = [...this.nextOpps];
    const accounts = [...this.nextAccounts];
    const waiters = this.waiters;
    this.nextOpps = new Set();
    this.nextAccounts = new Set();
    this.waiters = [];
    this.running = this.run(opps, accounts).then(
      () => waiters.forEach((w) => w.resolve()),
      (error: unknown) => waiters.forEach((w) => w.reject(error)),
    ).finally(() => {
      this.running = null;
      if (this.waiters.length > 0) this.startNext();
    });
  }

  private async run(opportunityIds: string[], accountIds: string[]): Promise<void> {
    this.runs += 1;
    const today = this.today();
    const org = accountIds.length > 0 ? await this.currencies.rates() : null;
    const multiCurrency = accountIds.length > 0 && (await this.currencies.isMultiCurrency());
    const writes: Array<Promise<true>> = [];
    for (let i = 0; i < Math.max(opportunityIds.length, accountIds.length); i += CHUNK) {
      const opps = opportunityIds.slice(i, i + CHUNK);
      const accounts = accountIds.slice(i, i + CHUNK);
      const invoices = await this.mirror.invoicesOf(opps, accounts);
      for (const id of opps) writes.push(this.writeOpportunity(id, invoices.filter((inv) => sameId(inv.opportunityId, id) && documentKind(inv.type) === 'invoice')));
      for (const id of accounts) writes.push(this.writeAccount(id, invoices.filter((inv) => sameId(inv.accountId, id)), today, org!, multiCurrency));
    }
    await Promise.all(writes);
    this.logger.debug({ opportunities: opportunityIds.length, accounts: accountIds.length }, 'payment roll-ups written');
  }

  private writeAccount(id: string, invoices: RollupInvoice[], today: string, org: CurrencyRates, multiCurrency: boolean): Promise<true> {
    // A single-currency org has one currency for all; a multi-currency org converts into the Account's.
    const accountCurrency = (multiCurrency ? invoices[0]?.accountCurrency : null) ?? org.corporate;
    const totals = accountReceivables(invoices, today, org, accountCurrency);
    for (const { invoice, currency, missing } of totals.unconverted) {
      const { reason, fix } = this.unconvertible(missing, org, multiCurrency);
      this.logger.warn(
        { accountId: id, invoiceKey: invoice.key, currency, accountCurrency, fix },
        `${invoice.type || 'Invoice'} ${invoice.key} in ${currency} is left out of the Open and Overdue Balance and the totals of Account ${id} (${accountCurrency}): ${reason}. Fix: ${fix}`,
      );
    }
    return this.writeBack.update(SOBJECTS.account, {
      Id: id,
      [ACCOUNT_FIELDS.openBalance]: totals.openBalance,
      [ACCOUNT_FIELDS.overdueBalance]: totals.overdueBalance,
      [ACCOUNT_FIELDS.totalInvoiced]: totals.totalInvoiced,
      [ACCOUNT_FIELDS.totalPaid]: totals.totalPaid,
      [ACCOUNT_FIELDS.totalCredited]: totals.totalCredited,
      [ACCOUNT_FIELDS.lastPaymentDate]: totals.lastPaymentDate,
      [ACCOUNT_FIELDS.averageDaysToPay]: totals.averageDaysToPay,
    });
  }

  /** Why Salesforce cannot convert `missing`, and what an admin does about it. */
  private unconvertible(missing: string, org: CurrencyRates, multiCurrency: boolean): { reason: string; fix: string } {
    return multiCurrency
      ? {
          reason: `${missing} is not an active currency in Salesforce`,
          fix: `Activate ${missing} with its conversion rate in Setup > Manage Currencies; the Account's next roll-up includes the invoice.`,
        }
      : {
          reason: `the Salesforce org has the single currency ${org.corporate}`,
          fix: `Enable multiple currencies in Salesforce and activate ${missing} in Setup > Manage Currencies (the middleware notices the change by itself).`,
        };
  }

  private writeOpportunity(id: string, invoices: MirrorInvoice[]): Promise<true> {
    const r = rollupOpportunity(invoices);
    return this.writeBack.update(SOBJECTS.opportunity, {
      Id: id,
      [OPPORTUNITY_FIELDS.quickBooksInvoiceId]: r.invoiceId,
      [OPPORTUNITY_FIELDS.invoiceNumber]: r.docNumber,
      [OPPORTUNITY_FIELDS.invoiceTotal]: r.total,
      [OPPORTUNITY_FIELDS.invoiceBalance]: r.balance,
      [OPPORTUNITY_FIELDS.invoiceDueDate]: r.dueDate,
      [OPPORTUNITY_FIELDS.lastPaymentDate]: r.lastPaymentDate,
    });
  }
}

/** Salesforce answers 18-character ids; callers may hold 15-character ones. */
function sameId(a: string | null, b: string): boolean {
  return a !== null && (a === b || a.slice(0, 15) === b.slice(0, 15));
}
