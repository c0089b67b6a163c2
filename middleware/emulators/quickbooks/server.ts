/** Builds the Express app: OAuth endpoints, the QBO API under /v3/company/:realmId, and /__control. */
import { randomUUID } from 'node:crypto';
import express, { type Express } from 'express';
import { apiRouter } from './api-routes';
import { controlRouter } from './control-routes';
import type { QboEmulatorControl } from './control';
import type { EmulatorDeps } from './deps';
import { OAUTH_PATHS, oauthRouter } from './oauth-routes';

export function createApp(deps: EmulatorDeps, control: QboEmulatorControl): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((_req, res, next) => {
    res.set('intuit_tid', `1-${randomUUID().replace(/-/g, '').slice(0, 24)}`);
    res.set('QBO-Version', '1988.128-emulator');
    next();
  });
  app.use('/__control', controlRouter(control));
  const oauthPaths = new Set<string>([OAUTH_PATHS.token, OAUTH_PATHS.revoke]);
  app.use((req, res, next) => {
    if (req.method !== 'POST' || !oauthPaths.has(req.path)) return next();
    const operation = req.path === OAUTH_PATHS.token ? 'token' : 'revoke';
    const rule = deps.injector.take({ target: 'oauth', method: req.method, path: req.originalUrl, operation });
    if (!rule) return next();
    deps.counters.mark('injected');
    if (rule.kind === 'hang-up' || rule.kind === 'lost-response') {
      res.socket?.destroy();
      return;
    }
    if (rule.kind === 'slow') {
      setTimeout(next, rule.delayMs ?? 5000);
      return;
    }
    const status = rule.kind === 'throttle' ? 429 : rule.kind === 'service-unavailable' ? 503 : 500;
    res.status(status).json({ error: status === 429 ? 'rate_limit_exceeded' : 'server_error' });
  });
  app.use(oauthRouter(deps.authority, deps.realms, deps.options, deps.baseUrl));
  app.use('/v3/company/:realmId', apiRouter(deps));
  app.use((req, res) => {
    res.status(404).set('Content-Type', 'application/json').send(JSON.stringify({ error: `No emulator route for ${req.method} ${req.path}` }));
  });
  return app;
}
