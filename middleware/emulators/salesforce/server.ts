import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { resolve } from 'node:path';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { ApiRouter } from './api';
import { type AuthOptions, authRouter, requireSession } from './auth';
import { type CalloutConfig, CalloutService } from './callouts';
import { registerCollectionRoutes } from './collections';
import { registerComposite } from './composite';
import { EmulatorControl, type SeedInput, controlRouter } from './control';
import type { ValidationRule } from './dml';
import { FaultInjector, faultResponse } from './faults';
import { registerMiscRoutes, versionsList } from './misc-routes';
import { registerQueryRoutes } from './query-routes';
import type { SchemaExtension } from './schema/types';
import { type Session, SessionStore } from './sessions';
import { seedOrganization } from './org-setup';
import { registerSObjectRoutes } from './sobjects';
import { EmulatorState, type PermissionSetAssignment } from './state';

export interface SalesforceEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** force-app/main/default of this repository unless given; null = standard objects only. */
  metadataDir?: string | null;
  /** Fields to add to objects (tests for fields not yet in force-app). */
  schemaExtensions?: SchemaExtension;
  /** Multi-currency org currencies (first = corporate); null = single currency. */
  currencies?: string[] | null;
  /** A single-currency org's currency (Organization.DefaultCurrencyIsoCode), default USD. */
  orgCurrency?: string;
  /** Multi-currency orgs: CurrencyType.ConversionRate per code at start (units per one corporate unit). */
  conversionRates?: Record<string, number>;
  auth?: AuthOptions;
  /** Username of the integration user (JWT `sub`); created at start. */
  integrationUsername?: string;
  /** More usernames that exist in the org. */
  usernames?: string[];
  /** Daily API request limit shown in Sforce-Limit-Info and /limits. */
  dailyApiLimit?: number;
  /** Platform events the org may publish per hour (default 250000); past it publishes fail with LIMIT_EXCEEDED. */
  hourlyEventAllocation?: number;
  /** Query batch size (records per page), default 2000. */
  batchSize?: number;
  /** Extra milliseconds on every REST/OAuth response. */
  latencyMs?: number;
  /**
   * Extra validation rule hooks per object (FIELD_CUSTOM_VALIDATION_EXCEPTION), run on every non-seed write;
   * force-app's own active validation rules always apply to API users' writes.
   */
  validationRules?: Record<string, ValidationRule[]>;
  /**
   * Permission sets assigned to the API users (the integration user and every other session): names in
   * force-app, or inline definitions. Default Ledgerline_Integration; `[]` = none.
   */
  permissionSets?: PermissionSetAssignment[];
  /** The Closed Won callout to the middleware (the Named Credential). */
  callout?: CalloutConfig;
  /** Records to insert at start (as control.seed). */
  seed?: SeedInput;
  /** Latest API version offered in /services/data (default 62.0). */
  latestVersion?: number;
  now?: () => Date;
}

export interface SalesforceEmulator {
  url: string;
  port: number;
  control: EmulatorControl;
  close(): Promise<void>;
}

export const DEFAULT_METADATA_DIR = resolve(__dirname, '../../../force-app/main/default');
const JSON_TYPE = 'application/json;charset=UTF-8';

function send(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (status === 204 || body === undefined) {
    res.status(status).end();
    return;
  }
  res.status(status).type(JSON_TYPE).send(JSON.stringify(body));
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function startSalesforceEmulator(options: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const state = new EmulatorState({
    metadataDir: options.metadataDir === null ? undefined : (options.metadataDir ?? DEFAULT_METADATA_DIR),
    ...(options.schemaExtensions ? { extensions: options.schemaExtensions } : {}),
    ...(options.currencies !== undefined ? { currencies: options.currencies } : {}),
    ...(options.orgCurrency ? { orgCurrency: options.orgCurrency } : {}),
    ...(options.conversionRates ? { conversionRates: options.conversionRates } : {}),
    ...(options.validationRules ? { validationRules: options.validationRules } : {}),
    ...(options.permissionSets ? { permissionSets: options.permissionSets } : {}),
    ...(options.dailyApiLimit ? { dailyApiLimit: options.dailyApiLimit } : {}),
    ...(options.hourlyEventAllocation !== undefined ? { hourlyEventAllocation: options.hourlyEventAllocation } : {}),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const integrationUsername = options.integrationUsername ?? 'integration@ledgerline.example';
  const latestVersion = `${options.latestVersion ?? 66}.0`;
  let baseUrl = '';
  const sessions = new SessionStore(state.orgId);
  const faults = new FaultInjector();
  const callouts = new CalloutService(state, options.callout);
  state.callouts = callouts;
  state.pickLocks = (req, ids) => faults.pickLockedRecords(req.method, `/services/data/v${req.version}${req.path}`, ids);
  const latency = { ms: options.latencyMs ?? 0 };
  const bootstrap = (): void => {
    state.addUser(integrationUsername, 'Integration');
    for (const u of options.usernames ?? []) state.addUser(u);
    const ctx = state.context(state.usersByName.get(integrationUsername.toLowerCase()) as string, { seeding: true });
    state.transaction(ctx, () => {
      state.dml.insert(state.schema.object('Pricebook2')!, { Name: 'Standard Price Book', IsActive: true, IsStandard: true }, ctx);
      seedOrganization(state, ctx);
    });
  };
  bootstrap();
  const control = new EmulatorControl({ state, faults, sessions, callouts, baseUrl: () => baseUrl, version: latestVersion, integrationUsername, bootstrap, latency });
  if (options.seed) control.seed(options.seed);

  const router = new ApiRouter();
  registerQueryRoutes(router);
  registerSObjectRoutes(router);
  registerCollectionRoutes(router);
  registerComposite(router);
  registerMiscRoutes(router);

  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use('/__control', controlRouter(control));
  const injectFaults: RequestHandler = async (req, res, next) => {
    if (latency.ms) await sleep(latency.ms);
    const fault = faults.takeRequestFault(req.method, req.path);
    if (!fault) return next();
    if (fault.kind === 'DELAY') {
      await sleep(fault.delayMs ?? 1000);
      return next();
    }
    if (fault.kind === 'DISCONNECT') {
      req.socket.destroy();
      return;
    }
    const r = faultResponse(fault);
    state.usage.count(`FAULT ${fault.kind}`);
    send(res, r.status, r.body, { 'Sforce-Limit-Info': state.usage.header() });
  };
  app.use(['/services', '/id'], injectFaults);
  app.use(authRouter({ state, sessions, options: options.auth ?? {}, baseUrl: () => baseUrl, latestVersion, integrationUsername }));
  app.get('/services/data', (_req, res) => send(res, 200, versionsList(Number(latestVersion))));
  app.use('/services/data', express.json({ limit: '50mb', type: ['application/json', 'application/*+json'] }), requireSession(sessions), (req: Request, res: Response) => {
    const m = /^\/v(\d+\.\d)(\/.*)?$/.exec(req.path);
    const version = m?.[1];
    if (!m || !version || Number(version) < 31 || Number(version) > Number(latestVersion)) {
      send(res, 404, [{ message: 'The requested resource does not exist', errorCode: 'NOT_FOUND' }]);
      return;
    }
    if (!state.usage.take()) {
      send(res, 403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], { 'Sforce-Limit-Info': state.usage.header() });
      return;
    }
    const session = res.locals.session as Session;
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query[k] = v;
    const headers: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(req.headers)) headers[k] = Array.isArray(v) ? v.join(',') : v;
    const out = router.dispatch(state, { method: req.method, path: (m[2] ?? '').replace(/\/$/, ''), version, query, body: req.body, headers, userId: session.userId });
    // Platform events published by this request go out once it has committed.
    state.events.flush(state.schema, state.store);
    state.usage.count(out.endpoint);
    send(res, out.status, out.body, { ...(out.headers ?? {}), 'Sforce-Limit-Info': state.usage.header() });
  });
  const jsonErrors: ErrorRequestHandler = (err: { type?: string; message?: string }, _req, res, next) => {
    if (res.headersSent) return next(err);
    if (err.type === 'entity.parse.failed') send(res, 400, [{ message: `JSON parse error: ${err.message ?? ''}`, errorCode: 'JSON_PARSER_ERROR' }]);
    else send(res, 500, [{ message: `An unexpected error occurred: ${err.message ?? String(err)}`, errorCode: 'UNKNOWN_EXCEPTION' }]);
  };
  app.use(jsonErrors);

  const server: Server = await new Promise((resolvePromise, reject) => {
    const s = app.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolvePromise(s));
    s.once('error', reject);
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${port}`;
  return {
    url: baseUrl,
    port,
    control,
    close: async () => {
      await callouts.idle();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
