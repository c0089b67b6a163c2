import { csvCell, parseCsv } from './csv';
import { matchCustomers } from './customer-matcher';
import { planLinks, readDecisions } from './decisions';
import { CUSTOMER_LABELS, customerReportCsv, customerSummary } from './report';
import type { MatchAccount, MatchCustomer } from './types';

describe('csv', () => {
  it('round-trips commas, quotes, line breaks and formula-looking cells', () => {
    const cells = ['a,b', 'say "hi"', 'two\nlines', '=HYPERLINK("x")', '-5', 'plain', ''];
    const text = `${cells.map(csvCell).join(',')}\r\n`;
    expect(text).not.toMatch(/^=|,=/);
    expect(parseCsv(text)).toEqual([cells]);
  });

  it('refuses an unterminated quote', () => {
    expect(() => parseCsv('a,"b\n')).toThrow(/closing/);
  });
});

const accounts: MatchAccount[] = [
  { Id: '001000000000001AAA', Name: 'Globex Corp', Phone: '512-555-0101' },
  { Id: '001000000000002AAA', Name: 'Initech' },
  { Id: '001000000000003AAA', Name: 'Hooli, Inc.', QuickBooks_Customer_Id__c: '3' },
  { Id: '001000000000004AAA', Name: 'Pied Piper' },
];
const customers: MatchCustomer[] = [
  { Id: '1', DisplayName: 'Globex', PrimaryPhone: { FreeFormNumber: '(512) 555-0101' } },
  { Id: '2', DisplayName: 'Initech LLC' },
  { Id: '3', DisplayName: 'Hooli' },
  { Id: '4', DisplayName: 'Massive Dynamic' },
];
const names = {
  account: (id: string) => accounts.find((a) => a.Id === id)?.Name ?? '',
  customer: (id: string) => customers.find((c) => c.Id === id)?.DisplayName ?? '',
};

describe('report and decisions', () => {
  const result = matchCustomers(accounts, customers);
  const csv = customerReportCsv(result, names);
  const rows = parseCsv(csv);

  it('lists every section with the names a person recognizes', () => {
    expect(rows[0]).toEqual(['section', 'decision', 'score', 'account_id', 'account_name', 'customer_id', 'customer_name', 'reasons', 'group', 'note']);
    const sections = rows.slice(1).map((r) => `${r[0]}:${r[1]}:${r[3]}:${r[5]}`);
    expect(sections).toEqual(expect.arrayContaining([
      'exact:link:001000000000001AAA:1', 'exact:link:001000000000003AAA:3', 'probable::001000000000002AAA:2',
      'unmatched-account:-:001000000000004AAA:', 'unmatched-customer:-::4',
    ]));
    expect(rows.find((r) => r[3] === '001000000000001AAA')?.[4]).toBe('Globex Corp');
  });

  it('summary says nothing was changed', () => {
    const text = customerSummary(result, { accounts: 4, customers: 4 });
    expect(text).toMatch(/exact matches \(safe to link\):\s+2/);
    expect(text).toMatch(/Nothing was linked, merged or deleted/);
  });

  it('applies exact rows as written, probable rows only once a person writes "link"', () => {
    const untouched = readDecisions(csv, CUSTOMER_LABELS);
    expect(untouched.errors).toEqual([]);
    expect(untouched.links.map((l) => l.rightId).sort()).toEqual(['1', '3']);
    const edited = csv.replace('probable,,', 'probable,link,');
    expect(readDecisions(edited, CUSTOMER_LABELS).links.map((l) => l.rightId).sort()).toEqual(['1', '2', '3']);
  });

  it('rejects a customer linked twice, an unknown decision and a wrong header, and applies nothing', () => {
    const twice = `${csv}exact,link,,001000000000004AAA,,1,,,,\r\n`;
    const read = readDecisions(twice, CUSTOMER_LABELS);
    expect(read.links).toEqual([]);
    expect(read.errors.join('\n')).toMatch(/customer 1 is also linked on line/);
    expect(readDecisions(csv.replace('probable,,', 'probable,yes,'), CUSTOMER_LABELS).errors[0]).toMatch(/decision "yes"/);
    expect(readDecisions('a,b\r\n1,2\r\n', CUSTOMER_LABELS).errors[0]).toMatch(/header lacks/);
  });

  it('plans links without overwriting an existing one', () => {
    const current = (id: string) => (id === 'A' ? null : id === 'B' ? '9' : id === 'C' ? '3' : undefined);
    const plan = planLinks([
      { leftId: 'A', rightId: '1' }, { leftId: 'B', rightId: '2' }, { leftId: 'C', rightId: '3' }, { leftId: 'Z', rightId: '1' }, { leftId: 'A', rightId: '77' },
    ], current, (id) => ['1', '2', '3'].includes(id));
    expect(plan.toLink).toEqual([{ leftId: 'A', rightId: '1' }]);
    expect(plan.unchanged).toEqual([{ leftId: 'C', rightId: '3' }]);
    expect(plan.refused.map((r) => r.reason)).toEqual([
      'B is already linked to 9; change it by hand if that link is wrong', 'Z was not among the records read', '77 was not among the records read',
    ]);
  });
});
