import QuickBooks from 'node-quickbooks';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { classifyQboError } from './errors';
import { assertQboId, assertReferences } from './ids';
import { LocalGate, type RequestGate, type RequestKind } from './limiter';
import type { TokenManager } from './tokens';
import { Batcher } from '../util/batcher';

export interface QboApiOptions {
  clientId: string;
  clientSecret: string;
  environment: 'sandbox' | 'production';
  /** Override of the API host (emulator, tests), e.g. http://127.0.0.1:4010 */
  apiBaseUrl?: string;
  minorVersion: number;
  timeoutMs: number;
  maxConcurrentPerRealm: number;
  requestsPerMinutePerRealm: number;
  /** Batch requests per minute per company (Intuit allows 40; default BATCH_REQUESTS_PER_MINUTE). */
  batchesPerMinutePerRealm?: number;
  /**
   * How long one request keeps being sent again while QuickBooks answers 429 (ms, default 120 000: two of
   * Intuit's minutes); after that the caller gets QBO_THROTTLED and its job retries later. Waiting here is
   * cheaper than a job retry, which reads Salesforce again and fails every job sharing the request (a
   * batch, the company's catalog).
   */
  throttleRetryMs?: number;
  /** First back-off after a 429 (ms, default 250; doubled each time up to 4 s, jittered; a Retry-After wins when longer). */
  throttleBackoffMs?: number;
}

export type QboEntity = 'Customer' | 'Item' | 'Invoice' | 'Payment' | 'CreditMemo' | 'SalesReceipt' | 'RefundReceipt' | 'Term' | 'TaxCode' | 'Account' | 'Preferences' | 'CompanyCurrency';

type Callback = (err: unknown, data?: unknown) => void;
type Method = (...args: unknown[]) => void;

/** The `/v3/company/` base URL node-quickbooks is given for these options. */
function apiBase(options: QboApiOptions): string {
  if (options.apiBaseUrl) return `${options.apiBaseUrl.replace(/\/$/, '')}/v3/company/`;
  return options.environment === 'sandbox' ? 'https://sandbox-quickbooks.api.intuit.com/v3/company/' : 'https://quickbooks.api.intuit.com/v3/company/';
}

interface SharedAxios {
  defaults: { timeout: number };
  post(url: string, body: unknown, config: { params: Record<string, string>; headers: Record<string, string> }): Promise<{ data: unknown }>;
}

/** The axios instance node-quickbooks sends its requests with (shared, process-wide). */
function nodeQuickbooksAxios(): SharedAxios {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(require.resolve('axios', { paths: [require.resolve('node-quickbooks')] })) as SharedAxios;
}

/** node-quickbooks uses the shared axios instance without a timeout: give it one (process-wide). */
function configureTimeout(timeoutMs: number): void {
  nodeQuickbooksAxios().defaults.timeout = timeoutMs;
}

/**
 * Reads by id of these entities that several jobs make at about the same time (payment events, invoice
 * refreshes) go to QuickBooks as one `select * from <entity> where Id in (…)`: one request instead of one
 * each. An id the query does not return gets the same 610 "Object Not Found" fault a read would.
 */
export const GATHERED_READS: ReadonlySet<QboEntity> = new Set<QboEntity>(['Invoice', 'Payment', 'CreditMemo']);
/** Ids per gathered read query, and how long the first read waits for others (ms). */
const GATHERED_READ_MAX = 50;
const GATHERED_READ_WINDOW_MS = 20;

/** The fault QuickBooks answers a read of an id that does not exist (or was deleted) with. */
function notFound(entity: QboEntity, id: string): AppError {
  const body = { Fault: { Error: [{ Message: 'Object Not Found', Detail: `Object Not Found : ${entity} ${id} was not returned by QuickBooks.`, code: '610' }], type: 'ValidationFault' } };
  return classifyQboError({ response: { status: 400, data: body } }, `read ${entity} ${id}`);
}

/** Intuit allows 40 batch requests per minute per company; we stay a little under it. */
export const BATCH_REQUESTS_PER_MINUTE = 36;
/** Items in one batch request (Intuit's maximum). */
export const BATCH_MAX_ITEMS = 30;

/**
 * The QBO API for every connected company, with tokens, limits and error classification built in. The
 * limits are counted by `gate`: this process alone (LocalGate, the default) or every process on the same
 * PostgreSQL database (PostgresGate).
 */
export class QboApi {
  readonly gate: RequestGate;

  constructor(
    readonly options: QboApiOptions,
    private readonly tokens: TokenManager,
    private readonly logger: Logger,
    gate?: RequestGate,
  ) {
    configureTimeout(options.timeoutMs);
    this.gate =
      gate ??
      new LocalGate({ concurrency: options.maxConcurrentPerRealm, requestsPerMinute: options.requestsPerMinutePerRealm, batchesPerMinute: options.batchesPerMinutePerRealm ?? BATCH_REQUESTS_PER_MINUTE });
  }

  company(realmId: string): QboCompany {
    assertQboId(realmId, 'company (realm)');
    return new QboCompany(realmId, this.options, this.tokens, this.gate, this.logger, () => this.countCall(realmId), () => this.observer?.throttled(realmId), (entity, id) => this.reader(realmId, entity).load(id));
  }

  private readonly readers = new Map<string, Batcher<string, unknown>>();
  /** Gathered read queries sent (metrics, tests). */
  gatheredReads = 0;

  /** The per-company, per-entity gatherer of reads by id (see GATHERED_READS). */
  private reader(realmId: string, entity: QboEntity): Batcher<string, unknown> {
    const key = `${realmId}|${entity}`;
    let reader = this.readers.get(key);
    if (!reader) {
      reader = new Batcher<string, unknown>(
        async (ids) => {
          const company = new QboCompany(realmId, this.options, this.tokens, this.gate, this.logger, () => this.countCall(realmId), () => this.observer?.throttled(realmId));
          if (ids.length === 1) {
            const id = ids[0]!;
            return new Map([[id, await company.read<unknown>(entity, id).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))]]);
          }
          this.gatheredReads += 1;
          const rows = await company.query<{ Id?: unknown }>(entity, `where Id in (${ids.map((id) => `'${id}'`).join(', ')})`);
          const byId = new Map<string, unknown>(ids.map((id) => [id, notFound(entity, id)]));
          for (const row of rows) if (byId.has(String(row.Id))) byId.set(String(row.Id), row);
          return byId;
        },
        { maxBatch: GATHERED_READ_MAX, windowMs: GATHERED_READ_WINDOW_MS },
      );
      this.readers.set(key, reader);
    }
    return reader;
  }

  /**
   * Reads CompanyInfo of `realmId` with tokens that are not stored yet (the connect flow checks that the
   * tokens Intuit granted really open the company its redirect names). A refusal is not refreshed.
   */
  companyInfoWithToken<T>(realmId: string, accessToken: string): Promise<T> {
    const fixed: AccessTokens = {
      accessToken: async () => accessToken,
      afterRejected: async () => {
        throw new AppError('QBO_AUTH', `QuickBooks refused the new tokens for company ${realmId}.`, { status: 403 });
      },
    };
    return new QboCompany(realmId, this.options, fixed, this.gate, this.logger, () => this.countCall(realmId)).companyInfo<T>();
  }

  /** Calls made through this process, by realm (for metrics and benchmarks). */
  callCount = 0;
  /** Told of every request and every throttled answer, per company (the /metrics counters). */
  observer: { call(realmId: string): void; throttled(realmId: string): void } | null = null;
  private readonly daily = new Map<string, number>();

  /** QBO API calls this process made today (UTC) for one company: the health page's API budget. */
  callsToday(realmId: string, now = new Date()): number {
    return this.daily.get(`${now.toISOString().slice(0, 10)}|${realmId}`) ?? 0;
  }

  private countCall(realmId: string): void {
    this.callCount += 1;
    this.observer?.call(realmId);
    const key = `${new Date().toISOString().slice(0, 10)}|${realmId}`;
    this.daily.set(key, (this.daily.get(key) ?? 0) + 1);
  }
}

/** Where a company's calls get their access token (the token manager, or fixed tokens being checked). */
export type AccessTokens = Pick<TokenManager, 'accessToken' | 'afterRejected'>;

export class QboCompany {
  constructor(
    readonly realmId: string,
    private readonly options: QboApiOptions,
    private readonly tokens: AccessTokens,
    private readonly gate: RequestGate,
    private readonly logger: Logger,
    private readonly onCall: () => void,
    private readonly onThrottled: () => void = () => undefined,
    /** Reads by id of GATHERED_READS entities go through the company's gatherer when given. */
    private readonly gatheredRead?: (entity: QboEntity, id: string) => Promise<unknown>,
  ) {}

  // Every id that reaches QuickBooks passes here: read paths, update targets and references in bodies.
  async create<T>(entity: QboEntity, body: object, requestId?: string): Promise<T> {
    assertReferences(body);
    const payload = requestId ? { ...body, requestId } : { ...body };
    return this.call<T>(`create${entity}`, [payload], `create ${entity}`);
  }

  async read<T>(entity: QboEntity, id: string): Promise<T> {
    assertQboId(id, entity);
    if (this.gatheredRead && GATHERED_READS.has(entity)) return (await this.gatheredRead(entity, id)) as T;
    return this.call<T>(`get${entity}`, [id], `read ${entity} ${id}`);
  }

  /** Sparse update: only the given fields change; `Id` and `SyncToken` are required. */
  async update<T>(entity: QboEntity, body: { Id: string; SyncToken: string } & object): Promise<T> {
    assertQboId(body.Id, entity);
    assertReferences(body);
    return this.call<T>(`update${entity}`, [{ ...body, sparse: true }], `update ${entity} ${body.Id}`);
  }

  /**
   * Runs `select * from <entity> <where>` and pages through every result (1,000 per page).
   * `where` must already quote values with qboQuoted().
   */
  async query<T>(entity: QboEntity, where = '', pageLimit = 50): Promise<T[]> {
    const rows: T[] = [];
    for (let page = 0; page < pageLimit; page++) {
      const clause = `${where} startposition ${page * 1000 + 1} maxresults 1000`.trim();
      const data = await this.call<{ QueryResponse?: Record<string, unknown> }>(entity === 'CompanyCurrency' ? 'findCompanyCurrencies' : `find${entity}s`, [clause], `query ${entity}`);
      const list = (data.QueryResponse?.[entity] as T[] | undefined) ?? [];
      rows.push(...list);
      if (list.length < 1000) return rows;
    }
    return rows;
  }

  /**
   * One page of `select * from <entity> <where> startposition <start> maxresults <max>` (QBO answers at most
   * 1,000 rows per query): for callers that keep their own cursor between pages.
   */
  async queryPage<T>(entity: QboEntity, where: string, startPosition: number, maxResults = 1000): Promise<T[]> {
    if (!Number.isInteger(startPosition) || startPosition < 1 || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 1000) {
      throw new AppError('INTERNAL', `A QuickBooks query page starts at 1 or later and holds 1 to 1,000 rows (asked: ${startPosition}, ${maxResults}).`);
    }
    const clause = `${where} startposition ${startPosition} maxresults ${maxResults}`.trim();
    const data = await this.call<{ QueryResponse?: Record<string, unknown> }>(`find${entity}s`, [clause], `query ${entity}`);
    return (data.QueryResponse?.[entity] as T[] | undefined) ?? [];
  }

  /** `select count(*) from <entity> where …` (conditions joined with and; values are quoted by node-quickbooks). */
  async count(entity: QboEntity, conditions: Array<{ field: string; operator: '=' | '>=' | '<=' | '<' | '>'; value: string }>): Promise<number> {
    const data = await this.call<{ QueryResponse?: { totalCount?: number } }>(`find${entity}s`, [[...conditions, { count: true }]], `count ${entity}`);
    return data.QueryResponse?.totalCount ?? 0;
  }

  /** The invoice as QuickBooks prints it (GET /invoice/{id}/pdf through node-quickbooks' getInvoicePdf). */
  async invoicePdf(id: string): Promise<Buffer> {
    assertQboId(id, 'Invoice');
    const data = await this.call<ArrayBuffer | Buffer>('getInvoicePdf', [id], `read Invoice ${id} PDF`);
    return Buffer.isBuffer(data) ? data : Buffer.from(data);
  }

  /**
   * E-mails the invoice (POST /invoice/{id}/send through node-quickbooks' sendInvoicePdf). Without `sendTo`
   * QuickBooks sends to the invoice's BillEmail; with it, QuickBooks also makes it the invoice's BillEmail.
   * node-quickbooks puts `sendTo` into the URL as given, so it is encoded here (a `+` would become a space).
   * The answer is the invoice with its new EmailStatus and DeliveryInfo.
   */
  async sendInvoice<T>(id: string, sendTo?: string): Promise<T> {
    assertQboId(id, 'Invoice');
    const args = sendTo ? [id, encodeURIComponent(sendTo)] : [id];
    return this.call<T>('sendInvoicePdf', args, `send Invoice ${id}`);
  }

  preferences<T>(): Promise<T> {
    return this.call<T>('getPreferences', [], 'read Preferences');
  }

  companyInfo<T>(): Promise<T> {
    return this.call<T>('getCompanyInfo', [this.realmId], 'read CompanyInfo');
  }

  cdc<T>(entities: string[], since: Date): Promise<T> {
    return this.call<T>('changeDataCapture', [entities, since.toISOString()], `cdc ${entities.join(',')}`);
  }

  /**
   * POST /batch (at most 30 items), within Intuit's 40 batch requests per minute as well as the request
   * limits. With a `requestId` QBO answers a repeat of the same batch with its first response instead of
   * running it again; node-quickbooks' batch() cannot send one, so that request is made with the axios
   * instance node-quickbooks itself uses (same timeout, same error shapes for classifyQboError).
   */
  batch<T>(items: object[], requestId?: string): Promise<T> {
    if (items.length > BATCH_MAX_ITEMS) throw new AppError('INTERNAL', `A QuickBooks batch holds at most ${BATCH_MAX_ITEMS} items.`);
    assertReferences(items);
    const what = `batch of ${items.length}`;
    return requestId ? this.withToken<T>(what, (token) => this.postBatch<T>(token, items, requestId, what), 'batch') : this.withToken<T>(what, (token) => this.invoke<T>(token, 'batch', [items], what), 'batch');
  }

  /** How long a batch request sent now would wait for the company's batch budget (ms; 0: free now). */
  batchSlotInMs(): number {
    return this.gate.batchSlotInMs?.(this.realmId) ?? 0;
  }

  private call<T>(method: string, args: unknown[], what: string): Promise<T> {
    return this.withToken<T>(what, (token) => this.invoke<T>(token, method, args, what));
  }

  /**
   * One request with the company's access token, each send admitted by the gate (Intuit's limits); a
   * rejected token is refreshed once. A 429 is sent again after a back-off (exponential up to 4 s,
   * jittered, at least the Retry-After) for up to `throttleRetryMs`; then the caller gets QBO_THROTTLED
   * (retryable). A burst of 429s thus costs waits, not failed jobs that would start over.
   * Every request this sends is safe to repeat: reads, sparse updates, creates and batches with a requestid.
   */
  private async withToken<T>(what: string, send: (accessToken: string) => Promise<T>, kind: RequestKind = 'request'): Promise<T> {
    const giveUpAt = Date.now() + (this.options.throttleRetryMs ?? 120_000);
    const backoffMs = this.options.throttleBackoffMs ?? 250;
    const attempt = (token: string): Promise<T> =>
      this.gate.run(this.realmId, kind, async () => {
        this.onCall();
        return send(token);
      });
    let token = await this.tokens.accessToken(this.realmId);
    let refreshed = false;
    for (let throttled = 0; ; ) {
      try {
        return await attempt(token);
      } catch (error) {
        if (error instanceof AppError && error.code === 'QBO_AUTH' && error.status === 401 && !refreshed) {
          this.logger.warn({ realmId: this.realmId, operation: what }, 'quickbooks rejected the access token; refreshing once');
          refreshed = true;
          token = await this.tokens.afterRejected(this.realmId, token);
          continue;
        }
        if (error instanceof AppError && error.code === 'QBO_THROTTLED') {
          this.onThrottled();
          const retryAfter = Number((error.details as { retryAfterMs?: unknown } | undefined)?.retryAfterMs ?? 0);
          const wait = Math.max(retryAfter, Math.min(4_000, backoffMs * 2 ** throttled) * (0.5 + Math.random()));
          if (Date.now() + wait < giveUpAt) {
            throttled += 1;
            this.logger.debug({ realmId: this.realmId, operation: what, waitMs: Math.round(wait), throttled }, 'quickbooks answered 429; sending again after a back-off');
            await new Promise((resolve) => setTimeout(resolve, wait));
            continue;
          }
        }
        throw error;
      }
    }
  }

  private invoke<T>(accessToken: string, method: string, args: unknown[], what: string): Promise<T> {
    // The constructor copies this static field; setting it right before (synchronously) lets several
    // hosts (e.g. two emulators in one test process) be used side by side.
    (QuickBooks as unknown as { V3_ENDPOINT_BASE_URL: string }).V3_ENDPOINT_BASE_URL = apiBase(this.options);
    const client = new QuickBooks(
      this.options.clientId,
      this.options.clientSecret,
      accessToken,
      false,
      this.realmId,
      this.options.environment === 'sandbox' || Boolean(this.options.apiBaseUrl),
      false,
      String(this.options.minorVersion),
      '2.0',
    ) as unknown as Record<string, Method>;
    const fn = client[method];
    if (typeof fn !== 'function') throw new AppError('INTERNAL', `node-quickbooks has no method ${method}.`);
    // Objects are copied: node-quickbooks deletes requestId from the body it is given.
    const copied = args.map((a) => (a && typeof a === 'object' && !Array.isArray(a) ? { ...a } : a));
    return new Promise<T>((resolve, reject) => {
      const callback: Callback = (err, data) => {
        if (err) reject(classifyQboError(err, what));
        else resolve(data as T);
      };
      try {
        fn.apply(client, [...copied, callback]);
      } catch (error) {
        reject(classifyQboError(error, what));
      }
    });
  }

  private async postBatch<T>(accessToken: string, items: object[], requestId: string, what: string): Promise<T> {
    try {
      const { data } = await nodeQuickbooksAxios().post(`${apiBase(this.options)}${this.realmId}/batch`, { BatchItemRequest: items }, {
        params: { requestid: requestId, minorversion: String(this.options.minorVersion), format: 'json' },
        headers: { Authorization: `Bearer ${accessToken}`, Accept: 'application/json', 'Content-Type': 'application/json' },
      });
      return data as T;
    } catch (error) {
      throw classifyQboError(error, what);
    }
  }
}
