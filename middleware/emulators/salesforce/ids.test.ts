import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IdFactory, customKeyPrefix, idChecksum, isValidId, toId18 } from './ids';

const fixtures = join(__dirname, '../../test/fixtures/salesforce');

describe('record ids', () => {
  it('reproduces the case-safe suffix of every 18-character id in the real samples', () => {
    const text = ['plugin-data_subQuery_queryResult.json', 'plugin-data_queryMore_first_page.json', 'plugin-data_queryMore_second_page.json']
      .map((f) => readFileSync(join(fixtures, f), 'utf8'))
      .join('\n');
    const ids = [...new Set(text.match(/"Id": "([a-zA-Z0-9]{18})"|\/([a-zA-Z0-9]{18})"/g) ?? [])].map((m) => m.replace(/[^a-zA-Z0-9]/g, '').slice(-18));
    expect(ids.length).toBeGreaterThan(40);
    for (const id of ids) expect(id.slice(15)).toBe(idChecksum(id.slice(0, 15)));
  });

  it('turns 15-character ids into 18 and rejects a wrong checksum', () => {
    expect(toId18('001B0000002Gcp0')).toBe('001B0000002Gcp0IAC');
    expect(toId18('001B0000002Gcp0IAC')).toBe('001B0000002Gcp0IAC');
    expect(isValidId('001B0000002Gcp0IAA')).toBe(false);
    expect(toId18('not-an-id')).toBeNull();
  });

  it('makes unique, valid ids with the object key prefix', () => {
    const f = new IdFactory();
    const a = f.next('006');
    const b = f.next('006');
    expect(a).not.toBe(b);
    expect(a.startsWith('006')).toBe(true);
    expect(isValidId(a)).toBe(true);
  });

  it('gives custom objects a0-style prefixes', () => {
    expect([0, 1, 10, 61, 62].map(customKeyPrefix)).toEqual(['a00', 'a01', 'a0A', 'a0z', 'a10']);
  });
});
