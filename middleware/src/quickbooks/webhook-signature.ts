import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Intuit signs every webhook delivery: `intuit-signature` = base64(HMAC-SHA256(verifier token, raw body)).
 * The HMAC must be computed over the exact bytes received (never over re-serialized JSON), and compared
 * in constant time so the answer leaks nothing about how much of a forged signature was right.
 */
export function intuitSignature(rawBody: Buffer | string, verifierToken: string): string {
  return createHmac('sha256', verifierToken).update(rawBody).digest('base64');
}

export function verifyIntuitSignature(rawBody: Buffer | string, header: string | undefined, verifierToken: string): boolean {
  if (!verifierToken || typeof header !== 'string' || header.length === 0) return false;
  const expected = Buffer.from(intuitSignature(rawBody, verifierToken), 'utf8');
  const given = Buffer.from(header.trim(), 'utf8');
  if (given.length !== expected.length) {
    // Same amount of work either way; the length of a valid signature is public (44 characters).
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(given, expected);
}
