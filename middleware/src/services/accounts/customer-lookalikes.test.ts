import type { QboCompany } from '../../quickbooks/api';
import { CustomerLookalikes, qboDateTime, type KnownCustomer } from './customer-lookalikes';

const account = { Id: '001000000000001AAA', Name: 'Vandelay Industries', Billing_Email__c: 'art@vandelay.example' };
const vandelay: KnownCustomer = { Id: '7', DisplayName: 'Vandelay Industries, Inc.', PrimaryEmailAddr: { Address: 'accounts@vandelay.example' }, Active: true };
const other: KnownCustomer = { Id: '1', DisplayName: 'Kramerica', PrimaryEmailAddr: { Address: 'ck@kramerica.example' }, Active: true };

/** A company whose customer list the test changes; records every query. */
function fakeCompany(customers: KnownCustomer[], options: { failFirst?: boolean } = {}) {
  const queries: string[] = [];
  let fail = options.failFirst ?? false;
  const company = {
    realmId: '123',
    query: jest.fn(async (_entity: string, where: string) => {
      queries.push(where);
      if (fail) {
        fail = false;
        throw new Error('QuickBooks is down');
      }
      return [...customers];
    }),
  };
  return { company: company as unknown as QboCompany, queries, customers };
}

describe('CustomerLookalikes (the invoice engine\u2019s matching index per company)', () => {
  it('reads every customer, active or not, once per TTL', async () => {
    let now = 1_000_000;
    const { company, queries } = fakeCompany([other, vandelay]);
    const lookalikes = new CustomerLookalikes(60_000, () => now, 10_000);
    expect((await lookalikes.best(company, account)).match.tier).toBe('exact');
    now += 5_000;
    await lookalikes.best(company, account);
    expect(queries).toEqual(['where Active in (true, false)']);
    now += 60_000;
    await lookalikes.best(company, account);
    expect(queries.filter((q) => q === 'where Active in (true, false)')).toHaveLength(2);
    expect(lookalikes.loads).toBe(2);
  });

  it('catches up with customers typed into QuickBooks since the read, at most every interval, from 5 minutes before', async () => {
    let now = Date.parse('2026-11-26T12:00:00Z');
    const { company, queries, customers } = fakeCompany([other]);
    const lookalikes = new CustomerLookalikes(600_000, () => now, 10_000);
    expect((await lookalikes.best(company, account)).match.tier).toBe('none');
    customers.push(vandelay);
    now += 3_000;
    expect((await lookalikes.best(company, account)).match.tier).toBe('none'); // within the interval: no query
    expect(queries).toHaveLength(1);
    now += 10_000;
    const answer = await lookalikes.best(company, account);
    expect(answer.match.tier).toBe('exact');
    expect(answer.customer('7')?.DisplayName).toBe('Vandelay Industries, Inc.');
    expect(queries[1]).toBe(`where Active in (true, false) and MetaData.LastUpdatedTime >= '${qboDateTime(Date.parse('2026-11-26T11:55:00Z'))}'`);
    expect(qboDateTime(Date.parse('2026-11-26T11:55:00Z'))).toBe('2026-11-26T11:55:00+00:00');
  });

  it('knows a customer the engine created at once, without a query', async () => {
    const now = 5_000_000;
    const { company, queries } = fakeCompany([other]);
    const lookalikes = new CustomerLookalikes(600_000, () => now, 10_000);
    expect((await lookalikes.best(company, account)).match.tier).toBe('none');
    lookalikes.remember('123', vandelay);
    lookalikes.remember('123', vandelay); // twice is harmless
    const answer = await lookalikes.best(company, account);
    expect(answer.match.tier).toBe('exact');
    expect(answer.match.candidates).toHaveLength(1);
    expect(queries).toHaveLength(1);
  });

  it('does not keep a failed read', async () => {
    const { company } = fakeCompany([vandelay], { failFirst: true });
    const lookalikes = new CustomerLookalikes(600_000, () => 0, 10_000);
    await expect(lookalikes.best(company, account)).rejects.toThrow('QuickBooks is down');
    expect((await lookalikes.best(company, account)).match.tier).toBe('exact');
  });

  it('sees QBO as it is now when asked right before a create, with one catch-up shared by a burst', async () => {
    let now = Date.parse('2026-11-26T12:00:00Z');
    const { company, queries, customers } = fakeCompany([other]);
    const lookalikes = new CustomerLookalikes(600_000, () => now, 10_000);
    expect((await lookalikes.best(company, account)).match.tier).toBe('none');
    customers.push(vandelay); // typed into QuickBooks a second later
    now += 1_000;
    expect((await lookalikes.best(company, account)).match.tier).toBe('none'); // an ordinary answer waits for the interval
    const burst = await Promise.all([1, 2, 3, 4, 5].map(() => lookalikes.best(company, account, { current: true })));
    expect(burst.map((a) => a.match.tier)).toEqual(['exact', 'exact', 'exact', 'exact', 'exact']);
    expect(queries).toHaveLength(2); // the full read and one catch-up for the five
  });
});
