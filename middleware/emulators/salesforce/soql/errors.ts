import { SfApiError } from '../errors';

/** Query errors carry the query, a caret and Row/Column like the real ones. */
export function queryError(errorCode: string, soql: string, token: string, detail: string): SfApiError {
  const lines = soql.split('\n');
  let row = 0;
  let col = 0;
  const needle = token.toLowerCase();
  for (let i = 0; i < lines.length && needle; i++) {
    const at = (lines[i] as string).toLowerCase().search(new RegExp(`(^|[^A-Za-z0-9_.])${escapeRe(needle)}`));
    if (at >= 0) {
      row = i;
      col = at === 0 && (lines[i] as string).toLowerCase().startsWith(needle) ? 0 : at + 1;
      break;
    }
  }
  const line = lines[row] ?? '';
  const message = `\n${line}\n${' '.repeat(col)}^\nERROR at Row:${row + 1}:Column:${col + 1}\n${detail}`;
  return new SfApiError(400, errorCode, message);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export const noSuchColumn = (soql: string, field: string, entity: string): SfApiError =>
  queryError(
    'INVALID_FIELD',
    soql,
    field,
    `No such column '${field}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const badRelationship = (soql: string, rel: string): SfApiError =>
  queryError(
    'INVALID_FIELD',
    soql,
    rel,
    `Didn't understand relationship '${rel}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const badChildRelationship = (soql: string, rel: string): SfApiError =>
  queryError(
    'INVALID_TYPE',
    soql,
    rel,
    `Didn't understand relationship '${rel}' in FROM part of query call. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

export const unsupportedType = (soql: string, type: string): SfApiError =>
  queryError(
    'INVALID_TYPE',
    soql,
    type,
    `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
  );

/** Platform events are published and subscribed to, never queried. */
export const notQueryable = (soql: string, type: string): SfApiError => queryError('INVALID_TYPE', soql, type, `entity type ${type} does not support query`);

export const malformed = (soql: string, token: string, detail: string): SfApiError => queryError('MALFORMED_QUERY', soql, token, detail);
