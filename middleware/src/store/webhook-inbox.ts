import { iso, type Clock } from './clock';
import type { WebhookInboxRow } from './schema';
import { placeholders, type SqlExecutor } from './sql-port';

export interface InboxEventInput {
  realmId: string;
  /** QBO entity name as Intuit sends it: `Invoice`, `Payment`, `Customer`… */
  entity: string;
  entityId: string;
  /** `Create`, `Update`, `Delete`, `Merge`, `Void`, `Emailed`… */
  operation: string;
  /** Intuit's `lastUpdated`, kept exactly as sent (it is part of the dedupe key). */
  changeTime: string | Date;
  /** The event (or notification) as received, for replay and diagnosis. Never holds our secrets. */
  rawPayload: unknown;
}

export interface InboxEvent {
  id: number;
  realmId: string;
  entity: string;
  entityId: string;
  operation: string;
  changeTime: string;
  rawPayload: unknown;
  receivedAt: Date;
  processedAt: Date | null;
}

export interface RecordResult {
  /** Events seen for the first time, in input order. */
  stored: InboxEvent[];
  /** How many were already in the inbox (Intuit redelivers) and were ignored. */
  duplicates: number;
}

const COLUMNS = ['realm_id', 'entity', 'entity_id', 'operation', 'change_time', 'raw_payload', 'received_at'] as const;
const ROWS_PER_INSERT = 200;

/**
 * Every Intuit webhook event is stored here before the webhook is acknowledged. Redeliveries collapse on
 * (realm, entity, id, operation, change time), so a worker processes each change once.
 */
export class WebhookInbox {
  constructor(
    private readonly db: SqlExecutor,
    private readonly now: Clock,
  ) {}

  async record(events: InboxEventInput[]): Promise<RecordResult> {
    const receivedAt = iso(this.now());
    const stored: InboxEvent[] = [];
    for (let start = 0; start < events.length; start += ROWS_PER_INSERT) {
      const chunk = events.slice(start, start + ROWS_PER_INSERT);
      const values = chunk.map((_, index) => `(${placeholders(COLUMNS.length, index * COLUMNS.length + 1)})`);
      const { rows } = await this.db.query<WebhookInboxRow>(
        `insert into webhook_inbox (${COLUMNS.join(', ')}) values ${values.join(', ')}
         on conflict (realm_id, entity, entity_id, operation, change_time) do nothing
         returning *`,
        chunk.flatMap((event) => [
          event.realmId,
          event.entity,
          event.entityId,
          event.operation,
          typeof event.changeTime === 'string' ? event.changeTime : iso(event.changeTime),
          JSON.stringify(event.rawPayload ?? null),
          receivedAt,
        ]),
      );
      stored.push(...rows.map(toEvent).sort((a, b) => a.id - b.id));
    }
    return { stored, duplicates: events.length - stored.length };
  }

  /** Unprocessed events, oldest first. */
  async pending(limit = 100): Promise<InboxEvent[]> {
    const { rows } = await this.db.query<WebhookInboxRow>(
      'select * from webhook_inbox where processed_at is null order by id limit $1',
      [limit],
    );
    return rows.map(toEvent);
  }

  async get(id: number): Promise<InboxEvent | undefined> {
    const { rows } = await this.db.query<WebhookInboxRow>('select * from webhook_inbox where id = $1', [id]);
    return rows[0] ? toEvent(rows[0]) : undefined;
  }

  /** Returns how many were newly marked (already processed ones are left as they are). */
  async markProcessed(ids: number[]): Promise<number> {
    if (ids.length === 0) return 0;
    const { rowCount } = await this.db.query(
      `update webhook_inbox set processed_at = $1 where processed_at is null and id in (${placeholders(ids.length, 2)})`,
      [iso(this.now()), ...ids],
    );
    return rowCount;
  }

  /** Retention: deletes processed events received before `before`. */
  async purgeProcessed(before: Date): Promise<number> {
    const { rowCount } = await this.db.query(
      'delete from webhook_inbox where processed_at is not null and received_at < $1',
      [iso(before)],
    );
    return rowCount;
  }
}

function toEvent(row: WebhookInboxRow): InboxEvent {
  return {
    id: row.id,
    realmId: row.realm_id,
    entity: row.entity,
    entityId: row.entity_id,
    operation: row.operation,
    changeTime: row.change_time,
    rawPayload: JSON.parse(row.raw_payload) as unknown,
    receivedAt: new Date(row.received_at),
    processedAt: row.processed_at === null ? null : new Date(row.processed_at),
  };
}
