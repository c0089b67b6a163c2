import { randomBytes } from 'node:crypto';
import { AppError } from '../errors';
import { createTokenCipher } from './token-cipher';

const key = randomBytes(32);

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] as number) ^ 0x01;
  return bytes.toString('base64');
}

describe('token cipher (AES-256-GCM, v1 format)', () => {
  it('round-trips text, including unicode and the empty string', () => {
    const cipher = createTokenCipher(key);
    for (const plain of ['AB11-refresh-token', 'ünïcødé ✓', '']) {
      expect(cipher.decrypt(cipher.encrypt(plain))).toBe(plain);
    }
  });

  it('writes v1:<iv>:<tag>:<ciphertext> in base64 without the plaintext, with a fresh iv each time', () => {
    const cipher = createTokenCipher(key.toString('base64'));
    const a = cipher.encrypt('secret-access-token');
    const b = cipher.encrypt('secret-access-token');
    const [version, iv, tag, body] = a.split(':');
    expect(version).toBe('v1');
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
    for (const index of [1, 2, 3]) {
      const tampered = [...parts];
      tampered[index] = flipFirstByte(tampered[index] as string);
      expect(() => cipher.decrypt(tampered.join(':'))).toThrow(/authentication failed/);
    }
  });

  it('refuses a wrong key', () => {
    const sealed = createTokenCipher(key).encrypt('refresh-token-value');
    const other = createTokenCipher(randomBytes(32));
    expect(() => other.decrypt(sealed)).toThrow(AppError);
    expect(() => other.decrypt(sealed)).toThrow(/wrong key/);
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
