/** Builds notification bodies in the legacy `eventNotifications` and the CloudEvents formats. */
import { randomUUID, createHash } from 'node:crypto';
import type { ChangeEvent, ChangeOperation } from './store';
import type { WebhookFormat } from './options';

const VERBS: Record<ChangeOperation, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Void: 'voided',
  Emailed: 'emailed',
  Merge: 'merged',
};

function legacyTime(stamp: string): string {
  return stamp.replace(/([+-]\d{2}):(\d{2})$/, '$1$2');
}

export function buildNotification(format: WebhookFormat, events: ChangeEvent[]): unknown {
  if (format === 'legacy') {
    const byRealm = new Map<string, ChangeEvent[]>();
    for (const e of events) byRealm.set(e.realmId, [...(byRealm.get(e.realmId) ?? []), e]);
    return {
      eventNotifications: [...byRealm.entries()].map(([realmId, list]) => ({
        realmId,
        dataChangeEvent: {
          entities: list.map((e) => ({ name: e.entity, id: e.id, operation: e.operation, lastUpdated: legacyTime(e.lastUpdated) })),
        },
      })),
    };
  }
  return events.map((e) => ({
    specversion: '1.0',
    id: randomUUID(),
    source: `intuit.${createHash('sha256').update(`emulator:${e.realmId}`).digest('base64')}`,
    type: `qbo.${e.entity.toLowerCase()}.${VERBS[e.operation]}.v1`,
    datacontenttype: 'application/json',
    time: new Date(e.at).toISOString(),
    intuitentityid: e.id,
    intuitaccountid: e.realmId,
    data: {},
  }));
}
