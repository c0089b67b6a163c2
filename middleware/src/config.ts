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
    LEDGERLINE_ADMIN_KEYS: commaList
      .pipe(z.array(z.string().min(32, 'each key must be at least 32 characters')).max(2, 'at most two keys'))
      .default([]),
    DEFAULT_BILLING_ENTITY: z.string().min(1).optional(),
    /** Optional: the org's currency mode is read from the org; when set, it must agree (start-up checks). */
    SALESFORCE_MULTICURRENCY: z.enum(['true', 'false', '']).optional().transform((v) => (v ? v === 'true' : undefined)),
    QBO_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(30_000),
    QBO_MAX_CONCURRENT: z.coerce.number().int().min(1).max(10, 'Intuit allows 10 concurrent requests per company').default(8),
    QBO_REQUESTS_PER_MINUTE: z.coerce.number().int().min(1).max(500, 'Intuit allows 500 requests per minute per company').default(450),
    QBO_BATCH_WINDOW_MS: z.coerce.number().int().min(0).max(5_000).default(50),
    QBO_DISPLAY_NAME_MAX: z.coerce.number().int().min(20).max(500).default(500),
    CATALOG_TTL_SECONDS: z.coerce.number().int().min(0).max(86_400).default(600),
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(30),
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
    /** The governed sync policy (middleware/config/sync-policy.json when unset). */
    SYNC_POLICY_PATH: z.string().min(1).optional(),
    /** Requests per minute per client address on /webhooks, /oauth and /api (each its own bucket); 0 turns limiting off. */
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).max(1_000_000).default(3000),
  })
  .superRefine((cfg, ctx) => {
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
