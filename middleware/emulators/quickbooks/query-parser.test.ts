import { QboFault } from './faults';
import { parseQuery } from './query-parser';

function faultCode(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof QboFault) return error.errors[0]?.code;
    throw error;
  }
  return undefined;
}

describe('parseQuery', () => {
  it('parses what node-quickbooks sends: lower-case keywords, backslash-escaped apostrophe, IN, paging', () => {
    const q = parseQuery("select * from customer where DisplayName = 'Amy\\'s Bird & Co + 50%' and Active IN (true,false) startposition 1 maxresults 1000");
    expect(q).toEqual({
      select: { kind: 'all' },
      entity: 'customer',
      where: [
        { field: 'DisplayName', op: '=', values: ["Amy's Bird & Co + 50%"] },
        { field: 'Active', op: 'IN', values: [true, false] },
      ],
      orderBy: [],
      startPosition: 1,
      maxResults: 1000,
    });
  });

  it('parses count(*), LIKE, comparisons on dates and both ORDER BY spellings', () => {
    expect(parseQuery('SELECT COUNT(*) FROM Customer').select).toEqual({ kind: 'count' });
    const q = parseQuery("SELECT * FROM Invoice WHERE MetaData.LastUpdatedTime >= '2024-01-01T00:00:00-08:00' AND DocNumber LIKE '10%' ORDER BY TxnDate DESC, Id MAXRESULTS 5 STARTPOSITION 26");
    expect(q.where.map((c) => c.op)).toEqual(['>=', 'LIKE']);
    expect(q.orderBy).toEqual([{ field: 'TxnDate', desc: true }, { field: 'Id', desc: false }]);
    expect([q.startPosition, q.maxResults]).toEqual([26, 5]);
    expect(parseQuery('select * from item orderby Name asc').orderBy).toEqual([{ field: 'Name', desc: false }]);
  });

  it('rejects OR with a parser fault and bad paging with 4001', () => {
    expect(faultCode(() => parseQuery("select * from Customer where DisplayName = 'a' or DisplayName = 'b'"))).toBe('4000');
    expect(faultCode(() => parseQuery('select * from Customer startposition 0'))).toBe('4001');
    expect(faultCode(() => parseQuery('select * from Customer maxresults 1001'))).toBe('4001');
    expect(faultCode(() => parseQuery("select * from Customer where Name = 'unterminated"))).toBe('4000');
  });
});
