import express, { Router, type RequestHandler } from 'express';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import { verifyIntuitSignature } from '../quickbooks/webhook-signature';
import type { IntakeResult } from '../services/payments';

export interface WebhookIntakePort {
  accept(body: unknown): Promise<IntakeResult>;
}

export interface WebhookRouteOptions {
  /** `QBO_WEBHOOK_VERIFIER_TOKEN`; without it every delivery is refused (503) and the log says why. */
  verifierToken: string | undefined;
  bodyLimit: string;
  logger: Logger;
}

/**
 * `POST /webhooks/quickbooks`. The body is read raw (any content type) so the signature is checked over
 * the exact bytes Intuit signed, before anything parses them. 200 once the events are in the inbox;
 * processing happens in workers, well inside Intuit's 3-second limit.
 */
export function webhookRoutes(intake: WebhookIntakePort, options: WebhookRouteOptions): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: options.bodyLimit });
  const readRaw: RequestHandler = (req, res, next) => {
    raw(req, res, (err?: unknown) => {
      if ((err as { type?: string } | undefined)?.type === 'entity.too.large') {
        next(new AppError('PAYLOAD_TOO_LARGE', `The webhook body is larger than ${options.bodyLimit}.`, { fix: 'Raise WEBHOOK_BODY_LIMIT if Intuit sends larger notifications.' }));
      } else next(err);
    });
  };
  router.post('/webhooks/quickbooks', readRaw, async (req, res) => {
    if (!options.verifierToken) {
      throw new AppError('CONFIG_INVALID', 'QuickBooks webhooks are not configured on this server.', {
        status: 503,
        fix: 'Set QBO_WEBHOOK_VERIFIER_TOKEN to the verifier token shown for the app on developer.intuit.com.',
      });
    }
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!verifyIntuitSignature(raw, req.get('intuit-signature'), options.verifierToken)) {
      throw new AppError('UNAUTHORIZED', 'The intuit-signature header is missing or does not match the body.', {
        fix: 'Check that QBO_WEBHOOK_VERIFIER_TOKEN is the verifier token of this Intuit app.',
      });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      throw new AppError('BAD_REQUEST', 'The webhook body is not valid JSON.', { fix: 'Send the notification exactly as Intuit delivers it.' });
    }
    const result = await intake.accept(body);
    options.logger.debug({ ...result }, 'webhook notification stored');
    res.status(200).json({ received: result.received, stored: result.stored, duplicates: result.duplicates });
  });
  return router;
}
