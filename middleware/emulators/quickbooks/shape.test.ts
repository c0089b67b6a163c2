import { compareShape } from './shape';

describe('compareShape', () => {
  it('accepts extra keys but reports missing keys and type changes at any depth', () => {
    const sample = { a: 1, b: { c: 'x', d: [{ e: true }] } };
    expect(compareShape(sample, { a: 2, z: 0, b: { c: 'y', d: [{ e: false, f: 1 }] } })).toEqual([]);
    expect(compareShape(sample, { a: '1', b: { d: [{ e: 'no' }] } })).toEqual([
      '$.a: expected number, got string',
      '$.b.c: missing',
      '$.b.d[0].e: expected boolean, got string',
    ]);
  });

  it('matches each sample array element against any actual element', () => {
    const sample = [{ DetailType: 'A', A: {} }, { DetailType: 'B', B: 1 }];
    expect(compareShape(sample, [{ DetailType: 'B', B: 2 }, { DetailType: 'A', A: { x: 1 } }])).toEqual([]);
    expect(compareShape(sample, [{ DetailType: 'A', A: {} }])).toEqual(['$[1].B: missing']);
    expect(compareShape([{ x: 1 }], [])).toEqual(['$: expected a non-empty array']);
  });

  it('distinguishes null, arrays and objects', () => {
    expect(compareShape({ v: null }, { v: {} })).toEqual(['$.v: expected null, got object']);
    expect(compareShape({ v: [] }, { v: {} })).toEqual(['$.v: expected array, got object']);
  });
});
