import { matchCustomers } from './customer-matcher';
import type { MatchAccount, MatchCustomer } from './types';

let seq = 0;
function account(name: string, extra: Partial<MatchAccount> = {}): MatchAccount {
  seq += 1;
  return { Id: `001${String(seq).padStart(12, '0')}RCL`, Name: name, ...extra };
}
function customer(id: string, name: string, extra: Partial<MatchCustomer> = {}): MatchCustomer {
  return { Id: id, DisplayName: name, Active: true, ...extra };
}
const email = (address: string) => ({ PrimaryEmailAddr: { Address: address } });
const phone = (number: string) => ({ PrimaryPhone: { FreeFormNumber: number } });
const address = (Line1: string, City: string, PostalCode: string) => ({ BillAddr: { Line1, City, PostalCode } });

describe('matchCustomers: abbreviations and department tails', () => {
  it('"St. Mary\'s Medical Center" and "Saint Marys Med Ctr" with one phone are exact', () => {
    const a = account("St. Mary's Medical Center", { Phone: '(208) 555-0002' });
    const r = matchCustomers([a], [customer('102', 'Saint Marys Med Ctr', phone('208.555.0002'))]);
    expect(r.exact.map((p) => p.customerId)).toEqual(['102']);
  });

  it('"Oak Ridge Vet Clinic" and "Oakridge Veterinary Clinic" with one e-mail are exact', () => {
    const a = account('Oak Ridge Vet Clinic', { Billing_Email__c: 'frontdesk@oakridgevet.com' });
    const r = matchCustomers([a], [customer('109', 'Oakridge Veterinary Clinic', email('frontdesk@oakridgevet.com'))]);
    expect(r.exact.map((p) => p.customerId)).toEqual(['109']);
  });

  it('a QBO name with a department tail ("- AP Dept") is the Account\'s name', () => {
    const a = account('Fairhaven Outfitters, Inc.', { Phone: '(503) 555-0001' });
    const r = matchCustomers([a], [customer('101', 'Fairhaven Outfitters Inc - AP Dept', phone('503-555-0001'))]);
    expect(r.exact.map((p) => p.customerId)).toEqual(['101']);
    expect(r.exact[0]!.reasons).toContain('same normalized name');
  });
});

describe('matchCustomers: names that differ only in form, with strong contact evidence', () => {
  const fischer = { Phone: '(608) 555-0083', Billing_Email__c: 'office@fischerexcavating.com', BillingCity: 'Portage' };
  const fischerQbo = { ...phone('608-555-0083'), ...email('office@fischerexcavating.com'), BillAddr: { City: 'Portage' } };

  it('"Fischer & Sons Excavating" / "Fischer Excavating" with the same phone, e-mail and city are exact', () => {
    const r = matchCustomers([account('Fischer & Sons Excavating', fischer)], [customer('183', 'Fischer Excavating', fischerQbo)]);
    expect(r.exact.map((p) => p.customerId)).toEqual(['183']);
    expect(r.exact[0]!.reasons).toContain('the names differ only in form and the contact details agree');
  });

  it('the same phone and domain without a place in common stay probable ("Initrode Group" / "Initrode Inc.")', () => {
    const a = account('Initrode Group', { Billing_Email__c: 'ap@initrode.example', Phone: '512-555-0142' });
    const r = matchCustomers([a], [customer('9', 'Initrode Inc.', { ...email('billing@initrode.example'), ...phone('(512) 555-0142') })]);
    expect(r.exact).toEqual([]);
    expect(r.probable.map((p) => p.customerId)).toEqual(['9']);
  });

  it('the record\'s own city in the name is form too ("Cornerstone Church of Boise")', () => {
    const a = account('Cornerstone Church of Boise', { Billing_Email__c: 'finance@cornerstoneboise.org', BillingStreet: '5400 W Franklin Rd', BillingCity: 'Boise', BillingPostalCode: '83705' });
    const c = customer('197', 'Cornerstone Church', { ...email('finance@cornerstoneboise.org'), ...address('5400 W Franklin Rd', 'Boise', '83705') });
    expect(matchCustomers([a], [c]).exact.map((p) => p.customerId)).toEqual(['197']);
  });

  it('one phone alone does not lift a form difference to exact', () => {
    const r = matchCustomers([account('Fischer & Sons Excavating', { Phone: fischer.Phone, BillingCity: 'Portage' })], [customer('183', 'Fischer Excavating', { ...phone('608-555-0083'), BillAddr: { City: 'Portage' } })]);
    expect(r.exact).toEqual([]);
    expect(r.probable.map((p) => p.customerId)).toEqual(['183']);
  });

  it('a disagreement (another postal code) keeps a form difference out of the exact tier', () => {
    const a = account('Fischer & Sons Excavating', { ...fischer, BillingPostalCode: '53901' });
    const r = matchCustomers([a], [customer('183', 'Fischer Excavating', { ...fischerQbo, ...address('1 Main St', 'Portage', '53902') })]);
    expect(r.exact).toEqual([]);
  });

  it('a sibling word ("West", "Foundation") is no form difference, even with the same phone and domain', () => {
    const a = account('Kessler & Whitcomb', { Phone: '617-555-0011', Website: 'kesslerwhitcomb.com' });
    const r = matchCustomers([a], [customer('16', 'Kessler & Whitcomb Foundation', { ...phone('617-555-0011'), ...email('grants@kesslerwhitcomb.com') })]);
    expect(r.exact).toEqual([]);
  });
});

describe('matchCustomers: twins of a linked record', () => {
  it('an Account that strongly matches a customer already linked by id to another Account is its duplicate', () => {
    const linked = account('Initech', { QuickBooks_Customer_Id__c: '42', Phone: '512-555-0190' });
    const twin = account('Initech Software', { Billing_Email__c: 'ap@initech.com', Phone: '512-555-0142' });
    const r = matchCustomers([linked, twin], [customer('42', 'Initech', { ...email('ap@initech.com'), ...phone('512 555 0142') })]);
    expect(r.exact.map((p) => p.accountId)).toEqual([linked.Id]);
    expect(r.duplicateAccounts.map((g) => new Set(g.ids))).toEqual([new Set([linked.Id, twin.Id])]);
    expect(r.duplicateAccounts[0]!.links[0]!.reasons.join(' ')).toMatch(/both match QuickBooks customer 42 exactly/);
  });

  it('a customer that strongly matches an Account already linked to another customer is its duplicate', () => {
    const a = account('Globex', { QuickBooks_Customer_Id__c: '7', Phone: '512-555-0101', Billing_Email__c: 'ap@globex.com' });
    const r = matchCustomers([a], [
      customer('7', 'Globex Corp', phone('(512) 555-0199')),
      customer('8', 'Globex Holdings', { ...phone('512-555-0101'), ...email('ap@globex.com') }),
    ]);
    expect(r.exact.map((p) => p.customerId)).toEqual(['7']);
    expect(r.duplicateCustomers.map((g) => g.ids)).toEqual([['7', '8']]);
  });

  it('a weak second claim on a linked customer is no duplicate', () => {
    const linked = account('Initech', { QuickBooks_Customer_Id__c: '42' });
    const other = account('Initech Software', { Phone: '512-555-0177' });
    const r = matchCustomers([linked, other], [customer('42', 'Initech', phone('512 555 0142'))]);
    expect(r.duplicateAccounts).toEqual([]);
  });
});
