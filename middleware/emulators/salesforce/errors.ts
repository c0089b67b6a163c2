/** Errors in the shapes the real REST API uses. */

/** One item of a REST error body: `[{"message","errorCode","fields"?}]`. */
export interface SfErrorItem {
  message: string;
  errorCode: string;
  fields?: string[];
}

/** A request-level failure: rendered as `status` + `[{message, errorCode, fields?}]`. */
export class SfApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly fields?: string[],
  ) {
    super(message);
  }

  toBody(): SfErrorItem[] {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

/** One record-level failure, as sObject Collections report it: `{statusCode, message, fields}`. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** A DML failure on one record (validation, type, duplicate...). */
export class DmlError extends Error {
  constructor(readonly errors: RecordError[]) {
    super(errors.map((e) => `${e.statusCode}: ${e.message}`).join('; '));
  }

  static of(statusCode: string, message: string, fields: string[] = []): DmlError {
    return new DmlError([{ statusCode, message, fields }]);
  }

  /** The single-record REST endpoints answer 400 with `[{message, errorCode, fields}]`. */
  toApiBody(): SfErrorItem[] {
    return this.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields }));
  }
}

export const notFound = (): SfApiError => new SfApiError(404, 'NOT_FOUND', 'The requested resource does not exist');

export const invalidSession = (): SfApiError => new SfApiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');

export const unknownColumn = (field: string, type: string): SfApiError =>
  new SfApiError(400, 'INVALID_FIELD', `No such column '${field}' on sobject of type ${type}`);

export const lockError = (ids: string[] = []): RecordError => ({
  statusCode: 'UNABLE_TO_LOCK_ROW',
  message: ids.length
    ? `unable to obtain exclusive access to this record or ${ids.length} records: ${ids.join(',')}`
    : 'unable to obtain exclusive access to this record',
  fields: [],
});

export const rolledBack = (): RecordError => ({
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
});
