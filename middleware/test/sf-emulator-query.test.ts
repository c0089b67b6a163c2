import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '@ledgerline/emulators/salesforce';
import { seedDeal } from '@ledgerline/emulators/salesforce/test-kit';

const VERSION = '62.0';
const NOW = new Date('2030-03-15T12:00:00Z');

interface OppRow {
  Id: string;
  Name: string;
  Amount: number | null;
  Account: { Name: string; Owner: { Name: string } } | null;
  OpportunityLineItems: { totalSize: number; done: boolean; records: { Quantity: number; TotalPrice: number; Product2: { ProductCode: string } }[] } | null;
}

describe('Salesforce emulator: SOQL through jsforce', () => {
  let emu: SalesforceEmulator;
  let conn: Connection;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({ now: () => NOW });
    conn = new Connection({ instanceUrl: emu.url, accessToken: emu.control.createSession().accessToken, version: VERSION });
  });
  afterAll(() => emu.close());
  beforeEach(() => emu.control.reset());

  it('returns parent fields (two levels) and child subqueries, null when a deal has no lines', async () => {
    const deal = seedDeal(emu.control, { lines: 2 });
    const { Opportunity: [bareId] = [] } = emu.control.seed({ Opportunity: [{ Name: 'Bare', StageName: 'Prospecting', CloseDate: '2030-02-01' }] });
    const res = await conn.query<OppRow>(
      'SELECT Id, Name, Amount, Account.Name, Account.Owner.Name, (SELECT Quantity, TotalPrice, Product2.ProductCode FROM OpportunityLineItems ORDER BY Quantity) FROM Opportunity ORDER BY Name',
    );
    expect(res.totalSize).toBe(2);
    const [withLines, bare] = res.records as [OppRow, OppRow];
    expect(withLines.Id).toBe(deal.opportunityId);
    expect(withLines.Account).toMatchObject({ Name: 'Acme Corp', Owner: { Name: 'Integration' } });
    expect(withLines.OpportunityLineItems).toMatchObject({ totalSize: 2, done: true });
    expect(withLines.OpportunityLineItems?.records.map((l) => [l.Quantity, l.TotalPrice, l.Product2.ProductCode])).toEqual([
      [1, 100, 'WID-1'],
      [2, 200, 'WID-1'],
    ]);
    expect(withLines.Amount).toBe(300);
    expect(bare.Id).toBe(bareId);
    expect(bare.Account).toBeNull();
    expect(bare.OpportunityLineItems).toBeNull();
  });

  it('pages past 2,000 rows: nextRecordsUrl, queryMore and autoFetch', async () => {
    emu.control.seed({ Account: Array.from({ length: 2500 }, (_v, i) => ({ Name: `Account ${String(i).padStart(4, '0')}` })) });
    const first = await conn.query<{ Name: string }>('SELECT Name FROM Account ORDER BY Name');
    expect(first).toMatchObject({ totalSize: 2500, done: false });
    expect(first.records).toHaveLength(2000);
    // jsforce rebuilds nextRecordsUrl from the locator; the wire value is relative, like the platform's.
    const raw = await fetch(`${emu.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Name FROM Account')}`, { headers: { Authorization: `Bearer ${conn.accessToken}` } });
    expect(((await raw.json()) as { nextRecordsUrl: string }).nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[a-zA-Z0-9]{15}-2000$/);
    const second = await conn.queryMore<{ Name: string }>(first.nextRecordsUrl as string);
    expect(second).toMatchObject({ totalSize: 2500, done: true });
    expect(second.records[499]?.Name).toBe('Account 2499');

    const all: string[] = [];
    await new Promise<void>((resolve, reject) => {
      conn
        .query<{ Name: string }>('SELECT Name FROM Account')
        .on('record', (r: { Name: string }) => all.push(r.Name))
        .on('end', () => resolve())
        .on('error', reject)
        .run({ autoFetch: true, maxFetch: 10000 });
    });
    expect(new Set(all).size).toBe(2500);
  });

  it('rejects an unknown locator with INVALID_QUERY_LOCATOR', async () => {
    await expect(conn.queryMore('/services/data/v62.0/query/01g000000000000AAA-2000')).rejects.toMatchObject({ name: 'INVALID_QUERY_LOCATOR' });
  });

  it('filters with =, !=, IN, NOT IN, LIKE, comparisons, AND/OR/NOT, null and booleans', async () => {
    emu.control.seed({
      Account: [
        { Name: 'Alpha', BillingCity: 'Paris', Tax_Exempt__c: true },
        { Name: 'Beta', BillingCity: 'Berlin' },
        { Name: 'Gamma', BillingCity: null },
        { Name: 'alphabet', BillingCity: 'Paris' },
      ],
    });
    const names = async (where: string): Promise<string[]> =>
      (await conn.query<{ Name: string }>(`SELECT Name FROM Account WHERE ${where} ORDER BY Name`)).records.map((r) => r.Name);
    expect(await names("BillingCity = 'paris'")).toEqual(['Alpha', 'alphabet']);
    expect(await names("BillingCity != 'Paris'")).toEqual(['Beta', 'Gamma']);
    expect(await names('BillingCity = null')).toEqual(['Gamma']);
    expect(await names("Name IN ('Beta', 'Gamma')")).toEqual(['Beta', 'Gamma']);
    expect(await names("Name NOT IN ('Beta', 'Gamma')")).toEqual(['Alpha', 'alphabet']);
    expect(await names("Name LIKE 'alpha%'")).toEqual(['Alpha', 'alphabet']);
    expect(await names("Name LIKE '_eta'")).toEqual(['Beta']);
    expect(await names('Tax_Exempt__c = true')).toEqual(['Alpha']);
    expect(await names("(BillingCity = 'Paris' OR BillingCity = 'Berlin') AND NOT Name LIKE 'a%'")).toEqual(['Beta']);
    // Text compares case-insensitively: 'alphabet' sorts before 'Beta'.
    expect(await names("Name > 'Beta'")).toEqual(['Gamma']);
  });

  it('evaluates date literals against a fixed clock', async () => {
    emu.control.seed({
      Opportunity: [
        { Name: 'today', StageName: 'Prospecting', CloseDate: '2030-03-15' },
        { Name: 'last week', StageName: 'Prospecting', CloseDate: '2030-03-06' },
        { Name: 'last year', StageName: 'Prospecting', CloseDate: '2029-06-01' },
        { Name: 'next month', StageName: 'Prospecting', CloseDate: '2030-04-10' },
      ],
    });
    const names = async (where: string): Promise<string[]> =>
      (await conn.query<{ Name: string }>(`SELECT Name FROM Opportunity WHERE ${where} ORDER BY CloseDate`)).records.map((r) => r.Name);
    expect(await names('CloseDate = TODAY')).toEqual(['today']);
    expect(await names('CloseDate = LAST_N_DAYS:10')).toEqual(['last week', 'today']);
    expect(await names('CloseDate = LAST_WEEK')).toEqual(['last week']);
    expect(await names('CloseDate = LAST_YEAR')).toEqual(['last year']);
    expect(await names('CloseDate = NEXT_MONTH')).toEqual(['next month']);
    expect(await names('CloseDate < THIS_MONTH')).toEqual(['last year']);
    expect(await names('CloseDate >= 2030-03-06 AND CloseDate <= 2030-03-15')).toEqual(['last week', 'today']);
    expect(await names('CreatedDate > 2030-03-15T11:00:00Z')).toHaveLength(4);
  });

  it('orders with NULLS FIRST/LAST, applies LIMIT/OFFSET and counts with COUNT()', async () => {
    emu.control.seed({ Account: [{ Name: 'C', BillingCity: 'X' }, { Name: 'A', BillingCity: null }, { Name: 'B', BillingCity: 'Y' }] });
    const names = async (soql: string): Promise<string[]> => (await conn.query<{ Name: string }>(soql)).records.map((r) => r.Name);
    expect(await names('SELECT Name FROM Account ORDER BY BillingCity DESC NULLS LAST')).toEqual(['B', 'C', 'A']);
    expect(await names('SELECT Name FROM Account ORDER BY BillingCity ASC')).toEqual(['A', 'C', 'B']);
    expect(await names('SELECT Name FROM Account ORDER BY Name LIMIT 1 OFFSET 1')).toEqual(['B']);
    const count = await conn.query("SELECT COUNT() FROM Account WHERE Name != 'A'");
    expect(count).toMatchObject({ totalSize: 2, done: true, records: [] });
  });

  it('answers INVALID_FIELD, INVALID_TYPE and MALFORMED_QUERY like the platform', async () => {
    await expect(conn.query('SELECT Id, Foo__c FROM Opportunity')).rejects.toMatchObject({
      name: 'INVALID_FIELD',
      message: expect.stringContaining("No such column 'Foo__c' on entity 'Opportunity'. If you are attempting to use a custom field, be sure to append the '__c'"),
    });
    await expect(conn.query('SELECT Id, Acount.Name FROM Opportunity')).rejects.toMatchObject({ name: 'INVALID_FIELD', message: expect.stringContaining("Didn't understand relationship 'Acount'") });
    await expect(conn.query('SELECT Id FROM Invoice__c')).rejects.toMatchObject({ name: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'Invoice__c' is not supported") });
    await expect(conn.query('SELECT Id, (SELECT Id FROM Lines) FROM Opportunity')).rejects.toMatchObject({ name: 'INVALID_TYPE' });
    await expect(conn.query('SELECT Id FROM')).rejects.toMatchObject({ name: 'MALFORMED_QUERY' });
    await expect(conn.query("SELECT Id FROM Opportunity WHERE CloseDate = '2030-01-01'")).rejects.toMatchObject({
      name: 'INVALID_FIELD',
      message: expect.stringContaining("value of filter criterion for field 'CloseDate' must be of type date and should not be enclosed in quotes"),
    });
    await expect(conn.query("SELECT Id FROM Opportunity WHERE AccountId = 'nope'")).rejects.toMatchObject({ name: 'INVALID_QUERY_FILTER_OPERATOR' });
  });

  it('queryAll sees deleted rows; query does not', async () => {
    const { Account: [a, b] = [] } = emu.control.seed({ Account: [{ Name: 'Keep' }, { Name: 'Gone' }] });
    await conn.sobject('Account').destroy(b as string);
    expect((await conn.query('SELECT Id FROM Account')).records.map((r) => r.Id)).toEqual([a]);
    const all = await conn.query<{ Id: string; IsDeleted: boolean }>('SELECT Id, IsDeleted FROM Account ORDER BY Name', { scanAll: true });
    expect(all.records.map((r) => [r.Id, r.IsDeleted])).toEqual([
      [b, true],
      [a, false],
    ]);
  });

  it('matches 15-character ids in filters and accepts them on retrieve', async () => {
    const { Account: [id] = [] } = emu.control.seed({ Account: [{ Name: 'Short' }] });
    const id15 = (id as string).slice(0, 15);
    expect((await conn.query(`SELECT Id FROM Account WHERE Id = '${id15}'`)).records[0]?.Id).toBe(id);
    expect(((await conn.sobject('Account').retrieve(id15)) as { Id: string }).Id).toBe(id);
  });
});
