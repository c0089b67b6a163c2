/** HTTP face of the control API under /__control (JSON in, JSON out). */
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { QboEmulatorControl } from './control';
import type { FaultRule } from './fault-injection';
import { QboFault } from './faults';

type Handler = (req: Request) => unknown;

export function controlRouter(control: QboEmulatorControl): Router {
  const router = express.Router();
  router.use(express.json({ limit: '10mb' }));
  const routes: string[] = [];
  const route = (method: 'get' | 'post' | 'delete' | 'put', path: string, handler: Handler) => {
    routes.push(`${method.toUpperCase()} /__control${path === '/' ? '' : path}`);
    router[method](path, async (req: Request, res: Response, next: NextFunction) => {
      try {
        const result = await handler(req);
        res.status(200).json(result ?? { ok: true });
      } catch (error) {
        next(error);
      }
    });
  };
  const p = (req: Request, name: string) => String(req.params[name]);
  const body = (req: Request) => (req.body ?? {}) as Record<string, unknown>;

  route('get', '/realms', () => control.realms());
  route('post', '/realms', (req) => control.createRealm(String(body(req).realmId), { seed: body(req).seed !== false }));
  route('post', '/realms/:realmId/seed', (req) => control.seed(p(req, 'realmId'), body(req)));
  route('post', '/realms/:realmId/history', (req) => {
    const b = body(req);
    const n = (name: string) => (typeof b[name] === 'number' ? { [name]: b[name] as number } : {});
    return control.seedHistory(p(req, 'realmId'), { ...n('customers'), ...n('documents'), ...n('months'), ...n('seed'), ...(typeof b.namePrefix === 'string' ? { namePrefix: b.namePrefix } : {}) });
  });
  route('post', '/realms/:realmId/preferences', (req) => control.setPreferences(p(req, 'realmId'), body(req)));
  route('post', '/realms/:realmId/payments', (req) => control.applyPayment(p(req, 'realmId'), body(req) as never));
  route('post', '/realms/:realmId/credit-memos', (req) => control.createCreditMemo(p(req, 'realmId'), body(req)));
  route('post', '/realms/:realmId/credit-memos/:id/apply', (req) =>
    control.applyCreditMemo(p(req, 'realmId'), p(req, 'id'), String(body(req).invoiceId), body(req).amount as number | undefined));
  route('post', '/realms/:realmId/invoices/:id/void', (req) => control.voidInvoice(p(req, 'realmId'), p(req, 'id')));
  route('post', '/realms/:realmId/payments/:id/void', (req) => control.voidPayment(p(req, 'realmId'), p(req, 'id')));
  route('get', '/realms/:realmId/entities/:entity', (req) => control.list(p(req, 'realmId'), p(req, 'entity')));
  route('get', '/realms/:realmId/entities/:entity/:id', (req) => control.get(p(req, 'realmId'), p(req, 'entity'), p(req, 'id')));
  route('post', '/realms/:realmId/entities/:entity', (req) => control.create(p(req, 'realmId'), p(req, 'entity'), body(req)));
  route('post', '/realms/:realmId/entities/:entity/:id', (req) => control.edit(p(req, 'realmId'), p(req, 'entity'), p(req, 'id'), body(req)));
  route('delete', '/realms/:realmId/entities/:entity/:id', (req) => control.remove(p(req, 'realmId'), p(req, 'entity'), p(req, 'id')));
  route('get', '/faults', () => control.pendingFaults());
  route('post', '/faults', (req) => ({ id: control.injectFault(body(req) as unknown as FaultRule) }));
  route('delete', '/faults', () => control.clearFaults());
  route('get', '/counters', () => control.counters());
  route('delete', '/counters', () => control.resetCounters());
  route('get', '/clock', () => ({ now: control.clock.now(), iso: new Date(control.clock.now()).toISOString() }));
  route('post', '/clock', (req) => {
    const b = body(req);
    if (typeof b.advanceMs === 'number') control.clock.advance(b.advanceMs);
    if (typeof b.set === 'number' || typeof b.set === 'string') control.clock.set(b.set);
    if (b.realTime === true) control.clock.useRealTime();
    return { now: control.clock.now(), iso: new Date(control.clock.now()).toISOString() };
  });
  route('post', '/tokens', (req) => control.issueTokens(String(body(req).realmId), body(req).clientId as string | undefined));
  route('post', '/tokens/expire', (req) => ({ expired: control.expireAccessTokens(body(req).token as string | undefined) }));
  route('post', '/limits', (req) => control.setLimits(body(req)));
  route('get', '/realms/:realmId/load', (req) => control.loadPeaks(p(req, 'realmId')));
  route('delete', '/load', () => control.resetLoad());
  route('put', '/webhooks', (req) => control.webhooks.configure(body(req) as never));
  route('post', '/webhooks/pause', () => control.webhooks.pause());
  route('post', '/webhooks/resume', () => control.webhooks.resume());
  route('post', '/webhooks/flush', () => control.webhooks.flush());
  route('post', '/webhooks/drop', (req) => {
    const b = body(req);
    if (typeof b.all === 'boolean') control.webhooks.setDropAll(b.all);
    else control.webhooks.dropNext(typeof b.count === 'number' ? b.count : 1);
  });
  route('get', '/webhooks/deliveries', () => control.webhooks.deliveries());
  route('post', '/reset', () => control.reset());
  // The URL the emulator prints: it answers with what can be done under it.
  route('get', '/', () => ({ emulator: 'QuickBooks Online', realms: control.realms(), routes, docs: 'middleware/emulators/quickbooks/README.md' }));

  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof QboFault) res.status(error.status).json(error.toBody());
    else res.status(400).json({ error: error instanceof Error ? error.message : String(error) });
  });
  return router;
}
