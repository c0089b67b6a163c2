import { createHash, timingSafeEqual } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import type { QboConnectFlow } from '../services/onboarding';
import { CONNECT_PAGE_CSP, CONNECT_SCRIPT, connectPage } from './connect-page';
import { parse } from './validation';


const entity = z
  .string()
  .trim()
  .min(1)
  .max(80)
  .regex(/^[\p{L}\p{N} .,&'()-]+$/u, 'letters, digits, spaces and . , & \' ( ) - only')
  .default('Default');

const connectQuery = z.object({ entity });
export const connectBodySchema = z.object({ entity, rename: z.boolean().default(false) }).strict();

const callbackQuery = z.object({ state: z.string().min(10).max(200), code: z.string().min(1).max(2000).optional(), realmId: z.string().regex(/^\d{1,30}$/).optional(), error: z.string().max(200).optional() });

const STATE_COOKIE = 'ledgerline_oauth_state';

function stateDigest(state: string): string {
  return createHash('sha256').update(state).digest('base64url');
}

function sameBrowser(req: Request, state: string): boolean {
  const cookies = (req.get('cookie') ?? '').split(';').map((part) => part.trim());
  const value = cookies.find((c) => c.startsWith(`${STATE_COOKIE}=`))?.slice(STATE_COOKIE.length + 1);
  if (!value) return false;
  const expected = Buffer.from(stateDigest(state));
  const presented = Buffer.from(value);
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * An admin connects a QBO company (billing entity) from a browser. The GET is a confirmation page
 * with no effect (a link or a navigation from another site starts nothing); the POST starts the flow.
 */
export function oauthRoutes(flow: QboConnectFlow, adminAuth: RequestHandler): Router {
  const router = Router();
  router.get('/oauth/quickbooks/connect', adminAuth, (req, res) => {
    const query = parse(connectQuery, req.query, 'query');
    res.setHeader('Content-Security-Policy', CONNECT_PAGE_CSP);
    res.type('html').send(connectPage(query.entity, escapeHtml));
  });
  router.get('/oauth/quickbooks/connect.js', adminAuth, (_req, res) => {
    res.setHeader('Content-Security-Policy', CONNECT_PAGE_CSP);
    res.type('application/javascript').send(CONNECT_SCRIPT);
  });
  router.post('/oauth/quickbooks/connect', adminAuth, express.json({ limit: '1kb' }), async (req, res) => {
    const body = parse(connectBodySchema, req.body ?? {}, 'request body');
    const { authorizeUrl, state } = await flow.start({ billingEntity: body.entity, rename: body.rename });
    // The state is bound to this browser: a leaked consent URL cannot be finished from another one.
    res.cookie(STATE_COOKIE, stateDigest(state), { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/oauth/quickbooks', maxAge: 10 * 60_000 });
    res.json({ authorizeUrl });
  });
  // The callback is reached by Intuit's redirect; the single-use state ties it to an admin's connect.
  router.get('/oauth/quickbooks/callback', async (req, res) => {
    const query = parse(callbackQuery, req.query, 'query');
    if (query.error) {
      throw new AppError('BAD_REQUEST', `QuickBooks did not grant access: ${query.error}.`, { fix: 'Start again from /oauth/quickbooks/connect and approve the connection.' });
    }
    if (!sameBrowser(req, query.state)) {
      throw new AppError('BAD_REQUEST', 'This QuickBooks consent was started in another browser (or its cookie expired); nothing was connected.', {
        fix: 'Start again from /oauth/quickbooks/connect and approve the connection in the same browser within ten minutes.',
      });
    }
    res.clearCookie(STATE_COOKIE, { path: '/oauth/quickbooks' });
    const result = await flow.finish(req.originalUrl, query.state);
    res
      .status(200)
      .type('html')
      .send(
        `<!doctype html><title>QuickBooks connected</title><h1>QuickBooks connected</h1><p>Company ${escapeHtml(result.companyName ?? result.realmId)} (realm ${escapeHtml(result.realmId)}) is connected as billing entity “${escapeHtml(result.billingEntity)}”.</p>`,
      );
  });
  return router;
}
