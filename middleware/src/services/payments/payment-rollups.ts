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
import { GATHERING_STAGES, type Gatherer, type Gathering } from '../../util/gathering';

/** Opportunities and Accounts per roll-up query (up to 400 ids keep the query well within Salesforce's URI limit). */
const CHUNK = 200;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  /**
   * Tells the gathering the run is over. Until then the job counts as waiting, also while its run is under way:
   * the run's writes are held for the other jobs like the job's own.
   */
  release?: () => void;
  /** The records this caller asked for, as `sobject|Id`: it learns their fate only, not other callers'. */
  records: string[];
}

export class PaymentRollups implements Gatherer {
  private running: Promise<void> | null = null;
  private nextOpps = new Set<string>();
  private nextAccounts = new Set<string>();
  /** Fields written with the next run's roll-up of a record, by `sobject|Id` (see `request`). */
  private nextFields = new Map<string, Record<string, unknown>>();
  private waiters: Waiter[] = [];
  /** Roll-up runs made (for tests and benchmarks). */
  runs = 0;

  constructor(
    private readonly mirror: Pick<PaymentMirror, 'invoicesOf'>,
    /** `send`, when there: a run's writes go out at once, not held for other jobs (see `run`). */
    private readonly writeBack: Pick<SalesforceWriteBack, 'update'> & Partial<Pick<SalesforceWriteBack, 'send'>>,
    private readonly logger: Logger,
    private readonly today: () => string,
    private readonly currencies: Pick<OrgCurrencies, 'rates' | 'isMultiCurrency'>,
    /**
     * With a Gathering, a run starts once no other job could join it (instead of at the first request), so the
     * roll-ups of a burst's deals go in one run: one query and one write collection per object.
     */
    private readonly gathering?: Gathering,
  ) {
    gathering?.register(this);
  }

  /** A run's writes come after the invoice records it reads (Gatherer). */
  readonly stage = GATHERING_STAGES.rollups;

  /** Requests waiting for a run that has not started (Gatherer). */
  get size(): number {
    return this.running ? 0 : this.waiters.length;
  }

  /** Starts a run with the requests held (Gatherer); a run in progress starts the next one itself. */
  flush(): void {
    if (!this.running && this.waiters.length > 0) this.startNext();
  }

  /**
   * Resolves when a run that started after this call has written these records. `with` adds fields to the
   * roll-up write of an Account or Opportunity among them (one write instead of two); a run writes its Accounts
   * before its Opportunities, and an Opportunity's added fields (the deal's Synced) are left out when an Account
   * asked for with it was refused. Rejects with the error of one of the caller's own records when any failed (or
   * when the whole run failed); the caller cannot then tell whether its fields were written.
   */
  request(opportunityIds: Iterable<string>, accountIds: Iterable<string>, options: { with?: Array<{ sobject: 'Account' | 'Opportunity'; record: Record<string, unknown> & { Id: string } }> } = {}): Promise<void> {
    const opps = [...opportunityIds];
    const accounts = [...accountIds];
    for (const id of opps) this.nextOpps.add(id);
    for (const id of accounts) this.nextAccounts.add(id);
    for (const { sobject, record } of options.with ?? []) {
      const key = `${sobject}|${record.Id}`;
      this.nextFields.set(key, { ...(this.nextFields.get(key) ?? {}), ...record });
      (sobject === 'Account' ? this.nextAccounts : this.nextOpps).add(record.Id);
    }
    if (this.nextOpps.size === 0 && this.nextAccounts.size === 0) return Promise.resolve();
    const records = [...opps.map((id) => `Opportunity|${id}`), ...accounts.map((id) => `Account|${id}`), ...(options.with ?? []).map(({ sobject, record }) => `${sobject}|${record.Id}`)];
    const waiter: Partial<Waiter> & Pick<Waiter, 'records'> = { records };
    const done = new Promise<void>((resolve, reject) => this.waiters.push(Object.assign(waiter, { resolve, reject })));
    if (this.gathering) waiter.release = this.gathering.hold();
    if (!this.gathering && !this.running) this.startNext();
    return done;
  }

  private startNext(): void {
    const opps = [...this.nextOpps];
    const accounts = [...this.nextAccounts];
    const waiters = this.waiters;
    const fields = this.nextFields;
    this.nextOpps = new Set();
    this.nextAccounts = new Set();
    this.nextFields = new Map();
    this.waiters = [];
    this.running = this.run(opps, accounts, fields, waiters).then(
      (failures) =>
        waiters.forEach((w) => {
          w.release?.();
          const own = w.records.find((key) => failures.has(key));
          if (own === undefined) w.resolve();
          else w.reject(failures.get(own));
        }),
      (error: unknown) => waiters.forEach((w) => (w.release?.(), w.reject(error))),
    ).finally(() => {
      this.running = null;
      if (this.waiters.length > 0) this.startNext();
    });
  }

  /**
   * Writes the roll-ups and returns the records refused, as `sobject|Id` → error (throws when the run itself
   * failed: the mirror or the rates could not be read). The run's writes are sent at once, not held for other
   * jobs: a total read now must not land after a newer one another instance wrote meanwhile.
   */
  private async run(opportunityIds: string[], accountIds: string[], fields: Map<string, Record<string, unknown>> = new Map(), waiters: Waiter[] = []): Promise<Map<string, unknown>> {
    this.runs += 1;
    const today = this.today();
    const org = accountIds.length > 0 ? await this.currencies.rates() : null;
    const multiCurrency = accountIds.length > 0 && (await this.currencies.isMultiCurrency());
    // Accounts first, then Opportunities: a deal that shows Synced (written with its roll-up) has its Account's.
    const accountWrites: Array<[string, Promise<true>]> = [];
    const opportunityRows: Array<[string, MirrorInvoice[]]> = [];
    for (let i = 0; i < Math.max(opportunityIds.length, accountIds.length); i += CHUNK) {
      const opps = opportunityIds.slice(i, i + CHUNK);
      const accounts = accountIds.slice(i, i + CHUNK);
      const invoices = await this.mirror.invoicesOf(opps, accounts);
      for (const id of opps) opportunityRows.push([id, invoices.filter((inv) => sameId(inv.opportunityId, id) && documentKind(inv.type) === 'invoice')]);
      for (const id of accounts) accountWrites.push([id, this.writeAccount(id, invoices.filter((inv) => sameId(inv.accountId, id)), today, org!, multiCurrency, fields.get(`Account|${id}`))]);
    }
    this.writeBack.send?.(SOBJECTS.account);
    const failures = new Map<string, unknown>();
    const accountsDone = await Promise.allSettled(accountWrites.map(([, write]) => write));
    accountsDone.forEach((r, i) => r.status === 'rejected' && failures.set(`Account|${accountWrites[i]![0]}`, r.reason));
    // A deal is not marked Synced (its added fields) when an Account asked for with it was refused.
    const withoutExtras = new Set(waiters.filter((w) => w.records.some((key) => failures.has(key))).flatMap((w) => w.records));
    const oppWrites = opportunityRows.map(([id, invoices]) => this.writeOpportunity(id, invoices, withoutExtras.has(`Opportunity|${id}`) ? undefined : fields.get(`Opportunity|${id}`)));
    this.writeBack.send?.(SOBJECTS.opportunity);
    (await Promise.allSettled(oppWrites)).forEach((r, i) => r.status === 'rejected' && failures.set(`Opportunity|${opportunityRows[i]![0]}`, r.reason));
    if (failures.size > 0) this.logger.warn({ refused: [...failures.keys()] }, 'Salesforce refused some roll-up writes; only their callers fail');
    else this.logger.debug({ opportunities: opportunityIds.length, accounts: accountIds.length }, 'payment roll-ups written');
    return failures;
  }

  private writeAccount(id: string, invoices: RollupInvoice[], today: string, org: CurrencyRates, multiCurrency: boolean, extra?: Record<string, unknown>): Promise<true> {
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
      ...extra,
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

  private writeOpportunity(id: string, invoices: MirrorInvoice[], extra?: Record<string, unknown>): Promise<true> {
    const r = rollupOpportunity(invoices);
    return this.writeBack.update(SOBJECTS.opportunity, {
      Id: id,
      [OPPORTUNITY_FIELDS.quickBooksInvoiceId]: r.invoiceId,
      [OPPORTUNITY_FIELDS.invoiceNumber]: r.docNumber,
      [OPPORTUNITY_FIELDS.invoiceTotal]: r.total,
      [OPPORTUNITY_FIELDS.invoiceBalance]: r.balance,
      [OPPORTUNITY_FIELDS.invoiceDueDate]: r.dueDate,
      [OPPORTUNITY_FIELDS.lastPaymentDate]: r.lastPaymentDate,
      ...extra,
    });
  }
}

/** Salesforce answers 18-character ids; callers may hold 15-character ones. */
function sameId(a: string | null, b: string): boolean {
  return a !== null && (a === b || a.slice(0, 15) === b.slice(0, 15));
}
