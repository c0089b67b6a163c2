/**
 * Opportunity and Account roll-ups, recomputed from the Salesforce invoice mirror after invoices change.
 * Runs are serial and coalesced: requests that arrive while a run is in progress are merged into the next
 * run, which starts after the current one ends. So a roll-up always sees mirror rows written before it
 * was asked for, and an older run can never overwrite a newer one (within this process). A new invoice's
 * record is written by the run itself, with the roll-ups, in one combined call; its rows may come from a read
 * made ahead (while QuickBooks created the invoice), used only while nothing it covers changed since (`prefetch`).
 * Across processes (PostgreSQL: several instances on one database) a run holds locks on its Accounts and
 * Opportunities from before its read until its write has answered (`RollupLocks`), and reads no rows ahead: the
 * staleness check of a read ahead sees this process's changes only.
 * Account figures (receivables.ts: totals invoiced, paid and credited, open and overdue balance, last payment
 * date, average days to pay) come from the mirror rows of every document type and are in the Account's
 * currency; a document that cannot be converted is left out with a warning that says how to fix it. A deal's
 * figures count its invoices only (credit memos and receipts are not the deal's invoice).
 */
import { AppError } from '../../errors';
import type { Logger } from '../../logger';
import { ACCOUNT_FIELDS, INVOICE_FIELDS, OPPORTUNITY_FIELDS, SOBJECTS } from '../../salesforce/fields';
import type { CurrencyRates } from '../../sync/currency';
import { rollupOpportunity } from '../../sync/payment-status';
import { accountReceivables, documentKind } from '../../sync/receivables';
import type { OrgCurrencies } from './org-currencies';
import type { MirrorInvoice, PaymentMirror, RollupInvoice } from './payment-mirror';
import type { CombinedWrite, SalesforceWriteBack } from '../write-back';
import { GATHERING_STAGES, type Gatherer, type Gathering } from '../../util/gathering';

/** Opportunities and Accounts per roll-up query (up to 400 ids keep the query well within Salesforce's URI limit). */
const CHUNK = 200;

/** An invoice mirror record (QuickBooks_Invoice__c, by QuickBooks_Key__c) that a run writes itself, with its roll-up row. */
export interface RollupUpsert {
  record: Record<string, unknown>;
  row: RollupInvoice;
  /**
   * The record refreshes an invoice already mirrored (it does not write Last_Payment_Date__c): the run keeps the
   * last payment date of the row it read instead of the one in `row`.
   */
  refresh?: boolean;
}

/**
 * Serialises roll-up runs across processes: `hold` runs `fn` while no other process runs one for any of these
 * records, and rejects (retryably, without running `fn`) when the wait exceeds its bound.
 */
export interface RollupLocks {
  hold<T>(records: { opportunityIds: string[]; accountIds: string[] }, fn: () => Promise<T>): Promise<T>;
}

/** The mirror rows of some deals and Accounts, read ahead of a run (see `prefetch`). */
export interface Prefetched {
  opportunityIds: string[];
  accountIds: string[];
  rows: RollupInvoice[];
  /** The change count when the read began: a record changed after it makes the read stale. */
  seq: number;
}

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
  upserts?: RollupUpsert[];
  prefetched?: Prefetched;
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
  /** Mirror changes seen (see `prefetch`): a counter, and when each Account and Opportunity last changed. */
  private changes = 0;
  private readonly changedAt = new Map<string, number>();

  constructor(
    private readonly mirror: Pick<PaymentMirror, 'invoicesOf'>,
    /** `send`, when there: a run's writes go out at once, not held for other jobs (see `run`). */
    private readonly writeBack: Pick<SalesforceWriteBack, 'update'> & Partial<Pick<SalesforceWriteBack, 'send' | 'together'>>,
    private readonly logger: Logger,
    private readonly today: () => string,
    private readonly currencies: Pick<OrgCurrencies, 'rates' | 'isMultiCurrency'>,
    /**
     * With a Gathering, a run starts once no other job could join it (instead of at the first request), so the
     * roll-ups of a burst's deals go in one run: one query and one write collection per object.
     */
    private readonly gathering?: Gathering,
    /**
     * PostgreSQL (several processes on one database): each run's read and write happen under these locks, and
     * reads ahead are not made (their staleness check would miss other processes' changes). SQLite: none.
     */
    private readonly locks?: RollupLocks,
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
  request(
    opportunityIds: Iterable<string>,
    accountIds: Iterable<string>,
    options: { with?: Array<{ sobject: 'Account' | 'Opportunity'; record: Record<string, unknown> & { Id: string } }>; upserts?: RollupUpsert[]; prefetched?: Prefetched } = {},
  ): Promise<void> {
    const opps = [...opportunityIds];
    const accounts = [...accountIds];
    // A request without rows of its own says the mirror of these records changed: reads taken before are stale.
    if (!options.upserts?.length) for (const key of [...opps.map((id) => `Opportunity|${id}`), ...accounts.map((id) => `Account|${id}`)]) this.touch(key);
    const upserts = this.combines ? (options.upserts ?? []) : [];
    for (const { row } of upserts) {
      if (row.opportunityId) this.nextOpps.add(row.opportunityId);
      if (row.accountId) this.nextAccounts.add(row.accountId);
    }
    for (const id of opps) this.nextOpps.add(id);
    for (const id of accounts) this.nextAccounts.add(id);
    for (const { sobject, record } of options.with ?? []) {
      const key = `${sobject}|${record.Id}`;
      this.nextFields.set(key, { ...(this.nextFields.get(key) ?? {}), ...record });
      (sobject === 'Account' ? this.nextAccounts : this.nextOpps).add(record.Id);
    }
    if (this.nextOpps.size === 0 && this.nextAccounts.size === 0) return Promise.resolve();
    const records = [
      ...opps.map((id) => `Opportunity|${id}`),
      ...accounts.map((id) => `Account|${id}`),
      ...(options.with ?? []).map(({ sobject, record }) => `${sobject}|${record.Id}`),
      ...upserts.map(({ row }) => `${SOBJECTS.invoice}|${row.key}`),
    ];
    const waiter: Partial<Waiter> & Pick<Waiter, 'records'> = { records, ...(upserts.length ? { upserts } : {}), ...(options.prefetched ? { prefetched: options.prefetched } : {}) };
    const done = new Promise<void>((resolve, reject) => this.waiters.push(Object.assign(waiter, { resolve, reject })));
    if (this.gathering) waiter.release = this.gathering.hold();
    if (!this.gathering && !this.running) this.startNext();
    return done;
  }

  /**
   * True when a run can write invoice records itself, with the roll-ups, in one call (`request`'s `upserts`); the
   * caller otherwise writes them before asking for the roll-ups.
   */
  get combines(): boolean {
    return typeof this.writeBack.together === 'function';
  }

  /**
   * Reads the mirror rows of a deal and its Account ahead of its run (e.g. while QuickBooks creates the invoice), so
   * that the run needs no read of its own: a run whose every deal and Account comes with a read that is still fresh
   * uses those rows, with the rows it writes itself laid over them. A read is stale once a record it covers changed
   * after it began (a roll-up was asked for it, or a run wrote one of its invoice records); the run then reads again.
   * Undefined when a read ahead would not help: other jobs are running (a burst's run reads once for all of them),
   * or the read failed; and always across processes (with `locks`), where another process's change would go unseen.
   */
  prefetch(opportunityIds: string[], accountIds: string[]): Promise<Prefetched | undefined> {
    if (this.locks || !this.combines || (this.gathering?.state.running ?? 0) > 1) return Promise.resolve(undefined);
    const seq = this.changes;
    return (async () => {
      const rows = await this.mirror.invoicesOf(opportunityIds, accountIds);
      return { opportunityIds, accountIds, rows, seq };
    })().catch((error: unknown) => {
      this.logger.debug({ err: error }, 'reading the roll-up rows ahead failed; the run reads them');
      return undefined;
    });
  }

  private touch(key: string): void {
    this.changes += 1;
    this.changedAt.set(key, this.changes);
  }

  private fresh(read: Prefetched): boolean {
    if (this.locks) return false;
    const keys = [...read.opportunityIds.map((id) => `Opportunity|${id}`), ...read.accountIds.map((id) => `Account|${id}`)];
    return keys.every((key) => (this.changedAt.get(key) ?? -1) <= read.seq);
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
    if (this.locks) return this.locks.hold({ opportunityIds, accountIds }, () => this.readAndWrite(opportunityIds, accountIds, fields, waiters, today, org, multiCurrency));
    return this.readAndWrite(opportunityIds, accountIds, fields, waiters, today, org, multiCurrency);
  }

  private async readAndWrite(opportunityIds: string[], accountIds: string[], fields: Map<string, Record<string, unknown>>, waiters: Waiter[], today: string, org: CurrencyRates | null, multiCurrency: boolean): Promise<Map<string, unknown>> {
    const together = this.writeBack.together?.bind(this.writeBack);
    if (together) return this.runTogether(together, { opportunityIds, accountIds, fields, waiters, today, org, multiCurrency });
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

  /**
   * A run whose writes go in one combined call: the invoice records asked for, the Accounts, then the Opportunities
   * (one `/composite` request, each record with its own result). The rows come from the reads ahead when all are
   * fresh, else from one read; the invoice records written by the run are laid over them. A deal whose invoice
   * record or Account was refused while its added fields (its Synced) were written is marked Error at once with the
   * refusal, since the call cannot make its Opportunity's write wait on the others.
   */
  private async runTogether(
    together: NonNullable<SalesforceWriteBack['together']>,
    run: { opportunityIds: string[]; accountIds: string[]; fields: Map<string, Record<string, unknown>>; waiters: Waiter[]; today: string; org: CurrencyRates | null; multiCurrency: boolean },
  ): Promise<Map<string, unknown>> {
    const { opportunityIds, accountIds, fields, waiters } = run;
    const failures = new Map<string, unknown>();
    const invoiceKey = (u: RollupUpsert) => `${SOBJECTS.invoice}|${u.row.key}`;
    const asWrite = (u: RollupUpsert): CombinedWrite => ({ sobject: SOBJECTS.invoice, keyField: INVOICE_FIELDS.quickBooksKey, record: u.record });
    let upserts = waiters.flatMap((w) => w.upserts ?? []);
    if (run.multiCurrency && upserts.some(({ row }) => row.accountId !== null && row.accountCurrency === null)) {
      // Several currencies and a new row without its Account's currency: it comes with the rows read, so the new
      // rows are written first and read back.
      (await together(upserts.map(asWrite))).forEach((r, i) => r !== true && failures.set(invoiceKey(upserts[i]!), r));
      this.touchRows(upserts);
      upserts = [];
    }
    const reads = waiters.map((w) => w.prefetched).filter((p): p is Prefetched => p !== undefined && this.fresh(p));
    const covered = (ids: string[], of: (p: Prefetched) => string[]) => ids.every((id) => reads.some((p) => of(p).includes(id)));
    const rows = new Map<string, RollupInvoice>();
    if (reads.length > 0 && covered(opportunityIds, (p) => p.opportunityIds) && covered(accountIds, (p) => p.accountIds)) {
      for (const read of reads) for (const row of read.rows) rows.set(row.key, row);
    } else {
      for (let i = 0; i < Math.max(opportunityIds.length, accountIds.length); i += CHUNK) {
        for (const row of await this.mirror.invoicesOf(opportunityIds.slice(i, i + CHUNK), accountIds.slice(i, i + CHUNK))) rows.set(row.key, row);
      }
    }
    for (const { row, refresh } of upserts) {
      const read = rows.get(row.key);
      rows.set(row.key, { ...row, accountCurrency: read?.accountCurrency ?? row.accountCurrency, ...(refresh ? { lastPaymentDate: read?.lastPaymentDate ?? row.lastPaymentDate } : {}) });
    }
    const invoices = [...rows.values()];
    const writes: CombinedWrite[] = upserts.map(asWrite);
    const keys: string[] = upserts.map(invoiceKey);
    for (const id of accountIds) {
      writes.push({ sobject: SOBJECTS.account, keyField: 'Id', record: this.accountRecord(id, invoices.filter((inv) => sameId(inv.accountId, id)), run.today, run.org!, run.multiCurrency, fields.get(`Account|${id}`)) });
      keys.push(`Account|${id}`);
    }
    for (const id of opportunityIds) {
      writes.push({ sobject: SOBJECTS.opportunity, keyField: 'Id', record: this.opportunityRecord(id, invoices.filter((inv) => sameId(inv.opportunityId, id) && documentKind(inv.type) === 'invoice'), fields.get(`Opportunity|${id}`)) });
      keys.push(`Opportunity|${id}`);
    }
    const results = await together(writes);
    this.touchRows(upserts);
    results.forEach((r, i) => r !== true && failures.set(keys[i]!, r));
    // Deals marked Synced although a record asked for with them was refused: shown as an error instead.
    const corrections = new Map<string, CombinedWrite>();
    for (const w of waiters) {
      const refused = w.records.find((key) => failures.has(key) && !key.startsWith('Opportunity|'));
      if (refused === undefined) continue;
      for (const key of w.records.filter((k) => k.startsWith('Opportunity|') && !failures.has(k))) {
        if (corrections.has(key) || fields.get(key)?.[OPPORTUNITY_FIELDS.billingSyncStatus] === undefined) continue;
        corrections.set(key, { sobject: SOBJECTS.opportunity, keyField: 'Id', record: { Id: key.slice('Opportunity|'.length), [OPPORTUNITY_FIELDS.billingSyncStatus]: 'Error', [OPPORTUNITY_FIELDS.billingSyncError]: refusalText(failures.get(refused)) } });
      }
    }
    if (corrections.size > 0) {
      const writes = [...corrections.values()];
      (await together(writes).catch((error: unknown) => writes.map(() => error))).forEach((r, i) => {
        if (r !== true) this.logger.warn({ err: r, opportunityId: writes[i]!.record.Id }, 'could not mark a deal whose records were refused as an error');
      });
    }
    if (failures.size > 0) this.logger.warn({ refused: [...failures.keys()] }, 'Salesforce refused some roll-up writes; only their callers fail');
    else this.logger.debug({ opportunities: opportunityIds.length, accounts: accountIds.length, invoices: upserts.length }, 'payment roll-ups written in one call');
    return failures;
  }

  private touchRows(upserts: RollupUpsert[]): void {
    for (const { row } of upserts) {
      if (row.accountId) this.touch(`Account|${row.accountId}`);
      if (row.opportunityId) this.touch(`Opportunity|${row.opportunityId}`);
    }
  }

  private writeAccount(id: string, invoices: RollupInvoice[], today: string, org: CurrencyRates, multiCurrency: boolean, extra?: Record<string, unknown>): Promise<true> {
    return this.writeBack.update(SOBJECTS.account, this.accountRecord(id, invoices, today, org, multiCurrency, extra));
  }

  private accountRecord(id: string, invoices: RollupInvoice[], today: string, org: CurrencyRates, multiCurrency: boolean, extra?: Record<string, unknown>): Record<string, unknown> & { Id: string } {
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
    return {
      Id: id,
      [ACCOUNT_FIELDS.openBalance]: totals.openBalance,
      [ACCOUNT_FIELDS.overdueBalance]: totals.overdueBalance,
      [ACCOUNT_FIELDS.totalInvoiced]: totals.totalInvoiced,
      [ACCOUNT_FIELDS.totalPaid]: totals.totalPaid,
      [ACCOUNT_FIELDS.totalCredited]: totals.totalCredited,
      [ACCOUNT_FIELDS.lastPaymentDate]: totals.lastPaymentDate,
      [ACCOUNT_FIELDS.averageDaysToPay]: totals.averageDaysToPay,
      ...extra,
    };
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
    return this.writeBack.update(SOBJECTS.opportunity, this.opportunityRecord(id, invoices, extra));
  }

  private opportunityRecord(id: string, invoices: MirrorInvoice[], extra?: Record<string, unknown>): Record<string, unknown> & { Id: string } {
    const r = rollupOpportunity(invoices);
    return {
      Id: id,
      [OPPORTUNITY_FIELDS.quickBooksInvoiceId]: r.invoiceId,
      [OPPORTUNITY_FIELDS.invoiceNumber]: r.docNumber,
      [OPPORTUNITY_FIELDS.invoiceTotal]: r.total,
      [OPPORTUNITY_FIELDS.invoiceBalance]: r.balance,
      [OPPORTUNITY_FIELDS.invoiceDueDate]: r.dueDate,
      [OPPORTUNITY_FIELDS.lastPaymentDate]: r.lastPaymentDate,
      ...extra,
    };
  }
}

/** A refusal as `Billing_Sync_Error__c` shows it: what was refused, and the fix when known. */
function refusalText(reason: unknown): string {
  return (reason instanceof AppError ? reason.readable : reason instanceof Error ? reason.message : String(reason)).slice(0, 32000);
}

/** Salesforce answers 18-character ids; callers may hold 15-character ones. */
function sameId(a: string | null, b: string): boolean {
  return a !== null && (a === b || a.slice(0, 15) === b.slice(0, 15));
}
