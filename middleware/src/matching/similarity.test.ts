import { compareNames } from './name-compare';
import { normalizeCompanyName } from './normalize-name';
import { editDistance, jaroWinkler } from './similarity';

const relation = (a: string, b: string): string => compareNames(normalizeCompanyName(a), normalizeCompanyName(b)).relation;

describe('editDistance', () => {
  it('counts insertions, deletions, substitutions and transpositions', () => {
    expect(editDistance('globex', 'globex')).toBe(0);
    expect(editDistance('globex', 'glbex')).toBe(1);
    expect(editDistance('globex', 'golbex')).toBe(1);
    expect(editDistance('globex', 'glovex')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('stops early past the bound', () => {
    expect(editDistance('abcdefgh', 'zyxwvuts', 2)).toBe(3);
    expect(editDistance('abc', 'abcdefgh', 2)).toBe(3);
  });
});

describe('jaroWinkler', () => {
  it('is 1 for equal strings, high for a typo, low for unrelated words', () => {
    expect(jaroWinkler('martha', 'martha')).toBe(1);
    expect(jaroWinkler('martha', 'marhta')).toBeCloseTo(0.961, 3);
    expect(jaroWinkler('acme', 'zyxw')).toBe(0);
  });
});

describe('compareNames', () => {
  it('says how two names relate', () => {
    expect(relation("O'Brien & Sons, Inc.", 'OBrien and Sons')).toBe('same');
    expect(relation('Globex', 'Glbex')).toBe('typo');
    expect(relation('Blue Sky Plumbng', 'Bluesky Plumbing')).toBe('typo');
    expect(relation('Acme Corp', 'Acme Corp West')).toBe('subset');
    expect(relation('Northwind Traders', 'Northwind Trading')).toBe('similar');
    expect(relation('Acme', 'Initech')).toBe('different');
    expect(relation('', 'Initech')).toBe('missing');
  });

  it('never calls numbers a typo', () => {
    expect(relation('Store 12', 'Store 13')).not.toBe('typo');
    expect(relation('Store 12', 'Store 13')).not.toBe('same');
  });
});
