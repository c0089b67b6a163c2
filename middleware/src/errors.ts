/**
 * The one error type of the middleware. Adapters translate vendor errors into it; the HTTP layer renders it.
 * `retryable` drives the job queue: 429/5xx/timeouts retry, other 4xx are permanent and carry the fix.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'CONFIG_INVALID'
  | 'MAPPING_ERROR'
  | 'QBO_ERROR'
  | 'QBO_AUTH'
  | 'QBO_THROTTLED'
  | 'SALESFORCE_ERROR'
  | 'TIMEOUT'
  /** A write named a field the sync policy does not approve (config/sync-policy.json). */
  | 'POLICY_VIOLATION'
  | 'INTERNAL';

export interface AppErrorOptions {
  status?: number;
  retryable?: boolean;
  cause?: unknown;
  /** What a person should do about it; shown on the Opportunity and in the admin console. */
  fix?: string;
  details?: Record<string, unknown>;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryable: boolean;
  readonly fix: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = options.status ?? defaultStatus(code);
    this.retryable = options.retryable ?? false;
    this.fix = options.fix;
    this.details = options.details;
  }

  /** Message plus the fix, as written to `Billing_Sync_Error__c`. */
  get readable(): string {
    return this.fix ? `${this.message} Fix: ${this.fix}` : this.message;
  }
}

function defaultStatus(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'MAPPING_ERROR':
      return 400;
    case 'UNAUTHORIZED':
    case 'QBO_AUTH':
      return 401;
    case 'FORBIDDEN':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'CONFLICT':
      return 409;
    case 'PAYLOAD_TOO_LARGE':
      return 413;
    case 'QBO_THROTTLED':
      return 429;
    case 'TIMEOUT':
      return 504;
    case 'QBO_ERROR':
    case 'SALESFORCE_ERROR':
      return 502;
    default:
      return 500;
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

/** Wraps anything thrown into an AppError without losing the original as `cause`. */
export function toAppError(value: unknown): AppError {
  if (isAppError(value)) return value;
  const message = value instanceof Error ? value.message : String(value);
  return new AppError('INTERNAL', message, { cause: value, retryable: true });
}
