/**
 * QBO fault shapes. Texts marked [C] are recorded from the real service (see reference/FACTS.md); the rest are
 * best guesses and say so in the README.
 */
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export type FaultType = 'ValidationFault' | 'SystemFault' | 'SERVICE' | 'AuthenticationFault';

/** Thrown by entity code; rendered as `{"Fault":{...},"time":...}` (or a batch item fault). */
export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: FaultType,
    readonly errors: FaultError[],
  ) {
    super(errors.map((e) => `${e.code} ${e.Message}`).join('; '));
  }

  toBody(): { Fault: { Error: FaultError[]; type: FaultType } } {
    return { Fault: { Error: this.errors, type: this.type } };
  }
}

function validation(code: string, message: string, detail: string, element?: string): QboFault {
  const error: FaultError = { Message: message, Detail: detail, code };
  if (element !== undefined) error.element = element;
  return new QboFault(400, 'ValidationFault', [error]);
}

export const faults = {
  /** [C] text from a recorded batch item. */
  staleObject: (who = 'Emulator User') =>
    validation(
      '5010',
      'Stale Object Error',
      `Stale Object Error : You and ${who} were working on this at the same time. ${who} finished before you did, so your work was not saved.`,
      '',
    ),
  /** [C] recorded 400 / 6240. */
  duplicateName: (detailSuffix = 'null') =>
    validation('6240', 'Duplicate Name Exists Error', `The name supplied already exists. : ${detailSuffix}`, ''),
  /** [C] text; standalone HTTP status [U]. */
  objectNotFound: () =>
    validation(
      '610',
      'Object Not Found',
      "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
      '',
    ),
  /** [U] message text. */
  invalidReference: (entity: string, id: string) =>
    validation('2500', 'Invalid Reference Id', `Invalid Reference Id : ${entity} assigned to this transaction has been deleted or does not exist (Id:${id}).`, ''),
  /** [U] message text. */
  requiredParam: (param: string) =>
    validation(
      '2020',
      'Required param missing, need to supply the required value for the API',
      `Required parameter ${param} is missing in the request`,
      '',
    ),
  /** [C] recorded 400 / 2030. */
  invalidId: (value: string) =>
    validation('2030', 'Invalid ID', `Id should be a valid number. Supplied value:${value}`, 'Id'),
  /** [C] recorded 400 / 2010 (the list of known properties is ours). */
  unsupportedProperty: (property: string, entity: string, known: readonly string[]) =>
    validation(
      '2010',
      'Request has invalid or unsupported property',
      `Property Name:Unrecognized field "${property}" (class com.intuit.schema.finance.v3.${entity}), not marked as ignorable (${known.length} known properties: ${known
        .map((k) => `"${k}"`)
        .join(', ')}])\n specified is unsupported or invalid`,
    ),
  /** [U] code/text for string length violations. */
  stringLength: (field: string, max: number, length: number) =>
    validation(
      '2050',
      'String length is either shorter or longer than supported by specification',
      `String length specified does not match the supported length. Min:1 Max:${max} supported. Supplied length:${length}`,
      field,
    ),
  /** [C] recorded 400 / 4001 for unknown entities; other details [U]. */
  invalidQuery: (detail: string) => validation('4001', 'Invalid query', `QueryValidationError: ${detail}`),
  /** [U] text for parser errors such as OR. */
  queryParse: (detail: string) => validation('4000', 'Error parsing query', `QueryParserError: ${detail}`),
  /** [U] generic business rule. */
  business: (detail: string, element = '') =>
    validation('6000', 'A business validation error has occurred while processing your request', `Business Validation Error: ${detail}`, element),
  /** [U] duplicate DocNumber. */
  duplicateDocNumber: (docNumber: string) =>
    validation('6140', 'Duplicate Document Number Error', `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber}`, ''),
  /** [C] recorded 400 / "500" for unknown paths. */
  unsupportedOperation: (relative: string, full: string) =>
    validation('500', 'Unsupported Operation', `Operation Could not find resource for relative : ${relative} of full path: ${full} is not supported.`),
  /** [C] generic_error.xml. */
  systemError: () =>
    new QboFault(500, 'SystemFault', [
      {
        Message: 'An application error has occurred while processing your request',
        Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.',
        code: '10000',
      },
    ]),
  /** [U] 503 body. */
  serviceUnavailable: () =>
    new QboFault(503, 'SystemFault', [
      { Message: 'Service Unavailable', Detail: 'The service is temporarily unavailable. Please try again later.', code: '10000' },
    ]),
};

/** [C] the lower-case envelope used for 401 (and, by third-party logs, 403) responses. */
export function authFaultBody(kind: 'expired' | 'invalid' | 'forbidden', token: string, nowMs: number): Record<string, unknown> {
  const status = kind === 'forbidden' ? 403 : 401;
  const error =
    kind === 'forbidden'
      ? { message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', detail: 'ApplicationAuthorizationFailed', code: '3100', element: null }
      : {
          message: `message=AuthenticationFailed; errorCode=003200; statusCode=${status}`,
          detail: kind === 'expired' ? `Token expired: ${token.slice(0, 50)}` : 'Token invalid',
          code: '3200',
          element: null,
        };
  return {
    warnings: null,
    intuitObject: null,
    fault: { error: [error], type: kind === 'forbidden' ? 'SERVICE' : 'AUTHENTICATION' },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: nowMs,
    status: null,
    cdcresponse: [],
  };
}

/** [C] too_many_requests_error.xml (XML, as QBO historically sent it even to JSON clients). */
export function throttleXml(time: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse time="${time}" xmlns="http://schema.intuit.com/finance/v3">\n` +
    '  <Fault type="SERVICE">\n    <Error code="3001">\n' +
    '      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>\n' +
    '      <Detail>The request limit was reached.  Try again later</Detail>\n' +
    '    </Error>\n  </Fault>\n</IntuitResponse>\n'
  );
}

/** [U] the same throttle fault in the JSON `Fault` envelope. */
export function throttleJson(): { Fault: { Error: FaultError[]; type: FaultType } } {
  return {
    Fault: {
      Error: [
        { Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.  Try again later', code: '3001' },
      ],
      type: 'SERVICE',
    },
  };
}
