import type { ObjectDef } from './schema/types';
import type { Schema } from './schema/schema';
import type { RecordStore, SfRecord } from './store';

/**
 * The org's event bus for platform events. An API user publishes by inserting an `…__e` record (REST
 * sobjects, sObject collections, /composite); the insert is checked like any other (field names, types,
 * lengths) and answered with the event's id. Once the request has committed, the events are delivered to
 * subscribers in the shape a CometD (empApi) subscriber receives: `{channel, data: {schema, payload, event}}`.
 * Publishing counts against an hourly allocation; past it the insert fails with LIMIT_EXCEEDED.
 */

export interface PlatformEventMessage {
  channel: string;
  data: {
    schema: string;
    /** The event's custom fields plus CreatedDate and CreatedById. */
    payload: Record<string, unknown>;
    event: { replayId: number; EventUuid: string };
  };
}

export type EventListener = (message: PlatformEventMessage) => void;

/** Default hourly publishing allocation (the platform's figure depends on the edition and add-ons). */
export const DEFAULT_HOURLY_EVENT_ALLOCATION = 250_000;
const HOUR_MS = 3_600_000;
const KEPT_MESSAGES = 1000;

export class PlatformEventBus {
  private replayId = 0;
  private readonly listeners = new Set<EventListener>();
  /** The last delivered messages (newest last), for tests and the control API. */
  readonly delivered: PlatformEventMessage[] = [];
  /** Publishes counted in the current hour, and the hourly allocation. */
  allocation: { used: number; limit: number; windowStart: number };

  constructor(
    private readonly now: () => Date,
    limit = DEFAULT_HOURLY_EVENT_ALLOCATION,
  ) {
    this.allocation = { used: 0, limit, windowStart: now().getTime() };
  }

  /** Counts one publish; false when the hour's allocation is used up. */
  take(): boolean {
    const at = this.now().getTime();
    if (at - this.allocation.windowStart >= HOUR_MS) this.allocation = { ...this.allocation, used: 0, windowStart: at };
    if (this.allocation.used >= this.allocation.limit) return false;
    this.allocation.used += 1;
    return true;
  }

  setAllocation(patch: { used?: number; limit?: number }): void {
    if (patch.used !== undefined) this.allocation.used = patch.used;
    if (patch.limit !== undefined) this.allocation.limit = patch.limit;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers the committed events of every platform-event type (called after each request, outside savepoints). */
  flush(schema: Schema, store: RecordStore): number {
    let count = 0;
    for (const obj of schema.allObjects().filter((o) => o.platformEvent)) {
      for (const rec of store.drain(obj.name)) {
        this.deliver(obj, rec);
        count += 1;
      }
    }
    return count;
  }

  private deliver(obj: ObjectDef, rec: SfRecord): void {
    this.replayId += 1;
    const payload: Record<string, unknown> = { CreatedDate: rec.CreatedDate, CreatedById: rec.CreatedById };
    for (const f of obj.fields) if (f.custom) payload[f.name] = rec[f.name] ?? null;
    const message: PlatformEventMessage = {
      channel: `/event/${obj.name}`,
      data: { schema: `${obj.keyPrefix}-schema`, payload, event: { replayId: this.replayId, EventUuid: String(rec.EventUuid) } },
    };
    this.delivered.push(message);
    if (this.delivered.length > KEPT_MESSAGES) this.delivered.splice(0, this.delivered.length - KEPT_MESSAGES);
    for (const listener of [...this.listeners]) {
      try {
        listener(message);
      } catch {
        // A subscriber's failure is its own; the bus keeps delivering to the others.
      }
    }
  }

  reset(): void {
    this.delivered.length = 0;
    this.allocation = { ...this.allocation, used: 0, windowStart: this.now().getTime() };
  }
}
