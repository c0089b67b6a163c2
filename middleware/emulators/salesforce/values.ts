import { DmlError } from './errors';
import { isValidId, toId18 } from './ids';
import type { FieldDef } from './schema/types';

/** Coercion of incoming JSON values to stored wire values, with the platform's error codes. */

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Datetimes go out as 2024-01-31T12:00:00.000+0000, like the REST API. */
export function formatDateTime(d: Date): string {
  return d.toISOString().replace('Z', '+0000');
}

export function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function parseDateTime(value: string): Date | null {
  if (!DATETIME_RE.test(value)) return null;
  const normalized = value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const d = new Date(/(Z|[+-]\d{2}:\d{2})$/.test(normalized) ? normalized : `${normalized}Z`);
  return Number.isNaN(d.getTime()) ? null : d;
}

function typeError(f: FieldDef, value: unknown): DmlError {
  return DmlError.of('INVALID_TYPE_ON_FIELD_IN_RECORD', `${f.label}: value not of required type: ${String(value)}`, [f.name]);
}

/** Turns one input value into the stored value, or throws a record-level DmlError. */
export function coerceValue(f: FieldDef, raw: unknown): unknown {
  if (raw === null || raw === undefined || raw === '') {
    if (f.type === 'boolean') return false;
    return null;
  }
  if (typeof raw === 'object') throw typeError(f, JSON.stringify(raw));
  switch (f.type) {
    case 'boolean':
      if (typeof raw === 'boolean') return raw;
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw typeError(f, raw);
    case 'int':
    case 'double':
    case 'currency':
    case 'percent':
      return coerceNumber(f, raw);
    case 'date':
      return coerceDate(f, raw);
    case 'datetime': {
      const d = typeof raw === 'string' ? (DATE_RE.test(raw) ? parseDateTime(`${raw}T00:00:00Z`) : parseDateTime(raw)) : null;
      if (!d) throw typeError(f, raw);
      return formatDateTime(d);
    }
    case 'reference':
    case 'id': {
      const id = toId18(raw);
      if (!id) throw DmlError.of('MALFORMED_ID', `${f.label}: id value of incorrect type: ${String(raw)}`, [f.name]);
      return id;
    }
    case 'picklist':
      return coercePicklist(f, String(raw));
    case 'multipicklist':
      return String(raw)
        .split(';')
        .map((v) => coercePicklist(f, v.trim()))
        .join(';');
    default:
      return coerceText(f, String(raw));
  }
}

function coerceNumber(f: FieldDef, raw: unknown): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) throw typeError(f, raw);
  const scale = f.scale ?? (f.type === 'currency' ? 2 : undefined);
  const rounded = scale === undefined ? n : Math.round(n * 10 ** scale) / 10 ** scale;
  if (f.precision !== undefined) {
    const intDigits = Math.trunc(Math.abs(rounded)).toString().length;
    if (intDigits > f.precision - (scale ?? 0)) {
      throw DmlError.of('NUMBER_OUTSIDE_VALID_RANGE', `${f.label}: value outside of valid range on numeric field: ${String(raw)}`, [f.name]);
    }
  }
  return f.type === 'int' ? Math.trunc(rounded) : rounded;
}

function coerceDate(f: FieldDef, raw: unknown): string {
  if (typeof raw !== 'string') throw typeError(f, raw);
  const head = raw.length > 10 && parseDateTime(raw) ? raw.slice(0, 10) : raw;
  const m = DATE_RE.exec(head);
  if (!m) throw typeError(f, raw);
  const d = new Date(`${head}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || formatDate(d) !== head) throw typeError(f, raw);
  return head;
}

function coercePicklist(f: FieldDef, value: string): string {
  if (f.restrictedPicklist) {
    const match = f.picklistValues?.find((p) => p.active && p.value === value);
    if (!match) {
      throw DmlError.of('INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', `${f.label}: bad value for restricted picklist field: ${value}`, [f.name]);
    }
  }
  return coerceText(f, value);
}

function coerceText(f: FieldDef, value: string): string {
  if (f.length !== undefined && value.length > f.length) {
    throw DmlError.of('STRING_TOO_LONG', `${f.label}: data value too large: ${value.slice(0, 200)} (max length=${f.length})`, [f.name]);
  }
  if (f.type === 'email' && !EMAIL_RE.test(value)) {
    throw DmlError.of('INVALID_EMAIL_ADDRESS', `${f.label}: invalid email address: ${value}`, [f.name]);
  }
  return value;
}

/** Values compare case-insensitively unless the field says otherwise; ids compare as 18 characters. */
export function comparableKey(f: FieldDef, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if ((f.type === 'reference' || f.type === 'id') && isValidId(value)) return toId18(value);
  const s = String(value);
  return f.caseSensitive ? s : s.toLowerCase();
}
