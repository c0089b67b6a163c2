import { AppError } from '../errors';

/** One error of a QBO Fault, as QBO sends it in either envelope. */
export interface QboFaultError {
  code: string;
  message: string;
  detail: string;
  element?: string;
}

interface AxiosLike {
  isAxiosError?: boolean;
  code?: string;
  message?: string;
  response?: { status: number; data?: unknown; headers?: Record<string, unknown> };
}

const TRANSIENT_NETWORK = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** Reads the errors out of a Fault (`{Fault:{Error:[…]}}`) or the 401/403 envelope (`{fault:{error:[…]}}`). */
export function faultErrors(body: unknown): QboFaultError[] {
  const b = body as { Fault?: { Error?: unknown[] }; fault?: { error?: unknown[] } } | null;
  const list = (b?.Fault?.Error ?? b?.fault?.error ?? []) as Array<Record<string, unknown>>;
  return list.map((e) => ({
    code: String(e.code ?? ''),
    message: String(e.Message ?? e.message ?? ''),
    detail: String(e.Detail ?? e.detail ?? ''),
    ...(e.element ? { element: String(e.element) } : {}),
  }));
}

/**
 * Translates whatever node-quickbooks hands to its callback (an AxiosError for 4xx/5xx, the parsed body
 * for a Fault inside a 200, or a network error) into our error with the right `retryable` flag.
 * `what` names the operation and record, so the message says which call failed.
 */
export function classifyQboError(err: unknown, what: string): AppError {
  const ax = err as AxiosLike;
  const status = ax?.response?.status;
  const body = ax?.response ? ax.response.data : err;
  const faults = faultErrors(body);
  const first = faults[0];
  const summary = first ? `${first.message}${first.detail ? ` (${first.detail})` : ''} [QBO ${first.code}]` : ax?.message ?? 'unknown error';
  const details = { status, faults, operation: what };

  if (status === 401) {
    return new AppError('QBO_AUTH', `QuickBooks rejected the access token during ${what}.`, { status: 401, retryable: true, details, cause: err });
  }
  if (status === 403) {
    return new AppError('QBO_AUTH', `QuickBooks refused access during ${what}: ${summary}.`, {
      status: 403,
      retryable: false,
      fix: 'Reconnect the QuickBooks company (the app is not authorized for it, or it is the wrong environment).',
      details,
      cause: err,
    });
  }
  if (status === 429 || faults.some((f) => f.code === '3001')) {
    return new AppError('QBO_THROTTLED', `QuickBooks throttled ${what}.`, { status: 429, retryable: true, details, cause: err });
  }
  if (status !== undefined && status >= 500) {
    return new AppError('QBO_ERROR', `QuickBooks failed with HTTP ${status} during ${what}: ${summary}.`, { status: 502, retryable: true, details, cause: err });
  }
  if (status === undefined && !first) {
    const code = ax?.code ?? '';
    const transient = TRANSIENT_NETWORK.has(code) || /timeout|socket hang up|network/i.test(ax?.message ?? '');
    return new AppError(code === 'ECONNABORTED' || /timeout/i.test(ax?.message ?? '') ? 'TIMEOUT' : 'QBO_ERROR', `No answer from QuickBooks during ${what}: ${ax?.message ?? String(err)}.`, {
      retryable: transient,
      details: { ...details, networkCode: code },
      cause: err,
    });
  }
  // A 4xx or a Fault in a 200: permanent unless it is a stale object (someone else saved first: re-read and retry).
  const stale = faults.some((f) => f.code === '5010');
  return new AppError('QBO_ERROR', `QuickBooks rejected ${what}: ${summary}.`, {
    status: 422,
    retryable: stale,
    fix: fixFor(faults),
    details,
    cause: err,
  });
}

/** The action a person should take for the QBO validation codes we meet in practice. */
function fixFor(faults: QboFaultError[]): string {
  const codes = new Set(faults.map((f) => f.code));
  if (codes.has('6240')) return 'A customer, vendor or employee in QuickBooks already uses this name: rename one of them or link the Account to the existing customer.';
  if (codes.has('610') || codes.has('2500')) return 'A referenced QuickBooks record (customer, item, term or tax code) is inactive or was deleted: reactivate it or fix the mapping on the Salesforce record.';
  if (codes.has('6000')) return 'QuickBooks refused the invoice for a business rule; read the detail and correct the Opportunity or the QuickBooks settings.';
  if (codes.has('5010')) return 'The record changed in QuickBooks at the same time; the retry re-reads it.';
  return 'Correct the data named in the message and retry the sync.';
}

export function isQboFaultCode(error: unknown, code: string): boolean {
  const details = (error as AppError)?.details as { faults?: QboFaultError[] } | undefined;
  return Boolean(details?.faults?.some((f) => f.code === code));
}
