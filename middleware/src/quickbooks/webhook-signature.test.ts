import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { intuitSignature, verifyIntuitSignature } from './webhook-signature';

const fixtures = join(__dirname, '../../test/fixtures/quickbooks');
const vector = JSON.parse(readFileSync(join(fixtures, 'webhook-legacy.signature-vector.json'), 'utf8')) as {
  payloadFile: string;
  payloadBytes: number;
  verifierToken: string;
  intuitSignature: string;
  wrongSignatureUsedByTheSameTest: string;
};
const payload = readFileSync(join(fixtures, vector.payloadFile));

describe('intuit-signature', () => {
  it('reproduces the known-answer vector over the raw payload bytes', () => {
    expect(payload.length).toBe(vector.payloadBytes);
    expect(intuitSignature(payload, vector.verifierToken)).toBe(vector.intuitSignature);
    expect(verifyIntuitSignature(payload, vector.intuitSignature, vector.verifierToken)).toBe(true);
  });

  it('rejects the vector\u2019s wrong signature, a missing one and one made with another token', () => {
    expect(verifyIntuitSignature(payload, vector.wrongSignatureUsedByTheSameTest, vector.verifierToken)).toBe(false);
    expect(verifyIntuitSignature(payload, undefined, vector.verifierToken)).toBe(false);
    expect(verifyIntuitSignature(payload, '', vector.verifierToken)).toBe(false);
    expect(verifyIntuitSignature(payload, intuitSignature(payload, 'another-token'), vector.verifierToken)).toBe(false);
  });

  it('fails when a single byte of the body changes, even if the JSON means the same', () => {
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(payload.toString('utf8')), null, 1));
    expect(verifyIntuitSignature(reserialized, vector.intuitSignature, vector.verifierToken)).toBe(false);
    const flipped = Buffer.from(payload);
    flipped[10] = flipped[10]! ^ 1;
    expect(verifyIntuitSignature(flipped, vector.intuitSignature, vector.verifierToken)).toBe(false);
  });

  it('does not accept a signature with extra characters that decode to the same bytes', () => {
    expect(verifyIntuitSignature(payload, `${vector.intuitSignature}==`, vector.verifierToken)).toBe(false);
    expect(verifyIntuitSignature(payload, vector.intuitSignature.replace('=', ''), vector.verifierToken)).toBe(false);
  });
});
