import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { createCipheriv } from 'node:crypto';
import { createTokenCipher, keyIdOf } from './token-cipher';

const key = randomBytes(32);

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  return bytes.toString('base64');
}

describe('token cipher (AES-256-GCM, v2 format with key id)', () => {
  it('round-trips text, including unicode and the empty string', () => {
    const cipher = createTokenCipher(key);
    for (const plain of ['AB11-refresh-token', 'ünïcødé ✓', '']) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it('writes v2:<key id>:<iv>:<tag>:<ciphertext> in base64 without the plaintext, with a fresh iv each time', () => {
    const cipher = createTokenCipher(key.toString('base64'));
    const a = cipher.encrypt('secret-access-token');
    const b = cipher.encrypt('secret-access-token');
    const [version, keyId, iv, tag, body] = a.split(':');
    expect(version).toBe('v2');
    expect(keyId).toBe(keyIdOf(key));
    expect(cipher.keyId).toBe(keyId);
    expect(cipher.isCurrent(a)).toBe(true);
    expect(Buffer.from(iv as string, 'base64')).toHaveLength(12);
    expect(Buffer.from(tag as string, 'base64')).toHaveLength(16);
    expect(Buffer.from(body as string, 'base64')).toHaveLength('secret-access-token'.length);
    expect(a).not.toContain('secret');
    expect(a).not.toBe(b);
  });

  it('detects tampering with the ciphertext, the tag or the iv', () => {
    const cipher = createTokenCipher(key);
    const sealed = cipher.encrypt('refresh-token-value');
    const parts = sealed.split(':');
    for (const index of [2, 3, 4]) {
      const tampered = [...parts];
      tampered[index] = flipFirstByte(tampered[index] as string);
      expect(() => cipher.decrypt(tampered.join(':'))).toThrow(/authentication failed/);
    }
  });

  it('refuses a wrong key', () => {
    const sealed = createTokenCipher(key).encrypt('refresh-token-value');
    const other = createTokenCipher(randomBytes(32));
    expect(() => other.decrypt(sealed)).toThrow(AppError);
    expect(() => other.decrypt(sealed)).toThrow(/key id .* neither LEDGERLINE_ENCRYPTION_KEY nor one of LEDGERLINE_DECRYPTION_KEYS/);
  });

  it('opens values sealed with an earlier key listed as a decryption key, and seals only with the current one', () => {
    const oldKey = randomBytes(32);
    const sealedBefore = createTokenCipher(oldKey).encrypt('refresh-token-value', 'ctx');
    const rotated = createTokenCipher(key, [oldKey.toString('base64')]);
    expect(rotated.decrypt(sealedBefore, 'ctx')).toBe('refresh-token-value');
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    const resealed = rotated.encrypt(rotated.decrypt(sealedBefore, 'ctx'), 'ctx');
    expect(rotated.isCurrent(resealed)).toBe(true);
    expect(createTokenCipher(key).decrypt(resealed, 'ctx')).toBe('refresh-token-value');
    expect(() => createTokenCipher(key, [randomBytes(16)])).toThrow(/LEDGERLINE_DECRYPTION_KEYS must hold keys of 32 bytes/);
  });

  it('still opens the earlier v1 format (no key id) with any of its keys', () => {
    const oldKey = randomBytes(32);
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', oldKey, iv, { authTagLength: 16 });
    c.setAAD(Buffer.from('ctx', 'utf8'));
    const body = Buffer.concat([c.update('legacy-token', 'utf8'), c.final()]);
    const v1 = ['v1', iv.toString('base64'), c.getAuthTag().toString('base64'), body.toString('base64')].join(':');
    const rotated = createTokenCipher(key, [oldKey]);
    expect(rotated.decrypt(v1, 'ctx')).toBe('legacy-token');
    expect(rotated.isCurrent(v1)).toBe(false);
    expect(() => createTokenCipher(key).decrypt(v1, 'ctx')).toThrow(/authentication failed/);
  });

  it('binds the context: a value sealed for one row does not open on another', () => {
    const cipher = createTokenCipher(key);
    const sealed = cipher.encrypt('token', 'qbo:123:access');
    expect(cipher.decrypt(sealed, 'qbo:123:access')).toBe('token');
    expect(() => cipher.decrypt(sealed, 'qbo:456:access')).toThrow(/authentication failed/);
    expect(() => cipher.decrypt(sealed)).toThrow(/authentication failed/);
  });

  it('rejects unknown formats and keys of the wrong size without echoing the value', () => {
    const cipher = createTokenCipher(key);
    expect(() => cipher.decrypt('plain-token-stored-by-mistake')).toThrow(/format/);
    expect(() => cipher.decrypt('v2:a:b:c')).toThrow(/format/);
    try {
      cipher.decrypt('plain-token-stored-by-mistake');
    } catch (error) {
      expect((error as Error).message).not.toContain('plain-token');
    }
    expect(() => createTokenCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
