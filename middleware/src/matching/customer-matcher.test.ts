import { bestCustomerMatch, buildCustomerIndex } from './customer-index';
import { matchCustomers } from './customer-matcher';
import type { MatchAccount, MatchCustomer } from './types';

let seq = 0;
function account(name: string, extra: Partial<MatchAccount> = {}): MatchAccount {
  seq += 1;
  return { Id: `001${String(seq).padStart(12, '0')}AAA`, Name: name, ...extra };
}
function customer(id: string, name: string, extra: Partial<MatchCustomer> = {}): MatchCustomer {
  return { Id: id, DisplayName: name, Active: true, ...extra };
}
const email = (address: string) => ({ PrimaryEmailAddr: { Address: address } });
const phone = (number: string) => ({ PrimaryPhone: { FreeFormNumber: number } });

describe('matchCustomers tiers', () => {
  it('same normalized name plus the same phone is exact, with reasons', () => {
    const a = account("O'Brien & Sons, Inc.", { Phone: '(512) 555-0134' });
    const r = matchCustomers([a], [customer('7', 'OBrien and Sons', phone('+1 512 555 0134'))]);
    expect(r.exact).toHaveLength(1);
    expect(r.exact[0]).toMatchObject({ accountId: a.Id, customerId: '7', tier: 'exact' });
    expect(r.exact[0]!.reasons).toEqual(expect.arrayContaining(['same normalized name', 'same phone number']));
    expect(r.exact[0]!.score).toBeGreaterThan(0.9);
    expect(r.unmatchedAccounts).toEqual([]);
  });

  it('"Müller GmbH" and "Muller" with one company domain are exact', () => {
    const a = account('Müller GmbH', { Billing_Email__c: 'ap@mueller-bau.de' });
    const r = matchCustomers([a], [customer('8', 'Muller', email('info@mueller-bau.de'))]);
    expect(r.exact.map((p) => p.customerId)).toEqual(['8']);
  });

  it('same name with nothing else to compare is probable, never exact', () => {
    const r = matchCustomers([account('Acme Corp')], [customer('1', 'ACME Corporation')]);
    expect(r.exact).toEqual([]);
    expect(r.probable).toHaveLength(1);
  });

  it('look-alike "Acme Corp" / "Acme Corp West" is not proposed even with a shared corporate domain', () => {
    const a = account('Acme Corp', { Billing_Email__c: 'billing@acme.com', Phone: '512-555-0100' });
    const r = matchCustomers([a], [customer('2', 'Acme Corp West', { ...email('ap@acme.com'), ...phone('303-555-0199') })]);
    expect(r.exact).toEqual([]);
    expect(r.probable).toEqual([]);
    expect(r.unmatchedAccounts[0]!.nearest?.id).toBe('2');
  });

  it('a typo ("Globex" / "Glbex") is probable at most, even with a matching phone and e-mail', () => {
    const a = account('Globex', { Phone: '512-555-0101', Billing_Email__c: 'ap@globex.com' });
    const r = matchCustomers([a], [customer('3', 'Glbex', { ...phone('5125550101'), ...email('ap@globex.com') })]);
    expect(r.exact).toEqual([]);
    expect(r.probable.map((p) => p.customerId)).toEqual(['3']);
    expect(r.probable[0]!.reasons).toContain('names differ by a typo');
  });

  it('a typo alone is not proposed', () => {
    const r = matchCustomers([account('Globex')], [customer('3', 'Glbex')]);
    expect(r.exact.length + r.probable.length).toBe(0);
  });

  it('a public-mailbox domain is no evidence; the same mailbox is, but not enough alone', () => {
    const a = account('Initech', { Billing_Email__c: 'peter@gmail.com' });
    const otherMailbox = matchCustomers([a], [customer('4', 'Umbrella Plumbing', email('bill@gmail.com'))]);
    expect(otherMailbox.exact.length + otherMailbox.probable.length).toBe(0);
    const sameMailbox = matchCustomers([a], [customer('4', 'Umbrella Plumbing', email('peter@gmail.com'))]);
    expect(sameMailbox.exact.length + sameMailbox.probable.length).toBe(0);
    const sameNameOtherMailbox = matchCustomers([a], [customer('5', 'Initech', email('milton@gmail.com'))]);
    expect(sameNameOtherMailbox.exact).toEqual([]);
  });

  it('an e-mail many different companies share (a bookkeeper) counts for nothing', () => {
    const shared = 'ap@books-r-us.com';
    const accounts = ['Alpha Dental', 'Bravo Roofing', 'Charlie Foods', 'Delta Optics'].map((n) => account(n, { Billing_Email__c: shared }));
    const customers = [customer('9', 'Echo Studios', { ...email(shared), ...phone('512-555-0177') })];
    const r = matchCustomers([...accounts, account('Foxtrot Labs', { Billing_Email__c: shared, Phone: '512-555-0177' })], customers);
    expect(r.exact).toEqual([]);
    expect(r.probable).toEqual([]);
  });

  it('an existing id link is exact even after a rename, but not to an inactive customer', () => {
    const a = account('Initech', { QuickBooks_Customer_Id__c: '42' });
    const linked = matchCustomers([a], [customer('42', 'Initrode LLC')]);
    expect(linked.exact[0]).toMatchObject({ customerId: '42', tier: 'exact' });
    expect(linked.exact[0]!.reasons[0]).toMatch(/already linked/);
    const inactive = matchCustomers([a], [customer('42', 'Initech', { Active: false })]);
    expect(inactive.exact).toEqual([]);
    expect(inactive.probable[0]!.reasons).toContain('but the QuickBooks customer is inactive');
  });

  it('reports a stale id link on the unmatched Account', () => {
    const a = account('Hooli', { QuickBooks_Customer_Id__c: '999' });
    const r = matchCustomers([a], [customer('1', 'Pied Piper')]);
    expect(r.unmatchedAccounts[0]!.note).toMatch(/999 is not among/);
    expect(r.unmatchedCustomers.map((u) => u.id)).toEqual(['1']);
  });

  it('one customer is never linked exactly to two Accounts: the weaker becomes probable and both are duplicates', () => {
    const strong = account('Vandelay Industries', { Phone: '212-555-0111', Billing_Email__c: 'art@vandelay.com' });
    const weak = account('Vandelay Industries Inc', { Phone: '212-555-0111' });
    const r = matchCustomers([weak, strong], [customer('5', 'Vandelay Industries', { ...phone('212 555 0111'), ...email('art@vandelay.com') })]);
    expect(r.exact.map((p) => p.accountId)).toEqual([strong.Id]);
    expect(r.probable.map((p) => p.accountId)).toEqual([weak.Id]);
    expect(r.probable[0]!.reasons.join(' ')).toMatch(/possible duplicate/);
    expect(r.duplicateAccounts).toHaveLength(1);
    expect(new Set(r.duplicateAccounts[0]!.ids)).toEqual(new Set([weak.Id, strong.Id]));
  });

  it('finds duplicate customers inside QuickBooks and keeps different companies apart', () => {
    const customers = [
      customer('1', 'Stark Industries', { ...phone('212-555-0142'), ...email('ap@stark.com') }),
      customer('2', 'Stark Industries (old)', { CompanyName: 'Stark Industries, Inc.', ...phone('(212) 555-0142') }),
      customer('3', 'Stark Plumbing', phone('303-555-0100')),
    ];
    const r = matchCustomers([], customers);
    expect(r.duplicateCustomers.map((g) => g.ids)).toEqual([['1', '2']]);
  });

  it('does not compare records that share no block key', () => {
    const r = matchCustomers([account('Wayne Enterprises')], [customer('1', 'Oscorp')]);
    expect(r.unmatchedAccounts[0]!.nearest).toBeUndefined();
  });
});

describe('bestCustomerMatch', () => {
  const index = buildCustomerIndex([
    customer('1', 'Globex Corporation', { ...phone('512-555-0101'), ...email('ap@globex.com') }),
    customer('2', 'Soylent', email('orders@soylent.com')),
    customer('3', 'Soylent Inc', email('orders@soylent.com')),
    customer('4', 'Umbrella'),
  ]);

  it('exact when one customer matches safely', () => {
    const m = bestCustomerMatch(account('Globex', { Phone: '5125550101' }), index);
    expect(m.tier).toBe('exact');
    expect(m.proposal?.customerId).toBe('1');
  });

  it('probable when two customers match exactly (duplicates in QuickBooks)', () => {
    const m = bestCustomerMatch(account('Soylent Corp', { Billing_Email__c: 'orders@soylent.com' }), index);
    expect(m.tier).toBe('probable');
    expect(m.candidates.map((c) => c.customerId).sort()).toEqual(['2', '3']);
    expect(m.proposal?.reasons.join(' ')).toMatch(/2 QuickBooks customers match exactly/);
  });

  it('probable on a name alone, so the invoice engine must not create a new customer', () => {
    expect(bestCustomerMatch(account('Umbrella Corp'), index).tier).toBe('probable');
  });

  it('none when nothing resembles the Account', () => {
    const m = bestCustomerMatch(account('Tyrell Corporation', { Phone: '415-555-0188' }), index);
    expect(m).toEqual({ tier: 'none', proposal: null, candidates: [] });
  });
});
