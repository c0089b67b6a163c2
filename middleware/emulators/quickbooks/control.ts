/**
 * The in-process control API (also served over HTTP under /__control): seed data, act as the
 * QuickBooks user (payments, voids, credit memos), arm faults, read counters, move the clock.
 */
import type { Clock } from './clock';
import type { CounterSnapshot } from './counters';
import type { EmulatorDeps } from './deps';
import type { FaultRule } from './fault-injection';
import { faults } from './faults';
import { asObject, type Entity } from './json';
import { findEntity } from './entities/registry';
import type { EntityContext } from './entities/context';
import { createEntity, deleteEntity, readEntity, updateEntity, voidEntity } from './operations';
import type { LoadPeaks } from './limits';
import type { LimitOptions, WebhookOptions } from './options';
import type { TokenResponse } from './token-authority';
import type { DeliveryRecord } from './webhooks';
import { seedHistory, type HistorySeedOptions } from './history-seed';

export interface SeedData {
  customers?: Entity[];
  vendors?: Entity[];
  items?: Entity[];
  terms?: Entity[];
  accounts?: Entity[];
  taxCodes?: Entity[];
  taxRates?: Entity[];
  invoices?: Entity[];
  /** Any other entity by canonical name, e.g. { SalesReceipt: [...] }. */
  entities?: Record<string, Entity[]>;
  preferences?: PreferenceSettings;
}

export interface PreferenceSettings {
  multiCurrency?: boolean;
  automatedSalesTax?: boolean;
  homeCurrency?: string;
  customTxnNumbers?: boolean;
  defaultTermId?: string;
}

export interface PaymentRequest {
  /** Invoices to pay; amount defaults to the invoice's open balance. */
  invoices: Array<{ id: string; amount?: number }>;
  /** Total received; defaults to the sum applied (more than that leaves UnappliedAmt). */
  totalAmount?: number;
  customerId?: string;
  txnDate?: string;
  paymentRefNum?: string;
}

export function createControl(deps: EmulatorDeps) {
  const ctx = (realmId: string): EntityContext => {
    const c = deps.realms.context(realmId) ?? (deps.realms.ensure(realmId) ? deps.realms.context(realmId) : undefined);
    if (!c) throw new Error(`Unknown realm ${realmId}`);
    return c;
  };
  const def = (entity: string) => {
    const d = findEntity(entity);
    if (!d) throw new Error(`Unknown entity ${entity}`);
    return d;
  };
  /** Read-only entities (TaxCode, TaxRate) are inserted directly: QBO creates them through other services. */
  const insert = (realmId: string, entity: string, body: Entity): Entity => {
    const d = def(entity);
    if (d.kind === 'readonly') return ctx(realmId).store.insert(d.name, body, { id: typeof body.Id === 'string' ? body.Id : undefined });
    return createEntity(ctx(realmId), d, body);
  };

  const control = {
    clock: deps.clock as Clock,
    realms: () => deps.realms.ids(),
    createRealm(realmId: string, options: { seed?: boolean } = {}) {
      deps.realms.create(realmId, options.seed !== false);
      return realmId;
    },
    create: insert,
    get: (realmId: string, entity: string, id: string) => readEntity(ctx(realmId), def(entity), id),
    list: (realmId: string, entity: string) => ctx(realmId).store.list(def(entity).name),
    update: (realmId: string, entity: string, body: Entity) => updateEntity(ctx(realmId), def(entity), body),
    /** Sparse update by Id, taking the current SyncToken (as a user editing in QBO would). */
    edit(realmId: string, entity: string, id: string, changes: Entity) {
      const current = readEntity(ctx(realmId), def(entity), id);
      return updateEntity(ctx(realmId), def(entity), { ...changes, Id: id, SyncToken: current.SyncToken, sparse: true });
    },
    remove(realmId: string, entity: string, id: string) {
      const current = readEntity(ctx(realmId), def(entity), id);
      return deleteEntity(ctx(realmId), def(entity), { Id: id, SyncToken: current.SyncToken });
    },
    seed(realmId: string, data: SeedData) {
      if (data.preferences) control.setPreferences(realmId, data.preferences);
      const groups: Array<[string, Entity[] | undefined]> = [
        ['Account', data.accounts], ['TaxRate', data.taxRates], ['TaxCode', data.taxCodes], ['Term', data.terms], ['Item', data.items],
        ['Customer', data.customers], ['Vendor', data.vendors], ['Invoice', data.invoices], ...Object.entries(data.entities ?? {}),
      ];
      const created: Record<string, Entity[]> = {};
      for (const [entity, list] of groups) for (const body of list ?? []) (created[entity] ??= []).push(insert(realmId, entity, body));
      return created;
    },
    /** Years of history in one call: customers, invoices, payments, credit memos, sales and refund receipts. */
    seedHistory: (realmId: string, options: HistorySeedOptions = {}) => seedHistory(ctx(realmId), options),
    setPreferences(realmId: string, settings: PreferenceSettings) {
      const c = ctx(realmId);
      const prefs = readEntity(c, def('Preferences'), '1');
      const currency = { ...(asObject(prefs.CurrencyPrefs) ?? {}) };
      const tax = { ...(asObject(prefs.TaxPrefs) ?? {}) };
      const sales = { ...(asObject(prefs.SalesFormsPrefs) ?? {}) };
      if (settings.multiCurrency !== undefined) currency.MultiCurrencyEnabled = settings.multiCurrency;
      if (settings.homeCurrency !== undefined) currency.HomeCurrency = { value: settings.homeCurrency };
      if (settings.automatedSalesTax !== undefined) tax.PartnerTaxEnabled = settings.automatedSalesTax;
      if (settings.customTxnNumbers !== undefined) sales.CustomTxnNumbers = settings.customTxnNumbers;
      if (settings.defaultTermId !== undefined) sales.DefaultTerms = { value: settings.defaultTermId };
      return updateEntity(c, def('Preferences'), { ...prefs, CurrencyPrefs: currency, TaxPrefs: tax, SalesFormsPrefs: sales, sparse: true });
    },
    /** Records a customer payment applied to one or several invoices (as the QBO user would). */
    applyPayment(realmId: string, request: PaymentRequest) {
      const c = ctx(realmId);
      const invoices = request.invoices.map((i) => ({ invoice: readEntity(c, def('Invoice'), i.id), amount: i.amount }));
      const customerId = request.customerId ?? (asObject(invoices[0]?.invoice.CustomerRef)?.value as string | undefined);
      if (!customerId) throw faults.requiredParam('CustomerRef');
      const lines = invoices.map(({ invoice, amount }) => ({
        Amount: amount ?? (invoice.Balance as number),
        LinkedTxn: [{ TxnId: invoice.Id, TxnType: 'Invoice' }],
      }));
      const applied = lines.reduce((sum, l) => sum + l.Amount, 0);
      const body: Entity = { CustomerRef: { value: customerId }, TotalAmt: request.totalAmount ?? applied, Line: lines };
      if (request.txnDate) body.TxnDate = request.txnDate;
      if (request.paymentRefNum) body.PaymentRefNum = request.paymentRefNum;
      return createEntity(c, def('Payment'), body);
    },
    voidInvoice(realmId: string, id: string) {
      const current = readEntity(ctx(realmId), def('Invoice'), id);
      return voidEntity(ctx(realmId), def('Invoice'), { Id: id, SyncToken: current.SyncToken });
    },
    voidPayment(realmId: string, id: string) {
      const current = readEntity(ctx(realmId), def('Payment'), id);
      return voidEntity(ctx(realmId), def('Payment'), { Id: id, SyncToken: current.SyncToken });
    },
    createCreditMemo: (realmId: string, body: Entity) => createEntity(ctx(realmId), def('CreditMemo'), body),
    /** Applies credit to an invoice the way QBO does: a zero-amount payment linking both. */
    applyCreditMemo(realmId: string, creditMemoId: string, invoiceId: string, amount?: number) {
      const c = ctx(realmId);
      const memo = readEntity(c, def('CreditMemo'), creditMemoId);
      const invoice = readEntity(c, def('Invoice'), invoiceId);
      const value = amount ?? Math.min(memo.RemainingCredit as number, invoice.Balance as number);
      return createEntity(c, def('Payment'), {
        CustomerRef: memo.CustomerRef,
        TotalAmt: 0,
        Line: [
          { Amount: value, LinkedTxn: [{ TxnId: invoiceId, TxnType: 'Invoice' }] },
          { Amount: value, LinkedTxn: [{ TxnId: creditMemoId, TxnType: 'CreditMemo' }] },
        ],
      });
    },
    injectFault: (rule: FaultRule) => deps.injector.inject(rule),
    pendingFaults: () => deps.injector.pending(),
    clearFaults: () => deps.injector.clear(),
    counters: (): CounterSnapshot => deps.counters.snapshot(),
    resetCounters: () => deps.counters.reset(),
    /** The e-mails a company "sent" through invoice send, oldest first. */
    sentEmails: (realmId: string) => ctx(realmId).store.outbox.map((mail) => ({ ...mail })),
    /** Tokens for a realm without the authorize dance. */
    issueTokens: (realmId: string, clientId = deps.options.oauth.clients[0]!.clientId): TokenResponse => {
      ctx(realmId);
      return deps.authority.issueForNewGrant(clientId, realmId);
    },
    expireAccessTokens: (token?: string) => deps.authority.expireAccessTokens(token),
    /**
     * A company's load as the emulator saw it: most requests and batch requests within any 60 s, most
     * requests at once, and refusals by limit (since start or the last resetLoad()).
     */
    loadPeaks: (realmId: string): LoadPeaks => deps.load.peaks(realmId),
    resetLoad: () => deps.load.reset(),
    setLimits(limits: Partial<LimitOptions>) {
      Object.assign(deps.options.limits, limits);
      deps.limits.reset();
      return { ...deps.options.limits };
    },
    webhooks: {
      pause: () => deps.webhooks.pause(),
      resume: () => deps.webhooks.resume(),
      dropNext: (count = 1) => deps.webhooks.dropNext(count),
      setDropAll: (drop: boolean) => deps.webhooks.setDropAll(drop),
      flush: () => deps.webhooks.flush(),
      deliveries: (): DeliveryRecord[] => deps.webhooks.deliveries(),
      clearLog: () => deps.webhooks.clearLog(),
      configure(options: Partial<WebhookOptions> & { url: string; verifierToken: string }) {
        const merged: WebhookOptions = { format: 'cloudevents', batchWindowMs: 50, retryDelaysMs: [100, 200, 400, 800], timeoutMs: 3000, maxEventsPerNotification: 100, ...deps.options.webhooks, ...options };
        deps.options.webhooks = merged;
        deps.webhooks.configure(merged);
        return merged;
      },
    },
    /** Back to the seeded state: data, counters, faults, throttles, idempotency cache. */
    reset() {
      deps.realms.reset();
      deps.counters.reset();
      deps.injector.clear();
      deps.limits.reset();
      deps.load.reset();
      deps.webhooks.clearLog();
    },
  };
  return control;
}

export type QboEmulatorControl = ReturnType<typeof createControl>;
