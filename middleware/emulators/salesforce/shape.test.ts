import { compareShape } from './shape';

describe('compareShape', () => {
  it('accepts the same keys and types with different values', () => {
    expect(compareShape({ a: 1, b: [{ c: 'x' }], d: null }, { a: 2, b: [{ c: 'y' }], d: null })).toEqual([]);
  });

  it('reports missing and unexpected keys, and type changes, with their paths', () => {
    expect(compareShape({ a: '1', x: true }, { a: 1, b: 2 })).toEqual(['$.b: missing', '$.x: unexpected key', '$.a: expected number, got string']);
  });

  it('matches each array element against any expected element (null or object children)', () => {
    const expected = [{ kids: null }, { kids: { totalSize: 1 } }];
    expect(compareShape([{ kids: { totalSize: 3 } }, { kids: null }], expected)).toEqual([]);
    expect(compareShape([{ kids: 'none' }], expected)).toEqual(['$[0].kids: expected null, got string']);
  });

  it('allows declared extra keys and renamed sample fields', () => {
    expect(compareShape({ a: 1, token_type: 'Bearer' }, { a: 1 }, { allowExtraKeys: { $: ['token_type'] } })).toEqual([]);
    expect(compareShape({ Name: 'x' }, { Text_Label: 'y' }, { renameKeys: { Text_Label: 'Name' } })).toEqual([]);
  });
});
