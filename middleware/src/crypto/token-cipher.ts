import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/**
 * AES-256-GCM for secrets at rest (OAuth tokens). Sealed format, all parts base64:
 *
 *   v1:<iv 12 bytes>:<auth tag 16 bytes>:<ciphertext>
 *
 * The version prefix lets a later format (or key id) be introduced without guessing. An optional
 * `context` is bound as additional authenticated data, so a token copied onto another row (another
 * company, or access token swapped with refresh token) fails to decrypt instead of being used.
 */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface TokenCipher {
  encrypt(plaintext: string, context?: string): string;
  decrypt(sealed: string, context?: string): string;
}

/** Accepts the key as raw bytes or as base64 text (the form of `LEDGERLINE_ENCRYPTION_KEY`). */
export function createTokenCipher(key: Buffer | string): TokenCipher {
  const keyBytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
  if (keyBytes.length !== KEY_BYTES) {
    throw new AppError('CONFIG_INVALID', `LEDGERLINE_ENCRYPTION_KEY must be ${KEY_BYTES} bytes, got ${keyBytes.length}`, {
      fix: 'Generate one with `openssl rand -base64 32` and set LEDGERLINE_ENCRYPTION_KEY.',
    });
  }
  return {
    encrypt: (plaintext, context) => encrypt(keyBytes, plaintext, context),
    decrypt: (sealed, context) => decrypt(keyBytes, sealed, context),
  };
}

function encrypt(key: Buffer, plaintext: string, context: string | undefined): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

function decrypt(key: Buffer, sealed: string, context: string | undefined): string {
  const parts = sealed.split(':');
  if (parts.length !== 4 || parts[0] !== VERSION) {
    throw unreadable('it is not in the v1:<iv>:<tag>:<ciphertext> format');
  }
  const iv = Buffer.from(parts[1] as string, 'base64');
  const tag = Buffer.from(parts[2] as string, 'base64');
  const ciphertext = Buffer.from(parts[3] as string, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable('its iv or tag has the wrong length');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    // GCM gives one answer for a wrong key, a wrong context and a tampered value: authentication failed.
    throw unreadable('authentication failed (wrong key, or the value was altered)');
  }
}

function unreadable(reason: string): AppError {
  return new AppError('INTERNAL', `An encrypted secret could not be decrypted: ${reason}.`, {
    retryable: false,
    fix: 'Check that LEDGERLINE_ENCRYPTION_KEY is the key the data was written with; otherwise reconnect the QuickBooks company.',
  });
}
