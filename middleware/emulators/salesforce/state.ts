import { AccessPolicy, type PermissionSetDef, governedFields, loadCustomPermissionNames, loadPermissionSets } from './access';
import { CursorStore } from './cursors';
import type { DmlContext } from './dml-context';
import { DmlEngine, type ValidationRule } from './dml';
import { syncCurrencyPicklists } from './derived';
import { FieldReader } from './field-values';
import { IdFactory } from './ids';
import { Schema, type SchemaOptions } from './schema/schema';
import { RecordStore } from './store';
import type { QueryEnv } from './soql/execute';
import { UsageCounters } from './usage';
import { ValidationRuleSet, readValidationRules } from './validation-rules';
import { PlatformEventBus } from './events';

/** The outbound callout queue (callouts.ts, CalloutService) as the state sees it. */
export interface CalloutQueue {
  /** True when callouts are on (a middleware URL configured and not switched off). */
  active(): boolean;
  /** Queues callouts for these Opportunity ids. */
  enqueue(ids: string[]): void;
}

/** A permission set of force-app by name, or one defined inline (tests). */
export type PermissionSetAssignment = string | PermissionSetDef;

export interface StateOptions extends SchemaOptions {
  orgId?: string;
  /** Multi-currency orgs: ConversionRate per currency at start (units per one corporate unit). */
  conversionRates?: Record<string, number>;
  validationRules?: Record<string, ValidationRule[]>;
  /** Permission sets assigned to the API users (default Ledgerline_Integration when force-app has it). */
  permissionSets?: PermissionSetAssignment[];
  dailyApiLimit?: number;
  /** Platform events an org may publish per hour (default DEFAULT_HOURLY_EVENT_ALLOCATION). */
  hourlyEventAllocation?: number;
  batchSize?: number;
  now?: () => Date;
}

export const DEFAULT_PERMISSION_SET = 'Ledgerline_Integration';

/** Everything the emulator knows: schema, records, cursors, counters. Handlers are synchronous on it. */
export class EmulatorState {
  readonly schema: Schema;
  readonly store = new RecordStore();
  readonly ids = new IdFactory();
  readonly dml: DmlEngine;
  readonly reader: FieldReader;
  readonly cursors: CursorStore;
  readonly usage: UsageCounters;
  /** Platform events published through the API, delivered to subscribers after each request. */
  readonly events: PlatformEventBus;
  readonly orgId: string;
  readonly now: () => Date;
  batchSize: number;
  callouts: CalloutQueue | null = null;
  /** Record indexes of a collection request that must fail with UNABLE_TO_LOCK_ROW (fault injection). */
  pickLocks: (req: { method: string; path: string; version: string }, ids: (string | null)[]) => Set<number> = () => new Set();
  /** User ids by username (the org's users). */
  readonly usersByName = new Map<string, string>();
  /** force-app's permission sets by name. */
  readonly permissionSets: ReadonlyMap<string, PermissionSetDef>;
  /** What the API users (every session) may do: the permission sets assigned to them. */
  access: AccessPolicy;
  private readonly governed: Set<string>;
  private readonly initialAccess: AccessPolicy;

  constructor(readonly options: StateOptions = {}) {
    this.schema = new Schema(options);
    this.now = options.now ?? (() => new Date());
    this.reader = new FieldReader(this.schema, this.store, this.now);
    const root = options.metadataDir;
    this.permissionSets = root ? loadPermissionSets(root) : new Map();
    this.governed = governedFields(this.schema.allObjects(), this.schema.metadataFields);
    this.access = this.policyFor(options.permissionSets ?? (this.permissionSets.has(DEFAULT_PERMISSION_SET) ? [DEFAULT_PERMISSION_SET] : []));
    this.initialAccess = this.access;
    const metadataRules = root ? new ValidationRuleSet(readValidationRules(root), this.schema, this.store, this.reader, loadCustomPermissionNames(root)) : undefined;
    this.events = new PlatformEventBus(this.now, options.hourlyEventAllocation);
    this.dml = new DmlEngine(this.schema, this.store, this.ids, { validationRules: options.validationRules ?? {}, ...(metadataRules ? { metadataRules } : {}), takeEventAllocation: () => this.events.take() });
    this.cursors = new CursorStore(this.ids);
    this.usage = new UsageCounters(options.dailyApiLimit ?? 100_000);
    this.orgId = options.orgId ?? this.ids.next('00D');
    this.batchSize = options.batchSize ?? 2000;
    this.store.onRollback = (types) => {
      if (types.has('CurrencyType')) syncCurrencyPicklists(this.schema, this.store);
    };
  }

  /** `api`: a query of an API user, who sees only the custom fields an assigned permission set makes readable. */
  queryEnv(version: string, api = false): QueryEnv {
    const access = this.access;
    return { schema: this.schema, store: this.store, reader: this.reader, now: this.now(), version, ...(api ? { canRead: (obj, f) => access.canRead(obj, f) } : {}) };
  }

  /** Assigns these permission sets (names in force-app, or inline definitions) to the API users. */
  assignPermissionSets(sets: PermissionSetAssignment[]): void {
    this.access = this.policyFor(sets);
  }

  private policyFor(sets: PermissionSetAssignment[]): AccessPolicy {
    const defs = sets.map((s) => {
      if (typeof s !== 'string') return { name: s.name, customPermissions: s.customPermissions ?? [], fieldPermissions: s.fieldPermissions ?? [] };
      const def = this.permissionSets.get(s);
      if (!def) throw new Error(`Permission set ${s} is not in force-app/main/default/permissionsets (known: ${[...this.permissionSets.keys()].join(', ') || 'none'}).`);
      return def;
    });
    return new AccessPolicy(defs, this.governed);
  }

  /** The context of an API user's write: field-level security and validation rules apply. */
  apiContext(userId: string): DmlContext {
    return this.context(userId, { access: this.access });
  }

  /** Adds a user (seeded, no triggers) and returns its id. */
  addUser(username: string, lastName = 'User'): string {
    const existing = this.usersByName.get(username.toLowerCase());
    if (existing) return existing;
    const ctx = this.context(this.systemUserId(), { seeding: true });
    const id = this.dml.insert(this.schema.object('User')!, { Username: username, LastName: lastName, Email: username.includes('@') ? username : `${username}@example.com`, Alias: username.slice(0, 8) }, ctx);
    this.usersByName.set(username.toLowerCase(), id);
    return id;
  }

  private systemUserId(): string {
    return this.usersByName.values().next().value ?? this.ids.next('005');
  }

  context(userId: string, extra: Partial<DmlContext> = {}): DmlContext {
    return { userId, now: this.now(), wonOpportunityIds: [], automation: this.callouts?.active() ?? false, ...extra };
  }

  /**
   * Runs a unit of work in a savepoint: rolled back when it throws; on success the
   * won deals it produced are handed to the callout (after the response, like a Queueable).
   */
  transaction<T>(ctx: DmlContext, work: () => T): T {
    const marker = this.store.savepoint();
    try {
      const result = work();
      this.store.release();
      if (ctx.wonOpportunityIds.length) this.notifyWon(ctx.wonOpportunityIds);
      return result;
    } catch (e) {
      this.store.rollbackTo(marker);
      throw e;
    }
  }

  private deferred: string[] | null = null;

  private notifyWon(ids: string[]): void {
    if (this.deferred) this.deferred.push(...ids);
    else this.callouts?.enqueue([...new Set(ids)]);
  }

  /** /composite holds won deals until it knows whether it commits. */
  deferCallouts(): void {
    this.deferred = [];
  }

  flushCallouts(commit: boolean): void {
    const ids = this.deferred ?? [];
    this.deferred = null;
    if (commit && ids.length) this.callouts?.enqueue([...new Set(ids)]);
  }

  /** Inner savepoint for one record of a collection: returns the error instead of throwing. */
  attempt<T>(work: () => T): { ok: true; value: T } | { ok: false; error: unknown } {
    const marker = this.store.savepoint();
    try {
      const value = work();
      this.store.release();
      return { ok: true, value };
    } catch (error) {
      this.store.rollbackTo(marker);
      return { ok: false, error };
    }
  }

  /** Clears records (keeps the standard price book and users re-seeded by the caller). */
  reset(): void {
    this.store.clear();
    this.cursors.clear();
    this.dml.resetCounters();
    this.usersByName.clear();
    this.access = this.initialAccess;
    this.events.reset();
  }
}
