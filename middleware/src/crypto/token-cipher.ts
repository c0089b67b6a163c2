import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { AppError } from '../errors';

/**
 * AES-256-GCM for secrets at rest (OAuth tokens). Sealed format, parts base64 after the key id:
 *
 *   v2:<key id>:<iv 12 bytes>:<auth tag 16 bytes>:<ciphertext>
 *
 * The key id (8 characters of the key's SHA-256) says which key sealed the value, so several keys can be
 * read during a rotation: the current key seals, older keys only open. Values in the earlier format
 * `v1:<iv>:<tag>:<ciphertext>` (no key id) are opened by trying each key; `rotate-key` re-seals them.
 * An optional `context` is bound as additional authenticated data, so a token copied onto another row
 * (another company, or access token swapped with refresh token) fails to decrypt instead of being used.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

export interface TokenCipher {
  /** Id of the key that seals new values. */
  readonly keyId: string;
  encrypt(plaintext: string, context?: string): string;
  decrypt(sealed: string, context?: string): string;
  /** True when `sealed` is already sealed with the current key (nothing to re-seal). */
  isCurrent(sealed: string): boolean;
}

/** Id of a key as written in sealed values: not secret (a hash prefix), but enough to pick the key. */
export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update(key).digest('base64url').slice(0, 8);
}

/**
 * Keys as raw bytes or base64 text (the form of `LEDGERLINE_ENCRYPTION_KEY`): `key` seals and opens,
 * `previousKeys` (`LEDGERLINE_DECRYPTION_KEYS`) only open.
 */
export function createTokenCipher(key: Buffer | string, previousKeys: Array<Buffer | string> = []): TokenCipher {
  const current = keyBytes(key, 'LEDGERLINE_ENCRYPTION_KEY');
  const keys = new Map<string, Buffer>([[keyIdOf(current), current]]);
  for (const old of previousKeys) {
    const bytes = keyBytes(old, 'LEDGERLINE_DECRYPTION_KEYS');
    if (!keys.has(keyIdOf(bytes))) keys.set(keyIdOf(bytes), bytes);
  }
  const keyId = keyIdOf(current);
  return {
    keyId,
    encrypt: (plaintext, context) => encrypt(keyId, current, plaintext, context),
    decrypt: (sealed, context) => decrypt(keys, sealed, context),
    isCurrent: (sealed) => sealed.startsWith(`v2:${keyId}:`),
  };
}

function keyBytes(key: Buffer | string, variable: string): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : Buffer.from(key);
  if (bytes.length !== KEY_BYTES) {
    throw new AppError('CONFIG_INVALID', `${variable} must hold keys of ${KEY_BYTES} bytes, got ${bytes.length}`, {
      fix: `Generate one with \`openssl rand -base64 32\` and set ${variable}.`,
    });
  }
  return bytes;
}

function encrypt(keyId: string, key: Buffer, plaintext: string, context: string | undefined): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  if (context !== undefined) cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return ['v2', keyId, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
}

function decrypt(keys: Map<string, Buffer>, sealed: string, context: string | undefined): string {
  const parts = sealed.split(':');
  let candidates: Buffer[];
  let body: string[];
  if (parts.length === 5 && parts[0] === 'v2') {
    const key = keys.get(parts[1] as string);
    if (!key) {
      throw unreadable(`it was sealed with key id ${parts[1]}, which is neither LEDGERLINE_ENCRYPTION_KEY nor one of LEDGERLINE_DECRYPTION_KEYS`);
    }
    candidates = [key];
    body = parts.slice(2);
  } else if (parts.length === 4 && parts[0] === 'v1') {
    candidates = [...keys.values()];
    body = parts.slice(1);
  } else {
    throw unreadable('it is not in the v2:<key id>:<iv>:<tag>:<ciphertext> (or v1) format');
  }
  const iv = Buffer.from(body[0] as string, 'base64');
  const tag = Buffer.from(body[1] as string, 'base64');
  const ciphertext = Buffer.from(body[2] as string, 'base64');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable('its iv or tag has the wrong length');
  for (const key of candidates) {
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      if (context !== undefined) decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // GCM gives one answer for a wrong key, a wrong context and a tampered value: try the next key.
    }
  }
  throw unreadable('authentication failed (wrong key, or the value was altered)');
}

function unreadable(reason: string): AppError {
  return new AppError('INTERNAL', `An encrypted secret could not be decrypted: ${reason}.`, {
    retryable: false,
    fix: 'Set LEDGERLINE_ENCRYPTION_KEY to the current key and list the earlier ones in LEDGERLINE_DECRYPTION_KEYS; otherwise reconnect the QuickBooks company.',
  });
}
