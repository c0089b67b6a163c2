/**
 * Intuit webhook notifications → one flat list of change events, from either format:
 * - legacy: `{"eventNotifications":[{"realmId","dataChangeEvent":{"entities":[{name,id,operation,lastUpdated}]}}]}`
 * - CloudEvents: a JSON array of `{specversion, id, type: "qbo.<entity>.<verb>.v1", time, intuitentityid, intuitaccountid}`
 * (a single CloudEvent object is accepted too).
 */
import { AppError } from '../../errors';
import type { InboxEventInput } from '../../store/webhook-inbox';

export type WebhookFormat = 'legacy' | 'cloudevents';

export interface ParsedNotification {
  format: WebhookFormat;
  events: InboxEventInput[];
  /** Entries that could not be read (missing realm or id); logged, never stored. */
  skipped: number;
}

/** QBO entity names as Intuit spells them; CloudEvents types carry them lower-cased. */
const ENTITY_NAMES = [
  'Account', 'Bill', 'BillPayment', 'Budget', 'Class', 'CreditMemo', 'Currency', 'Customer', 'Department', 'Deposit', 'Employee',
  'Estimate', 'Invoice', 'Item', 'JournalCode', 'JournalEntry', 'Payment', 'PaymentMethod', 'Preferences', 'Purchase',
  'PurchaseOrder', 'RefundReceipt', 'SalesReceipt', 'TaxAgency', 'Term', 'TimeActivity', 'Transfer', 'Vendor', 'VendorCredit',
];
const BY_LOWER = new Map(ENTITY_NAMES.map((name) => [name.toLowerCase(), name]));

const OPERATIONS: Record<string, string> = {
  created: 'Create',
  updated: 'Update',
  deleted: 'Delete',
  voided: 'Void',
  emailed: 'Emailed',
  merged: 'Merge',
};

const MAX_FIELD = 128;

export function parseNotification(body: unknown): ParsedNotification {
  if (Array.isArray(body)) return fromCloudEvents(body);
  if (isObject(body) && typeof body.specversion === 'string') return fromCloudEvents([body]);
  if (isObject(body) && Array.isArray(body.eventNotifications)) return fromLegacy(body.eventNotifications);
  throw new AppError('BAD_REQUEST', 'The webhook body is neither an Intuit eventNotifications object nor a CloudEvents array.', {
    fix: 'Send the notification exactly as Intuit delivers it.',
  });
}

function fromLegacy(notifications: unknown[]): ParsedNotification {
  const events: InboxEventInput[] = [];
  let skipped = 0;
  for (const notification of notifications) {
    const realmId = isObject(notification) ? idText(notification.realmId) : undefined;
    const change = isObject(notification) && isObject(notification.dataChangeEvent) ? notification.dataChangeEvent : undefined;
    const entities = change && Array.isArray(change.entities) ? change.entities : [];
    if (!realmId) {
      skipped += Math.max(entities.length, 1);
      continue;
    }
    for (const entity of entities) {
      const name = isObject(entity) ? text(entity.name) : undefined;
      const id = isObject(entity) ? idText(entity.id) : undefined;
      if (!isObject(entity) || !name || !id) {
        skipped += 1;
        continue;
      }
      const operation = text(entity.operation) ?? 'Update';
      events.push({ realmId, entity: canonicalEntity(name), entityId: id, operation, changeTime: text(entity.lastUpdated) ?? '', rawPayload: entity });
    }
  }
  return { format: 'legacy', events, skipped };
}

function fromCloudEvents(list: unknown[]): ParsedNotification {
  const events: InboxEventInput[] = [];
  let skipped = 0;
  for (const event of list) {
    if (!isObject(event)) {
      skipped += 1;
      continue;
    }
    const realmId = idText(event.intuitaccountid);
    const entityId = idText(event.intuitentityid);
    const type = /^qbo\.([a-z]+)\.([a-z]+)\.v\d+$/i.exec(text(event.type) ?? '');
    if (!realmId || !entityId || !type) {
      skipped += 1;
      continue;
    }
    const verb = type[2]!.toLowerCase();
    events.push({
      realmId,
      entity: canonicalEntity(type[1]!),
      entityId,
      operation: OPERATIONS[verb] ?? verb,
      changeTime: text(event.time) ?? '',
      rawPayload: event,
    });
  }
  return { format: 'cloudevents', events, skipped };
}

function canonicalEntity(name: string): string {
  return BY_LOWER.get(name.toLowerCase()) ?? name.charAt(0).toUpperCase() + name.slice(1);
}

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed.length > 0 && trimmed.length <= MAX_FIELD ? trimmed : undefined;
}

/** QBO ids and realm ids are short alphanumeric strings; anything else (a '/', '?', '.' or quote) would end up in a request path. */
function idText(value: unknown): string | undefined {
  const id = text(value);
  return id !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
