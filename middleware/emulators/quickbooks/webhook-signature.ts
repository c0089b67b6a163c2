/** `intuit-signature`: base64 HMAC-SHA256 of the raw body bytes, keyed with the verifier token. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export function signWebhookPayload(rawBody: string | Buffer, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody).digest('base64');
}

export function verifyWebhookSignature(rawBody: string | Buffer, signature: string, verifierToken: string): boolean {
  const expected = Buffer.from(signWebhookPayload(rawBody, verifierToken), 'base64');
  const given = Buffer.from(signature, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
