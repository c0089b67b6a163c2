import type { Connection } from 'jsforce';
import { AppError } from '../errors';

/** Salesforce record ids are 15 or 18 characters of [a-zA-Z0-9]; anything else never reaches SOQL. */
export const SALESFORCE_ID = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

export function soqlIdList(ids: string[]): string {
  for (const id of ids) {
    if (!SALESFORCE_ID.test(id)) throw new AppError('BAD_REQUEST', `"${id}" is not a Salesforce record id.`, { fix: 'Send 15- or 18-character ids.' });
  }
  return ids.map((id) => `'${id}'`).join(',');
}

export interface SaveResult {
  id: string | null;
  success: boolean;
  errors: Array<{ statusCode: string; message: string; fields?: string[] }>;
}

const RETRYABLE_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'REQUEST_LIMIT_EXCEEDED', 'SERVER_UNAVAILABLE', 'API_CURRENTLY_DISABLED', 'TOO_MANY_ENQUEUED_JOBS']);

const INTEGRATION_SET = 'the Ledgerline_Integration permission set';

/**
 * What a Salesforce admin does about a refusal of the integration user's read or write: the permission
 * set to assign, the field to grant, or the record to correct. `sobject` is the object written, if known.
 */
export function refusalFix(statusCode: string, message: string, sobject?: string, fields: string[] = []): string {
  switch (statusCode) {
    case 'FIELD_CUSTOM_VALIDATION_EXCEPTION':
      return (
        `A validation rule${sobject ? ` on ${sobject}` : ''} refused the integration user. Assign ${INTEGRATION_SET} to the integration user ` +
        '(its custom permissions Ledgerline_Write_QuickBooks_Fields and Ledgerline_Bypass_Validation let the Ledgerline rules through); ' +
        'if it is assigned, correct the record as the rule says. Then press Retry on the deal.'
      );
    case 'INVALID_FIELD_FOR_INSERT_UPDATE': {
      const named = fields.length ? fields : (/fields: ([^.]+)\./.exec(message)?.[1] ?? '').split(',').map((f) => f.trim()).filter(Boolean);
      const list = named.map((f) => (sobject && !f.includes('.') ? `${sobject}.${f}` : f)).join(', ') || 'the field named in the message';
      return `In Setup, give ${INTEGRATION_SET} Edit access to ${list} (Field-Level Security) and make sure the set is assigned to the integration user. Then press Retry on the deal.`;
    }
    case 'INVALID_FIELD': {
      const m = /No such column '([^']+)' on (?:entity|sobject of type) '?([A-Za-z0-9_]+)/.exec(message);
      const field = m ? `${m[2]}.${m[1]}` : 'the field named in the message';
      return `In Setup, give ${INTEGRATION_SET} Read access to ${field} (Field-Level Security; deploy the field first if the org lacks it) and make sure the set is assigned to the integration user. Then press Retry on the deal.`;
    }
    case 'INSUFFICIENT_ACCESS_OR_READONLY':
    case 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY':
      return `Assign ${INTEGRATION_SET} to the integration user (it grants the object access the sync needs). Then press Retry on the deal.`;
    default:
      return `Check ${INTEGRATION_SET} (assigned to the integration user) and the field named in the message.`;
  }
}

/** jsforce errors carry `errorCode`; HTTP-level failures carry a status. */
export function classifySalesforceError(error: unknown, what: string): AppError {
  if (error instanceof AppError) return error;
  const e = error as { errorCode?: string; name?: string; message?: string; statusCode?: number; code?: string; fields?: string[] };
  const code = e.errorCode ?? e.name ?? '';
  // Only a failure without a Salesforce error code is read for network symptoms: a query error's
  // "Column:512" is not an HTTP 5xx.
  const transport = !e.errorCode && /ECONNRESET|ECONNREFUSED|ETIMEDOUT|socket hang up|timeout|5\d\d/i.test(`${e.code ?? ''} ${e.message ?? ''}`);
  const retryable = RETRYABLE_CODES.has(code) || (typeof e.statusCode === 'number' && e.statusCode >= 500) || transport;
  return new AppError('SALESFORCE_ERROR', `Salesforce failed during ${what}: ${code ? `${code}: ` : ''}${e.message ?? String(error)}`, {
    retryable,
    fix: retryable ? undefined : refusalFix(code, e.message ?? '', undefined, e.fields ?? []),
    details: { errorCode: code },
    cause: error,
  });
}

/** Per-record failures of a collection call; lock errors come back per record and are retryable. */
export function failedRecords(results: SaveResult[], records: Array<Record<string, unknown>>): Array<{ record: Record<string, unknown>; code: string; message: string; retryable: boolean }> {
  const failed: Array<{ record: Record<string, unknown>; code: string; message: string; retryable: boolean }> = [];
  results.forEach((result, index) => {
    if (result.success) return;
    const first = result.errors[0] ?? { statusCode: 'UNKNOWN', message: 'no detail' };
    failed.push({ record: records[index]!, code: first.statusCode, message: first.message, retryable: RETRYABLE_CODES.has(first.statusCode) });
  });
  return failed;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Updates records through sObject collections, 200 per call, never all-or-none: one locked record must not
 * hold back the other 199. Failed records are returned so the caller can retry just those.
 */
export async function updateRecords(conn: Connection, sobject: string, records: Array<Record<string, unknown> & { Id: string }>) {
  const failures: ReturnType<typeof failedRecords> = [];
  for (const chunk of chunks(records, 200)) {
    let results: SaveResult[];
    try {
      results = (await conn.sobject(sobject).update(chunk, { allOrNone: false })) as unknown as SaveResult[];
    } catch (error) {
      throw classifySalesforceError(error, `update of ${chunk.length} ${sobject} records`);
    }
    failures.push(...failedRecords(results, chunk));
  }
  return failures;
}

/** Upserts by an external id through sObject collections, 200 per call. */
export async function upsertRecords(conn: Connection, sobject: string, externalIdField: string, records: Array<Record<string, unknown>>) {
  const failures: ReturnType<typeof failedRecords> = [];
  for (const chunk of chunks(records, 200)) {
    let results: SaveResult[];
    try {
      results = (await conn.sobject(sobject).upsert(chunk, externalIdField, { allOrNone: false })) as unknown as SaveResult[];
    } catch (error) {
      throw classifySalesforceError(error, `upsert of ${chunk.length} ${sobject} records`);
    }
    failures.push(...failedRecords(results, chunk));
  }
  return failures;
}
