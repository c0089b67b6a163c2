import express, { type RequestHandler } from 'express';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { startSalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { MAX_EVENT_STREAMS, mountPreview, previewDataRouter } from './preview-data';

describe('mountPreview', () => {
  it('serves /preview and /preview/… with the prefix stripped, and leaves /preview-data/… to the data routes', async () => {
    const seen: string[] = [];
    const files: RequestHandler = (req, res) => {
      seen.push(req.url);
      res.send('file');
    };
    const app = express();
    app.use(mountPreview(files));
    app.get('/preview-data/account/:id', (req, res) => res.json({ account: req.params.id }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect(await (await fetch(`${base}/preview-data/account/001A`)).json()).toEqual({ account: '001A' });
      expect(await (await fetch(`${base}/preview/?opportunity=006A`)).text()).toBe('file');
      expect(await (await fetch(`${base}/preview`)).text()).toBe('file');
      expect(await (await fetch(`${base}/preview/app.js`)).text()).toBe('file');
      expect(seen).toEqual(['/?opportunity=006A', '/', '/app.js']);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the preview events bridge (GET /preview-data/events)', () => {
  it('forwards the platform events the Salesforce emulator receives as server-sent events, for the channel asked', async () => {
    const sf = await startSalesforceEmulator();
    const app = express();
    app.use(previewDataRouter(sf.control));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const abort = new AbortController();
    try {
      const response = await fetch(`${base}/preview-data/events?channel=${encodeURIComponent('/event/Ledgerline_Billing_Update__e')}`, { signal: abort.signal });
      expect(response.headers.get('content-type')).toBe('text/event-stream');
      // The demo serves the preview itself (same origin): no other site the person browses may read the stream.
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const reader = response.body!.getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      expect(text).toBe(': connected\n\n');

      const conn = new Connection({ instanceUrl: sf.url, accessToken: sf.control.createSession().accessToken, version: '62.0' });
      await conn.sobject('Ledgerline_Billing_Update__e').create({ Opportunity_Ids__c: '006000000000001AAA', Change_Kinds__c: 'payment' });
      while (!text.includes('\n\ndata: ') || !text.endsWith('\n\n') || text === ': connected\n\n') text += decoder.decode((await reader.read()).value);
      const message = JSON.parse(text.split('data: ')[1]!.trim()) as { channel: string; data: { payload: Record<string, unknown> } };
      expect(message.channel).toBe('/event/Ledgerline_Billing_Update__e');
      expect(message.data.payload).toMatchObject({ Opportunity_Ids__c: '006000000000001AAA', Change_Kinds__c: 'payment' });
    } finally {
      abort.abort();
      await new Promise((resolve) => server.close(resolve));
      await sf.close();
    }
  });
});

describe('the preview events bridge under abuse', () => {
  it('holds a bounded number of streams open and refuses more with 503 (each one is a socket and a subscription)', async () => {
    const sf = await startSalesforceEmulator();
    const app = express();
    app.use(previewDataRouter(sf.control));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const abort = new AbortController();
    try {
      const open: number[] = [];
      for (let i = 0; i < MAX_EVENT_STREAMS; i++) open.push((await fetch(`${base}/preview-data/events`, { signal: abort.signal })).status);
      expect(open.every((status) => status === 200)).toBe(true);
      const refused = await fetch(`${base}/preview-data/events`, { signal: abort.signal });
      expect(refused.status).toBe(503);
      expect(((await refused.json()) as { message: string }).message).toMatch(/streams/);
      // Closed streams give their places back.
      abort.abort();
      const again = new AbortController();
      const deadline = Date.now() + 30_000;
      let status = 0;
      while (status !== 200 && Date.now() < deadline) {
        const res = await fetch(`${base}/preview-data/events`, { signal: again.signal });
        status = res.status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      again.abort();
      expect(status).toBe(200);
    } finally {
      abort.abort();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sf.close();
    }
  });

  it('refuses a send or a retry posted from another site (a page the person running the demo visits)', async () => {
    const sf = await startSalesforceEmulator();
    const sent: string[] = [];
    const app = express();
    app.use(
      previewDataRouter(sf.control, undefined, async (id) => {
        sent.push(`retry ${id}`);
        return { status: 202, body: {} };
      }, undefined, async (id, invoiceId, sendTo) => {
        sent.push(`${id} ${invoiceId} ${sendTo}`);
        return { status: 200, body: {} };
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const conn = new Connection({ instanceUrl: sf.url, accessToken: sf.control.createSession().accessToken, version: '62.0' });
      const opp = await conn.sobject('Opportunity').create({ Name: 'Deal', StageName: 'Prospecting', CloseDate: '2026-01-31' });
      const inv = await conn.sobject('QuickBooks_Invoice__c').create({ QuickBooks_Key__c: '9130:42', Opportunity__c: (opp as { id: string }).id });
      const invoiceId = (inv as { id: string }).id;
      const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://attacker.example' };
      const send = await fetch(`${base}/preview-data/invoice/${invoiceId}/send?sendTo=victim@example.com`, { method: 'POST', headers: crossSite });
      expect(send.status).toBe(403);
      const retry = await fetch(`${base}/preview-data/opportunity/${(opp as { id: string }).id}/retry`, { method: 'POST', headers: crossSite });
      expect(retry.status).toBe(403);
      expect(sent).toEqual([]);
      // The preview's own page (same origin) still sends.
      const own = await fetch(`${base}/preview-data/invoice/${invoiceId}/send?sendTo=billing@example.com`, { method: 'POST', headers: { 'sec-fetch-site': 'same-origin' } });
      expect(own.status).toBe(200);
      expect(sent).toEqual([`${(opp as { id: string }).id} 42 billing@example.com`]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
      await sf.close();
    }
  });
});

describe('the preview data routes against DNS rebinding', () => {
  it('answer only requests addressed to the loopback names (a rebound attacker host reads nothing, events included)', async () => {
    const sf = await startSalesforceEmulator();
    const app = express();
    app.use(previewDataRouter(sf.control));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    const statusFor = (path: string, host: string) =>
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
          resolve(res.statusCode ?? 0);
          res.destroy();
        });
        req.on('error', reject);
        req.end();
      });
    try {
      expect(await statusFor('/preview-data/records', `attacker.example:${port}`)).toBe(403);
      expect(await statusFor('/preview-data/events', `attacker.example:${port}`)).toBe(403);
      expect(await statusFor('/preview-data/records', `127.0.0.1:${port}`)).toBe(200);
      expect(await statusFor('/preview-data/records', `localhost:${port}`)).toBe(200);
      expect(await statusFor('/preview-data/records', `[::1]:${port}`)).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sf.close();
    }
  });
});
