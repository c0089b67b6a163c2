import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WebhookOptions } from './options';
import type { ChangeEvent } from './store';
import { verifyWebhookSignature } from './webhook-signature';
import { WebhookNotifier } from './webhooks';

let server: Server;
let statuses: number[] = [];
const bodies: Array<{ body: string; signature: string }> = [];

function options(url: string): WebhookOptions {
  return { url, verifierToken: 'vt', format: 'cloudevents', batchWindowMs: 10, retryDelaysMs: [5, 5], timeoutMs: 1000, maxEventsPerNotification: 100 };
}

const event = (id: string): ChangeEvent => ({ realmId: 'r1', entity: 'Invoice', id, operation: 'Create', at: 0, lastUpdated: '2024-01-01T00:00:00-08:00' });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ body: Buffer.concat(chunks).toString(), signature: String(req.headers['intuit-signature']) });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => {
  bodies.length = 0;
  statuses = [];
});

const url = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

describe('WebhookNotifier', () => {
  it('batches events within the window into one signed CloudEvents notification', async () => {
    const n = new WebhookNotifier(options(url()));
    n.record(event('1'));
    n.record(event('2'));
    await n.flush();
    expect(bodies).toHaveLength(1);
    expect(verifyWebhookSignature(bodies[0]!.body, bodies[0]!.signature, 'vt')).toBe(true);
    expect((JSON.parse(bodies[0]!.body) as Array<{ intuitentityid: string }>).map((e) => e.intuitentityid)).toEqual(['1', '2']);
    n.close();
  });

  it('retries non-2xx with bounded back-off, then gives up', async () => {
    const n = new WebhookNotifier(options(url()));
    statuses = [500, 503];
    n.record(event('1'));
    await n.flush();
    expect(n.deliveries()[0]).toMatchObject({ outcome: 'delivered', attempts: [{ status: 500 }, { status: 503 }, { status: 200 }] });
    statuses = [500, 500, 500];
    n.record(event('2'));
    await n.flush();
    expect(n.deliveries()[1]).toMatchObject({ outcome: 'failed' });
    expect(n.deliveries()[1]!.attempts).toHaveLength(3);
    n.close();
  });

  it('can pause delivery and drop notifications to simulate lost webhooks', async () => {
    const n = new WebhookNotifier(options(url()));
    n.dropNext(1);
    n.record(event('lost'));
    await n.flush();
    expect(bodies).toHaveLength(0);
    n.pause();
    n.record(event('held'));
    await n.flush();
    expect(bodies).toHaveLength(0);
    n.resume();
    await n.flush();
    expect(bodies.map((b) => b.body)).toEqual([expect.stringContaining('"intuitentityid":"held"')]);
    expect(n.deliveries().map((d) => d.outcome)).toEqual(['dropped', 'delivered']);
    n.close();
  });
});
