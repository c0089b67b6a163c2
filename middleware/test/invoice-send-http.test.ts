/**
 * The invoice send route (API key) as an attacker with curl would try it: the admin key is no API key, and the
 * address and the requester's name are refused when they carry what a mail header or the audit log must not
 * (line breaks, control characters, several addresses, very long values). The route is refused before any
 * lookup, so every request here is for an invoice that does not exist: a refusal is a 400, the rest a 404.
 */
import { randomBytes } from 'node:crypto';
import { startStack, type Stack } from './support/stack';

describe('invoice send route against hostile input', () => {
  let stack: Stack;
  const user = { userId: '005000000000001AAA', name: 'Finance User' };

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false, env: { SEND_PER_MINUTE: '0' } });
  }, 60_000);
  afterAll(async () => {
    await stack?.close();
  });

  const send = (body: unknown, key = stack.apiKey) =>
    fetch(`${stack.url}/api/v1/opportunities/006000000000001AAA/invoices/1/send`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('takes the API key only', async () => {
    expect((await send({ requestedBy: user }, stack.adminKey)).status).toBe(401);
    expect((await send({ requestedBy: user }, randomBytes(24).toString('base64url'))).status).toBe(401);
    expect((await send({ requestedBy: user })).status).toBe(404);
  });

  it('refuses an address with a line break, a control character, several addresses or too many characters', async () => {
    for (const sendTo of [
      'billing@example.com\r\nBcc: list@spam.example',
      'billing@example.com\nbcc@spam.example',
      'bill\u0000ing@example.com',
      'bill\u0007ing@example.com',
      'bill\u007fing@example.com',
      'bill\u2028ing@example.com',
      'a@example.com,b@example.com',
      'a@example.com;b@example.com',
      'A <a@example.com>',
      `${'a'.repeat(90)}@example.com`,
    ]) {
      const res = await send({ sendTo, requestedBy: user });
      expect([JSON.stringify(sendTo), res.status]).toEqual([JSON.stringify(sendTo), 400]);
      const message = ((await res.json()) as { error: { message: string } }).error.message;
      expect(message).toContain('sendTo');
    }
    expect((await send({ sendTo: 'first.last+billing@example.co.uk', requestedBy: user })).status).toBe(404);
  });

  it("refuses a requester's name with a line break or control character (it becomes the audit log's actor)", async () => {
    for (const name of ['Eve\nSalesforce user 005000000000002AAA (Admin)', 'Eve\r\nx', 'Eve\u0000', 'Eve\u001b[31m']) {
      const res = await send({ requestedBy: { userId: user.userId, name } });
      expect([JSON.stringify(name), res.status]).toEqual([JSON.stringify(name), 400]);
    }
    expect((await send({ requestedBy: { userId: user.userId, name: "Zoë O'Brien-Smith" } })).status).toBe(404);
  });
});
