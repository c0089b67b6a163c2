import express, { type Router } from 'express';
import type { CalloutConfig, CalloutRecord, CalloutService } from './callouts';
import { DmlError, SfApiError } from './errors';
import type { ActiveFault, FaultInjector, FaultSpec } from './faults';
import { toId18 } from './ids';
import { decimalPlacesOf } from './org-setup';
import type { SessionStore } from './sessions';
import { runQuery } from './soql/execute';
import { recordBody } from './sobjects';
import type { PermissionSetAssignment, EmulatorState } from './state';
import type { PermissionSetDef } from './access';
import type { EventListener, PlatformEventMessage } from './events';

/** Test/demo control of the emulator, in process and over HTTP under /__control. */

export type SeedInput = Record<string, Record<string, unknown>[]>;

/** A change to one currency of the org (control.setCurrency). */
export interface CurrencyChange {
  /** Units of this currency per one unit of the corporate currency. */
  conversionRate?: number;
  active?: boolean;
  decimalPlaces?: number;
}

interface ControlDeps {
  state: EmulatorState;
  faults: FaultInjector;
  sessions: SessionStore;
  callouts: CalloutService;
  baseUrl: () => string;
  version: string;
  integrationUsername: string;
  /** Re-creates users and the standard price book after a reset. */
  bootstrap: () => void;
  latency: { ms: number };
}

export class EmulatorControl {
  constructor(private readonly deps: ControlDeps) {}

  /** Queue a fault for the next matching call(s). */
  addFault(spec: FaultSpec): ActiveFault {
    return this.deps.faults.add(spec);
  }

  faults(): ActiveFault[] {
    return this.deps.faults.list();
  }

  clearFaults(): void {
    this.deps.faults.clear();
  }

  /** Milliseconds added to every REST and OAuth response. */
  setLatency(ms: number): void {
    this.deps.latency.ms = Math.max(0, ms);
  }

  /**
   * Inserts records directly (no callouts, no validation rules; field names, types, picklists
   * and references are still checked). In one type, records go in order; types go in key order.
   */
  seed(input: SeedInput): Record<string, string[]> {
    const { state } = this.deps;
    const ctx = state.context(this.integrationUserId, { seeding: true });
    const out: Record<string, string[]> = {};
    state.transaction(ctx, () => {
      for (const [type, rows] of Object.entries(input)) {
        const obj = state.dml.requireObject(type);
        out[obj.name] = rows.map((r) => state.dml.insert(obj, r, ctx));
      }
    });
    return out;
  }

  /** Creates a record as a user would in the UI (triggers and the Closed Won callout run). */
  create(type: string, fields: Record<string, unknown>): string {
    const { state } = this.deps;
    const obj = state.dml.requireObject(type);
    const ctx = state.context(this.integrationUserId);
    const id = state.transaction(ctx, () => state.dml.insert(obj, fields, ctx));
    // A platform event published here goes out at once, as after an API request.
    state.events.flush(state.schema, state.store);
    return id;
  }

  /** Updates a record as a user would (e.g. closing a deal in the UI: the callout fires). */
  update(type: string, id: string, fields: Record<string, unknown>): void {
    const { state } = this.deps;
    const obj = state.dml.requireObject(type);
    const ctx = state.context(this.integrationUserId);
    state.transaction(ctx, () => state.dml.update(obj, id, fields, ctx));
  }

  delete(type: string, id: string): void {
    const { state } = this.deps;
    const obj = state.dml.requireObject(type);
    const ctx = state.context(this.integrationUserId);
    state.transaction(ctx, () => state.dml.delete(obj, id, ctx));
  }

  /**
   * A currency of a multi-currency org as an admin sets it in Setup > Manage Currencies: added when new
   * (active, unless `active` is false), else its rate, active flag or decimal places changed. The corporate
   * currency keeps rate 1 and stays active. Returns the CurrencyType id.
   */
  setCurrency(isoCode: string, change: CurrencyChange): string {
    const { state } = this.deps;
    const obj = state.schema.object('CurrencyType');
    if (!obj) throw new Error('This org has a single currency: it has no CurrencyType (start the emulator with `currencies`).');
    const existing = state.store.all(obj.name).find((r) => r.IsoCode === isoCode);
    if (existing?.IsCorporate === true && ((change.conversionRate ?? 1) !== 1 || change.active === false)) {
      throw new Error(`${isoCode} is the corporate currency: its rate is 1 and it stays active.`);
    }
    const ctx = state.context(this.integrationUserId, { seeding: true });
    return state.transaction(ctx, () => {
      // Every field is sent: an update without IsActive would deactivate the currency (see derived.ts).
      const fields = {
        ConversionRate: change.conversionRate ?? existing?.ConversionRate,
        DecimalPlaces: change.decimalPlaces ?? existing?.DecimalPlaces ?? decimalPlacesOf(isoCode),
        IsActive: change.active ?? existing?.IsActive ?? true,
      };
      if (!existing) return state.dml.insert(obj, { IsoCode: isoCode, ...fields }, ctx);
      state.dml.update(obj, existing.Id, fields, ctx);
      return existing.Id;
    });
  }

  /** All live records of a type, as the REST API would show them. */
  records(type: string): Record<string, unknown>[] {
    const { state } = this.deps;
    const obj = state.dml.requireObject(type);
    return state.store.all(obj.name).map((r) => recordBody(state, this.deps.version, obj, r));
  }

  record(type: string, id: string): Record<string, unknown> | null {
    const { state } = this.deps;
    const obj = state.dml.requireObject(type);
    const rec = state.store.get(obj.name, toId18(id) ?? id);
    return rec ? recordBody(state, this.deps.version, obj, rec) : null;
  }

  query(soql: string): Record<string, unknown>[] {
    return runQuery(this.deps.state.queryEnv(this.deps.version), soql, false).rows;
  }

  counters(): { apiUsage: { used: number; limit: number }; endpoints: Record<string, number> } {
    const u = this.deps.state.usage;
    return { apiUsage: { used: u.used, limit: u.limit }, endpoints: u.endpoints() };
  }

  setApiUsage(patch: { used?: number; limit?: number }): void {
    const u = this.deps.state.usage;
    if (patch.used !== undefined) u.used = patch.used;
    if (patch.limit !== undefined) u.limit = patch.limit;
  }

  /**
   * Assigns permission sets to the API users (every session): names of force-app's sets, or inline
   * definitions (e.g. a copy of Ledgerline_Integration without one field). `[]` = none. Reset restores
   * the start-up assignment.
   */
  assignPermissionSets(sets: PermissionSetAssignment[]): void {
    this.deps.state.assignPermissionSets(sets);
  }

  /** A copy of one of force-app's permission sets, to derive a test set from. */
  permissionSet(name: string): PermissionSetDef {
    const def = this.deps.state.permissionSets.get(name);
    if (!def) throw new Error(`Permission set ${name} is not in force-app/main/default/permissionsets.`);
    return { name: def.name, customPermissions: [...def.customPermissions], fieldPermissions: def.fieldPermissions.map((f) => ({ ...f })) };
  }

  /** The names of the permission sets assigned to the API users now. */
  assignedPermissionSets(): string[] {
    return this.deps.state.access.assigned.map((s) => s.name);
  }

  /**
   * Listens to the org's platform events as a CometD (empApi) subscriber of `channel` would
   * (`/event/<Name>__e`, or every event when omitted). Returns the unsubscribe function.
   */
  subscribeEvents(listener: EventListener, channel?: string): () => void {
    return this.deps.state.events.subscribe((message) => {
      if (!channel || message.channel === channel) listener(message);
    });
  }

  /** The platform events delivered so far (the last 1000), oldest first. */
  events(channel?: string): PlatformEventMessage[] {
    return this.deps.state.events.delivered.filter((m) => !channel || m.channel === channel);
  }

  /** The hourly platform-event allocation: set what is used and the limit (LIMIT_EXCEEDED past it). */
  setEventAllocation(patch: { used?: number; limit?: number }): void {
    this.deps.state.events.setAllocation(patch);
  }

  /** Issues an access token without an OAuth flow. */
  createSession(username?: string): { accessToken: string; instanceUrl: string; userId: string } {
    const name = username ?? this.deps.integrationUsername;
    const userId = this.deps.state.usersByName.get(name.toLowerCase()) ?? this.deps.state.addUser(name);
    const s = this.deps.sessions.issue(userId, name, this.deps.state.now().getTime());
    return { accessToken: s.token, instanceUrl: this.deps.baseUrl(), userId };
  }

  /** Every issued token becomes invalid (clients get 401 INVALID_SESSION_ID). */
  expireSessions(): number {
    return this.deps.sessions.expireAll();
  }

  configureCallout(config: CalloutConfig): void {
    this.deps.callouts.configure(config);
  }

  callouts(): CalloutRecord[] {
    return [...this.deps.callouts.log];
  }

  /** Waits until queued Closed Won callouts have finished. */
  waitForCallouts(): Promise<void> {
    return this.deps.callouts.idle();
  }

  get integrationUserId(): string {
    return this.deps.state.usersByName.get(this.deps.integrationUsername.toLowerCase()) as string;
  }

  get standardPricebookId(): string {
    return this.deps.state.store.all('Pricebook2').find((p) => p.IsStandard === true)?.Id as string;
  }

  /** Back to a fresh org: data, counters, faults, cursors, sessions stay valid unless expireSessions. */
  reset(options: { keepData?: boolean } = {}): void {
    const { state } = this.deps;
    if (!options.keepData) {
      state.reset();
      this.deps.bootstrap();
    }
    state.usage.reset();
    this.deps.faults.clear();
    this.deps.callouts.log.length = 0;
    this.deps.latency.ms = 0;
  }
}

export function controlRouter(control: EmulatorControl): Router {
  const r = express.Router();
  r.use(express.json({ limit: '50mb' }));
  const body = (req: express.Request): Record<string, unknown> => (req.body ?? {}) as Record<string, unknown>;
  r.get('/faults', (_req, res) => void res.json(control.faults()));
  r.post('/faults', (req, res) => void res.status(201).json(control.addFault(body(req) as unknown as FaultSpec)));
  r.delete('/faults', (_req, res) => {
    control.clearFaults();
    res.status(204).end();
  });
  r.put('/latency', (req, res) => {
    control.setLatency(Number(body(req).ms ?? 0));
    res.status(204).end();
  });
  r.post('/seed', (req, res) => void res.status(201).json(control.seed(body(req) as SeedInput)));
  r.get('/records/:type', (req, res) => void res.json(control.records(req.params.type)));
  r.get('/records/:type/:id', (req, res) => {
    const rec = control.record(req.params.type, req.params.id);
    if (rec) res.json(rec);
    else res.status(404).json({ error: 'not found' });
  });
  r.post('/records/:type', (req, res) => void res.status(201).json({ id: control.create(req.params.type, body(req)) }));
  r.patch('/records/:type/:id', (req, res) => {
    control.update(req.params.type, req.params.id, body(req));
    res.status(204).end();
  });
  r.delete('/records/:type/:id', (req, res) => {
    control.delete(req.params.type, req.params.id);
    res.status(204).end();
  });
  r.put('/currencies/:code', (req, res) => void res.json({ id: control.setCurrency(req.params.code, body(req) as CurrencyChange) }));
  r.get('/counters', (_req, res) => void res.json(control.counters()));
  r.put('/api-usage', (req, res) => {
    control.setApiUsage(body(req) as { used?: number; limit?: number });
    res.status(204).end();
  });
  r.get('/events', (req, res) => void res.json(control.events(typeof req.query.channel === 'string' ? req.query.channel : undefined)));
  r.put('/event-allocation', (req, res) => {
    control.setEventAllocation(body(req) as { used?: number; limit?: number });
    res.status(204).end();
  });
  r.get('/permission-sets', (_req, res) => void res.json({ assigned: control.assignedPermissionSets() }));
  r.put('/permission-sets', (req, res) => {
    const assigned = body(req).assigned;
    if (!Array.isArray(assigned)) {
      res.status(400).json({ error: 'assigned: a JSON array of permission set names or definitions is required' });
      return;
    }
    control.assignPermissionSets(assigned as PermissionSetAssignment[]);
    res.status(204).end();
  });
  r.post('/sessions', (req, res) => void res.status(201).json(control.createSession(body(req).username as string | undefined)));
  r.post('/sessions/expire', (_req, res) => void res.json({ expired: control.expireSessions() }));
  r.put('/callout', (req, res) => {
    control.configureCallout(body(req) as CalloutConfig);
    res.status(204).end();
  });
  r.get('/callouts', async (req, res) => {
    if (req.query.wait === 'true') await control.waitForCallouts();
    res.json(control.callouts());
  });
  r.post('/reset', (req, res) => {
    control.reset({ keepData: body(req).keepData === true });
    res.status(204).end();
  });
  r.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    if (err instanceof DmlError) res.status(400).json(err.toApiBody());
    else if (err instanceof SfApiError) res.status(err.status).json(err.toBody());
    else res.status(500).json({ error: err instanceof Error ? err.message : String(err) });
  });
  return r;
}
