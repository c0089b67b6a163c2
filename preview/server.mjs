// Serves the built preview (preview/dist) as static files.
//   previewHandler({ root })  -> (req, res, next) usable as Express/Connect middleware: app.use('/preview', previewHandler())
//   startPreviewServer(...)   -> a standalone server; `node preview/server.mjs [--port 4173] [--host 127.0.0.1] [--build]`
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DIST_DIR = path.join(HERE, 'dist');

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2'
};

/** The file under root that a request path names, or null when it escapes root or does not exist. */
function fileFor(root, urlPath) {
  let relative;
  try {
    relative = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return null;
  }
  if (relative.endsWith('/')) relative += 'index.html';
  const file = path.resolve(root, `.${path.posix.normalize(`/${relative}`)}`);
  if (file !== root && !file.startsWith(root + path.sep)) return null;
  return existsSync(file) && statSync(file).isFile() ? file : null;
}

/**
 * Static handler for the built preview. Mounted under a prefix, Express strips the prefix from req.url.
 * Unknown paths go to next() when given, else 404.
 */
export function previewHandler({ root = DIST_DIR } = {}) {
  const base = path.resolve(root);
  return (req, res, next) => {
    const file = req.method === 'GET' || req.method === 'HEAD' ? fileFor(base, req.url || '/') : null;
    if (!file) {
      if (typeof next === 'function') return next();
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(existsSync(base) ? 'not found' : 'preview not built: run npm run preview:build');
      return undefined;
    }
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff'
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
    return undefined;
  };
}

/** Starts a server for the preview; port 0 picks a free port. Resolves to { url, close }. */
export function startPreviewServer({ host = '127.0.0.1', port = 0, root = DIST_DIR } = {}) {
  const handler = previewHandler({ root });
  const server = createServer((req, res) => handler(req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve({
        url: `http://${host}:${address.port}/`,
        close: () => new Promise((done) => server.close(() => done()))
      });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '4173' },
      host: { type: 'string', default: '127.0.0.1' },
      build: { type: 'boolean', default: false }
    }
  });
  if (values.build || !existsSync(path.join(DIST_DIR, 'app.js'))) {
    const { buildPreview } = await import('./build.mjs');
    await buildPreview();
  }
  const { url } = await startPreviewServer({ host: values.host, port: Number(values.port) });
  console.log(`Ledgerline preview at ${url}?opportunity=partly-paid (add &api=<base URL> to read a demo instead of fixtures)`);
}
