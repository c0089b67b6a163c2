import express, { type RequestHandler } from 'express';
import type { AddressInfo } from 'node:net';
import { mountPreview } from './preview-data';

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
