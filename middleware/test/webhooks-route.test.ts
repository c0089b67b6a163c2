import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createApp } from '../src/http/app';
import { webhookRoutes } from '../src/http/webhook-routes';
import { createLogger } from '../src/logger';
import { intuitSignature } from '../src/quickbooks/webhook-signature';
import { WebhookIntake } from '../src/services/payments/webhook-intake';
import { openStore, type Store } from '../src/store';
import type { InboxEvent } from '../src/store/webhook-inbox';

/** The webhook endpoint over real HTTP with the real inbox (SQLite); only the job queue is a recorder. */
const fixtures = join(__dirname, 'fixtures/quickbooks');
const vector = JSON.parse(readFileSync(join(fixtures, 'webhook-legacy.signature-vector.json'), 'utf8')) as { payloadFile: string; verifierToken: string; intuitSignature: string; wrongSignatureUsedByTheSameTest: string };
const legacyFixture = readFileSync(join(fixtures, vector.payloadFile));
const cloudFixture = readFileSync(join(fixtures, 'webhook-cloudevents.payload.json'));
const TOKEN = vector.verifierToken;
const REALM = '9130000000000001';

describe('POST /webhooks/quickbooks', () => {
  let store: Store;
  let server: Server;
  let url: string;
  let queued: InboxEvent[];
  /** Each call of the queue recorder, and what it waits on before it returns (resolved unless a test holds it). */
  let enqueueCalls: InboxEvent[][];
  let enqueueGate: Promise<void>;
  let realms: string[];
  let intake: WebhookIntake;

  async function start(options: { token?: string; bodyLimit?: string } = {}): Promise<void> {
    store = await openStore('sqlite::memory:');
    queued = [];
    realms = [REALM, '1185883450', '310687'];
    const logger = createLogger({ level: 'silent' });
    enqueueCalls = [];
    enqueueGate = Promise.resolve();
    const enqueue = async (events: InboxEvent[]) => {
      enqueueCalls.push(events);
      await enqueueGate;
      queued.push(...events);
    };
    intake = new WebhookIntake({ inbox: store.inbox, connectedRealms: async () => realms, enqueue, logger });
    const app = createApp({ logger, routers: [webhookRoutes(intake, { verifierToken: 'token' in options ? options.token : TOKEN, bodyLimit: options.bodyLimit ?? '64kb', logger })] });
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/quickbooks`;
  }
  async function stop(): Promise<void> {
    await new Promise((r) => server.close(r));
    await intake.idle();
    await store.close();
  }

  const post = (body: Buffer | string, signature: string | null, contentType = 'application/json') =>
    fetch(url, { method: 'POST', headers: { 'content-type': contentType, ...(signature === null ? {} : { 'intuit-signature': signature }) }, body });
  const signed = async (body: Buffer | string) => {
    const res = await post(body, intuitSignature(body, TOKEN));
    await intake.idle();
    return res;
  };
  const inboxSize = async () => (await store.inbox.pending(1000)).length + (await store.db.query<{ n: number }>('select count(*) as n from webhook_inbox where processed_at is not null')).rows[0]!.n;

  const legacy = (entities: Array<{ name: string; id: string; operation: string; lastUpdated: string }>, realmId = REALM) =>
    JSON.stringify({ eventNotifications: [{ realmId, dataChangeEvent: { entities } }] });

  describe('with a verifier token', () => {
    beforeEach(() => start());
    afterEach(() => stop());

    it('accepts the known-answer vector (Intuit\u2019s own bytes and signature) and rejects its wrong signature', async () => {
      const ok = await post(legacyFixture, vector.intuitSignature);
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ received: 1, stored: 1, duplicates: 0 });
      const bad = await post(legacyFixture, vector.wrongSignatureUsedByTheSameTest);
      expect(bad.status).toBe(401);
    });

    it('answers 401 to a forged or missing signature and stores nothing', async () => {
      const body = legacy([{ name: 'Payment', id: '77', operation: 'Create', lastUpdated: '2026-11-26T10:00:00.000Z' }]);
      expect((await post(body, intuitSignature(body, 'not-the-token'))).status).toBe(401);
      expect((await post(body, null)).status).toBe(401);
      const tampered = body.replace('"77"', '"78"');
      expect((await post(tampered, intuitSignature(body, TOKEN))).status).toBe(401);
      expect(await inboxSize()).toBe(0);
      expect(queued).toHaveLength(0);
    });

    it('checks the signature before parsing: malformed JSON is 401 unsigned and 400 when signed', async () => {
      expect((await post('{"eventNotifications": [', 'AAAA')).status).toBe(401);
      const res = await signed('{"eventNotifications": [');
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
      expect((await signed('{"something":"else"}')).status).toBe(400);
    });

    it('verifies the exact bytes whatever the content type (a re-serialized body would not match)', async () => {
      const body = `{ "eventNotifications" : [ {"realmId":"${REALM}","dataChangeEvent":{"entities":[{"name":"Invoice","id":"5","operation":"Update","lastUpdated":"2026-11-26T10:00:00-0800"}]}} ] }`;
      const res = await post(body, intuitSignature(body, TOKEN), 'text/plain');
      expect(res.status).toBe(200);
      await intake.idle();
      expect(queued.map((e) => [e.entity, e.entityId, e.operation, e.changeTime])).toEqual([['Invoice', '5', 'Update', '2026-11-26T10:00:00-0800']]);
    });

    it('stores the same event delivered 10 times once, and queues it once', async () => {
      const body = legacy([{ name: 'Payment', id: '77', operation: 'Create', lastUpdated: '2026-11-26T10:00:00.000Z' }]);
      const answers = [];
      for (let i = 0; i < 10; i++) answers.push((await (await signed(body)).json()) as { stored: number; duplicates: number });
      expect(answers[0]).toMatchObject({ stored: 1, duplicates: 0 });
      expect(answers.slice(1).every((a) => a.stored === 0 && a.duplicates === 1)).toBe(true);
      expect(queued).toHaveLength(1);
      expect(await inboxSize()).toBe(1);
    });

    it('reads CloudEvents (array or single object) with entity, operation and realm from the type and extensions', async () => {
      const events = [
        { specversion: '1.0', id: 'a1', source: 'intuit.x', type: 'qbo.payment.created.v1', time: '2026-11-26T18:00:00.123456789Z', intuitentityid: '41', intuitaccountid: REALM, data: {} },
        { specversion: '1.0', id: 'a2', source: 'intuit.x', type: 'qbo.creditmemo.updated.v1', time: '2026-11-26T18:00:01Z', intuitentityid: '12', intuitaccountid: REALM },
        { specversion: '1.0', id: 'a3', source: 'intuit.x', type: 'qbo.invoice.voided.v1', time: '2026-11-26T18:00:02Z', intuitentityid: '130', intuitaccountid: REALM },
      ];
      expect((await signed(JSON.stringify(events))).status).toBe(200);
      expect((await signed(JSON.stringify({ ...events[0], id: 'a4', intuitentityid: '42' }))).status).toBe(200);
      expect(queued.map((e) => `${e.entity}:${e.entityId}:${e.operation}`)).toEqual(['Payment:41:Create', 'CreditMemo:12:Update', 'Invoice:130:Void', 'Payment:42:Create']);
      const fixture = await post(cloudFixture, intuitSignature(cloudFixture, TOKEN));
      expect(await fixture.json()).toEqual({ received: 1, stored: 1, duplicates: 0 });
    });

    it('answers before queueing, and queues the notifications that came in meanwhile together, in order', async () => {
      let release!: () => void;
      enqueueGate = new Promise<void>((resolve) => (release = resolve));
      const payment = (id: string) => legacy([{ name: 'Payment', id, operation: 'Create', lastUpdated: '2026-11-26T10:00:00Z' }]);
      // The queue holds its first call: the webhook is answered all the same (stored is enough) …
      for (const id of ['1', '2', '3', '4']) expect((await post(payment(id), intuitSignature(payment(id), TOKEN))).status).toBe(200);
      expect(queued).toHaveLength(0);
      release();
      await intake.idle();
      // … and the three stored while it waited go in one call (one transaction), not one call each.
      expect(enqueueCalls.map((call) => call.map((e) => e.entityId))).toEqual([['1'], ['2', '3', '4']]);
      expect(queued.map((e) => e.entityId)).toEqual(['1', '2', '3', '4']);
    });

    it('acknowledges events for companies that are not connected without storing or queueing them', async () => {
      const body = legacy([{ name: 'Invoice', id: '9', operation: 'Update', lastUpdated: '2026-11-26T10:00:00Z' }], '5550001112223');
      const res = await signed(body);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: 1, stored: 0, duplicates: 0 });
      expect(await inboxSize()).toBe(0);
    });

    it('stores events of other entities but marks them processed instead of queueing work', async () => {
      const body = legacy([
        { name: 'Customer', id: '1', operation: 'Update', lastUpdated: '2026-11-26T10:00:00Z' },
        { name: 'Invoice', id: '2', operation: 'Create', lastUpdated: '2026-11-26T10:00:00Z' },
      ]);
      expect((await signed(body)).status).toBe(200);
      expect(queued.map((e) => e.entity)).toEqual(['Invoice']);
      expect((await store.inbox.pending()).map((e) => e.entity)).toEqual(['Invoice']);
      expect(await inboxSize()).toBe(2);
    });
  });

  it('refuses a body over the limit with 413 before verifying anything', async () => {
    await start({ bodyLimit: '1kb' });
    try {
      const entities = Array.from({ length: 40 }, (_, i) => ({ name: 'Invoice', id: String(i), operation: 'Update', lastUpdated: '2026-11-26T10:00:00Z' }));
      const res = await signed(legacy(entities));
      expect(res.status).toBe(413);
      expect(queued).toHaveLength(0);
    } finally {
      await stop();
    }
  });

  it('answers 503 with the fix when no verifier token is configured', async () => {
    await start({ token: undefined });
    try {
      const res = await post(legacyFixture, vector.intuitSignature);
      expect(res.status).toBe(503);
      expect(JSON.stringify(await res.json())).toContain('QBO_WEBHOOK_VERIFIER_TOKEN');
    } finally {
      await stop();
    }
  });
});
