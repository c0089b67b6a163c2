import { isIP } from 'node:net';
import { z } from 'zod';
import { AppError } from './errors';

/**
 * Every setting comes from the environment, validated once at start-up. A wrong value stops start-up
 * with a message naming the variable. No secret has a default.
 */
const commaList = z
  .string()
  .transform((value) => value.split(',').map((item) => item.trim()).filter((item) => item.length > 0));

const base64Key32 = z.string().refine((value) => Buffer.from(value, 'base64').length === 32, {
  message: 'must be 32 bytes encoded as base64 (e.g. `openssl rand -base64 32`)',
});

const url = z.string().url({ message: 'must be an absolute URL' });

/** One trusted proxy: an address, an address/prefix, or one of Express's names for private ranges. */
function proxyEntry(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** `false` (default: the client is the TCP peer), a hop count, or the proxies' addresses and CIDRs. */
const trustProxy = z
  .string()
  .trim()
  .refine((v) => v === 'false' || /^\d{1,2}$/.test(v) || v.split(',').every((e) => proxyEntry(e.trim())), {
    message: 'must be false, a hop count (e.g. 1) or addresses/CIDRs of the proxies (e.g. 10.0.0.0/8,loopback); true is refused because any client could then choose its own address',
  })
  .transform((v): false | number | string[] => (v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(',').map((e) => e.trim())))
  .default(false);

export const configSchema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: z
      .string()
      .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:<path> or postgres://…')
      .default('sqlite:./data/ledgerline.db'),
    LEDGERLINE_API_KEYS: commaList.pipe(
      z
        .array(z.string().min(32, 'each key must be at least 32 characters'))
        .min(1, 'at least one key is required')
        .max(2, 'at most two keys (current and next, during rotation)'),
    ),
    LEDGERLINE_ENCRYPTION_KEY: base64Key32,
    /** Earlier encryption keys, kept only to open tokens sealed before a rotation (`npm run cli -- rotate-key`). */
    LEDGERLINE_DECRYPTION_KEYS: commaList.pipe(z.array(base64Key32).max(5, 'at most five earlier keys')).default([]),
    QBO_CLIENT_ID: z.string().min(1).optional(),
    QBO_CLIENT_SECRET: z.string().min(1).optional(),
    QBO_REDIRECT_URI: url.optional(),
    QBO_ENVIRONMENT: z.enum(['sandbox', 'production']).default('sandbox'),
    QBO_WEBHOOK_VERIFIER_TOKEN: z.string().min(1).optional(),
    QBO_API_BASE_URL: url.optional(),
    QBO_OAUTH_BASE_URL: url.optional(),
    QBO_MINOR_VERSION: z.coerce.number().int().min(1).default(75),
    SALESFORCE_LOGIN_URL: url.default('https://login.salesforce.com'),
    SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
    SALESFORCE_USERNAME: z.string().min(1).optional(),
    SALESFORCE_PRIVATE_KEY: z.string().min(1).optional(),
    SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
    SALESFORCE_API_VERSION: z.string().regex(/^\d+\.\d$/, 'must look like 66.0').default('66.0'),
    /** Required: the admin console, the connect flow and the admin API never accept a Salesforce key. */
    LEDGERLINE_ADMIN_KEYS: commaList.pipe(
      z
        .array(z.string().min(32, 'each key must be at least 32 characters'))
        .min(1, 'at least one admin key is required, distinct from the API keys (e.g. `openssl rand -base64 32`)')
        .max(2, 'at most two keys'),
    ),
    DEFAULT_BILLING_ENTITY: z.string().min(1).optional(),
    /** Optional: the org's currency mode is read from the org; when set, it must agree (start-up checks). */
    SALESFORCE_MULTICURRENCY: z.enum(['true', 'false', '']).optional().transform((v) => (v ? v === 'true' : undefined)),
    QBO_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(30_000),
    QBO_MAX_CONCURRENT: z.coerce.number().int().min(1).max(10, 'Intuit allows 10 concurrent requests per company').default(8),
    QBO_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(500, 'Intuit allows 500 requests per minute per company').default(450),
    QBO_BATCHES_PER_MINUTE: z.coerce.number().int().min(1).max(40, 'Intuit allows 40 batch requests per minute per company').default(36),
    QBO_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(5_000).default(50),
    QBO_DISPLAY_NAME_MAX: z.coerce.number().int().min(20).max(500).default(500),
    CATALOG_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    /** web: HTTP and enqueue only; worker: queues and sweepers (HTTP only for /healthz, /readyz, /metrics); all: both. */
    /** Read-only bearer token for /metrics (a scraper need not hold an admin key); admin keys are accepted too. */
    METRICS_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
    LEDGERLINE_ROLE: z.enum(['web', 'worker', 'all'], { error: 'must be web, worker or all' }).default('all'),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(200),
    /** Nice value a worker-role process lowers itself to at start (0 = unchanged); web and all roles never change theirs. */
    WORKER_NICE: z.coerce.number().int().min(0, 'must be 0 (unchanged) to 19 (lowest priority)').max(19, 'must be 0 (unchanged) to 19 (lowest priority)').default(10),
    WORKER_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
    JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
    JOB_BACKOFF_BASE_MS: z.coerce.number().int().min(10).max(3_600_000).default(2000),
    JOB_BACKOFF_CAP_MS: z.coerce.number().int().min(10).max(86_400_000).default(900_000),
    JOB_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
    SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(300),
    SWEEP_LOOKBACK_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/i, 'must look like 256kb or 1mb').default('256kb'),
    /** Intuit sends up to about 1 MB per notification. */
    WEBHOOK_BODY_LIMIT: z.string().regex(/^\d+(kb|mb)$/i, 'must look like 512kb or 2mb').default('2mb'),
    /** QBO change-data-capture sweep per company (the safety net under webhooks); 0 turns it off. */
    CDC_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(60),
    /** Months of QuickBooks history imported when a company connects, and checked by the reconciliation. */
    IMPORT_MONTHS: z.coerce.number().int().min(1).max(120).default(24),
    /** Hours between two full reconciliations of a company against QuickBooks (default weekly); 0 turns it off. */
    RECONCILE_INTERVAL_HOURS: z.coerce.number().int().min(0).max(8760).default(168),
    /** The governed sync policy (middleware/config/sync-policy.json when unset). */
    SYNC_POLICY_PATH: z.string().min(1).optional(),
    /** Requests per minute per client address on /webhooks, /oauth and /api (each its own bucket); 0 turns limiting off. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(3000),
    /** Invoice previews per minute per API key (each costs QuickBooks and Salesforce calls); 0 turns the quota off. */
    PREVIEW_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(60),
    /** Invoice e-mails (POST …/invoices/:invoiceId/send) per minute per API key, so a leaked key is no mail relay; 0 turns the quota off. */
    SEND_PER_MINUTE: z.coerce.number().int().min(0).max(100_000).default(20),
    /** Retention pass every N seconds (0 = off): processed webhook events, finished jobs, audit entries, OAuth states. */
    RETENTION_INTERVAL_SECONDS: z.coerce.number().int().min(0).max(604_800).default(3600),
    RETENTION_WEBHOOK_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
    RETENTION_JOB_DAYS: z.coerce.number().int().min(1).max(36_500).default(30),
    /** The audit log is kept longest (default seven years); 0 keeps it forever. */
    RETENTION_AUDIT_DAYS: z.coerce.number().int().min(0).max(36_500).default(2555),
    /** Which proxies in front of the service to believe about the client address (X-Forwarded-For). */
    TRUST_PROXY: trustProxy,
  })
  .superRefine((cfg, ctx) => {
    if (cfg.RETENTION_AUDIT_DAYS > 0 && cfg.RETENTION_AUDIT_DAYS < Math.max(cfg.RETENTION_WEBHOOK_DAYS, cfg.RETENTION_JOB_DAYS)) {
      ctx.addIssue({ code: 'custom', path: ['RETENTION_AUDIT_DAYS'], message: 'the audit log must be kept at least as long as webhook events and jobs (or 0: forever)' });
    }
    if (cfg.LEDGERLINE_ADMIN_KEYS.some((key) => cfg.LEDGERLINE_API_KEYS.includes(key))) {
      ctx.addIssue({
        code: 'custom',
        path: ['LEDGERLINE_ADMIN_KEYS'],
        message: 'an admin key must not also be an API key: whoever can read the Named Credential would be an admin',
      });
    }
    const qbo = [cfg.QBO_CLIENT_ID, cfg.QBO_CLIENT_SECRET, cfg.QBO_REDIRECT_URI];
    if (qbo.some(Boolean) && !qbo.every(Boolean)) {
      ctx.addIssue({
        code: 'custom',
        path: ['QBO_CLIENT_ID'],
        message: 'QBO_CLIENT_ID, QBO_CLIENT_SECRET and QBO_REDIRECT_URI must be set together',
      });
    }
    if (cfg.SALESFORCE_CLIENT_ID && !cfg.SALESFORCE_PRIVATE_KEY && !cfg.SALESFORCE_CLIENT_SECRET) {
      ctx.addIssue({
        code: 'custom',
        path: ['SALESFORCE_CLIENT_ID'],
        message: 'set SALESFORCE_PRIVATE_KEY (JWT bearer flow) or SALESFORCE_CLIENT_SECRET (client credentials)',
      });
    }
    if (cfg.SALESFORCE_PRIVATE_KEY && !cfg.SALESFORCE_USERNAME) {
      ctx.addIssue({
        code: 'custom',
        path: ['SALESFORCE_USERNAME'],
        message: 'the JWT bearer flow needs SALESFORCE_USERNAME (the integration user)',
      });
    }
  });

export type Config = z.output<typeof configSchema>;

/** Validates the environment; the error names every bad variable and why, never its value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  throw new AppError('CONFIG_INVALID', `Invalid configuration: ${problems.join('; ')}`, {
    fix: 'Correct the named environment variables (see middleware/.env.example) and start again.',
    details: { variables: result.error.issues.map((issue) => issue.path.join('.')) },
  });
}
