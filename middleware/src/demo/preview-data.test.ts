import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { Connection } from 'jsforce';
import { startSalesforceEmulator } from '../emulators/salesforce';
import { mountPreview, previewDataRouter } from './preview-data';

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
