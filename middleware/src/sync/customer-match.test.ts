import { disambiguatedNameFor, displayNameFor, matchCustomer, qboQuoted } from './customer-match';

const account = { Id: '001000000000001AAA', Name: "O'Brien & Sons: West" };

describe('customer names', () => {
  it('replaces the sub-customer colon, folds whitespace and respects the length limit', () => {
    expect(displayNameFor("  O'Brien   &  Sons:West ")).toBe("O'Brien & Sons -West");
    const long = 'A'.repeat(120);
    expect(displayNameFor(long)).toBe(long); // QBO's DisplayName holds 500
    expect(displayNameFor('A'.repeat(501))).toHaveLength(500);
    expect(displayNameFor(long, { maxLength: 100 })).toHaveLength(100);
  });

  it('builds a stable disambiguated name within the limit', () => {
    const name = disambiguatedNameFor({ Id: account.Id, Name: 'B'.repeat(600) });
    expect(name).toHaveLength(500);
    expect(name.endsWith(' [001000000000001]')).toBe(true);
    expect(disambiguatedNameFor(account)).toBe(disambiguatedNameFor(account));
  });

  it('escapes quotes and backslashes for the QBO query language', () => {
    expect(qboQuoted("Amy's Bird \\ Co")).toBe("'Amy\\'s Bird \\\\ Co'");
  });
});

describe('matchCustomer', () => {
  const byName = { Id: '1', DisplayName: "O'Brien & Sons - West", Active: true };
  it('prefers an exact (case-insensitive) name', () => {
    const other = { Id: '2', DisplayName: 'Other', PrimaryEmailAddr: { Address: 'ap@x.example' } };
    expect(matchCustomer(account, 'ap@x.example', [other, { ...byName, DisplayName: byName.DisplayName.toUpperCase() }])).toMatchObject({
      kind: 'match',
      customer: { Id: '1' },
      reason: 'name',
    });
  });
  it('falls back to a unique e-mail and refuses to guess between several', () => {
    const a = { Id: '2', DisplayName: 'A', PrimaryEmailAddr: { Address: 'AP@x.example' } };
    const b = { Id: '3', DisplayName: 'B', PrimaryEmailAddr: { Address: 'ap@x.example' } };
    expect(matchCustomer(account, 'ap@x.example', [a])).toMatchObject({ kind: 'match', reason: 'email' });
    expect(matchCustomer(account, 'ap@x.example', [a, b])).toMatchObject({ kind: 'ambiguous' });
  });
  it('ignores inactive customers and finds the disambiguated name', () => {
    expect(matchCustomer(account, null, [{ ...byName, Active: false }])).toEqual({ kind: 'none' });
    const suffixed = { Id: '9', DisplayName: disambiguatedNameFor(account) };
    expect(matchCustomer(account, null, [suffixed])).toMatchObject({ kind: 'match', reason: 'disambiguated-name' });
  });
});
