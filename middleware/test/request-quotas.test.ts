/**
 * What a valid Salesforce key can trigger is bounded (issue #23, finding 9): previews have a quota per key,
 * and repeated Account notices share one waiting job per Account.
 */
import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from './support/stack';

describe('quotas on what a Salesforce key can trigger', () => {
  let stack: Stack;
  // Two keys are active during a rotation; each has its own quota.
  const [keyA, keyB] = [randomBytes(24).toString('base64url'), randomBytes(24).toString('base64url')];

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false, env: { PREVIEW_PER_MINUTE: '6', SEND_PER_MINUTE: '6', LEDGERLINE_API_KEYS: `${keyA},${keyB}` } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  it('answers 429 once a key has used its previews, naming the setting; another key keeps its own', async () => {
    const preview = (key: string) => fetch(`${stack.url}/api/v1/opportunities/006000000000001AAA/preview`, { headers: { authorization: `Bearer ${key}` } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await preview(keyA)).status);
    expect(statuses).not.toContain(429);
    const refused = await preview(keyA);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { message: string; fix: string } };
    expect(body.error.message).toMatch(/preview endpoints from this key/);
    expect(body.error.fix).toMatch(/PREVIEW_PER_MINUTE/);
    expect((await preview(keyB)).status).not.toBe(429);
    // A wrong key is refused by authentication first and never reaches the quota.
    expect((await preview(randomBytes(24).toString('base64url'))).status).toBe(401);
  });

  // A key that leaks (or a script behind it) must not turn the send route into an e-mail relay: each send
  // changes the invoice's BillEmail to any address and has QuickBooks mail it.
  it('answers 429 once a key has used its invoice sends, naming the setting; another key keeps its own', async () => {
    const send = (key: string) =>
      fetch(`${stack.url}/api/v1/opportunities/006000000000001AAA/invoices/1/send`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sendTo: 'victim@example.com', requestedBy: { userId: '005000000000001AAA' } }),
      });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await send(keyA)).status);
    expect(statuses).not.toContain(429);
    const refused = await send(keyA);
    expect(refused.status).toBe(429);
    const body = (await refused.json()) as { error: { message: string; fix: string } };
    expect(body.error.fix).toMatch(/SEND_PER_MINUTE/);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await send(keyB)).status).not.toBe(429);
  });

  it('keeps one waiting job per Account however many notices arrive', async () => {
    const notify = async () => {
      const res = await fetch(`${stack.url}/api/v1/sync/accounts`, { method: 'POST', headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' }, body: JSON.stringify({ accountIds: ['001000000000001AAA'] }) });
      expect(res.status).toBe(202);
      return ((await res.json()) as { accepted: Array<{ jobId: string }> }).accepted[0]!.jobId;
    };
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++) ids.add(await notify());
    expect(ids.size).toBe(1);
    const jobs = await stack.ledgerline.queue.list({ type: 'account.sync' });
    expect(jobs.filter((j) => j.state === 'queued')).toHaveLength(1);
  });
});
