import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT, makeProject, problemLines, verify } from './helpers.mjs';

// A class whose queries use what the stage must understand: binds (also in LIMIT/OFFSET), USER_MODE,
// SYSTEM_MODE, SECURITY_ENFORCED, FOR UPDATE, parent paths (standard and custom, two levels), standard and
// custom child subqueries, COUNT(), aggregates with GROUP BY and HAVING, a date function, a long text area
// in SELECT, and dynamic queries built from static final String constants (also from another class).
const CLASS_FILE = `${DEFAULT}/classes/BillingQueries.cls`;
const VALID_CLASS = `/**
 * Fixture: the queries of a billing screen.
 */
public with sharing class BillingQueries {
    private static final String INVOICE_FIELDS = 'Id, Name, Status__c, Total__c';
    private static final String INVOICES_BY_DEAL =
        'SELECT ' +
        INVOICE_FIELDS +
        ' FROM Invoice__c WHERE Opportunity__c = :dealId';

    /**
     * Everything the screen shows for one deal.
     * @param dealId the opportunity
     * @param pageSize how many invoices per page
     * @param skip how many invoices to skip
     * @return the rows
     */
    public static List<SObject> forDeal(Id dealId, Integer pageSize, Integer skip) {
        List<SObject> rows = new List<SObject>();
        rows.addAll(
            [
                SELECT
                    Id,
                    Name,
                    Account.Name,
                    Owner.Email,
                    (SELECT Quantity, Product2.ProductCode FROM OpportunityLineItems ORDER BY SortOrder),
                    (SELECT Id, Notes__c FROM Invoices__r WHERE Status__c = 'Open')
                FROM Opportunity
                WHERE Id = :dealId AND Account.Name != NULL
                WITH USER_MODE
            ]
        );
        rows.addAll(
            [
                SELECT Id, Notes__c, Opportunity__r.Account.Name
                FROM Invoice__c
                WHERE Opportunity__c = :dealId AND Opportunity__r.StageName = 'Closed Won'
                WITH SECURITY_ENFORCED
                ORDER BY Total__c DESC NULLS LAST
                LIMIT :pageSize
                OFFSET :skip
            ]
        );
        rows.addAll([SELECT Id FROM Invoice__c WHERE Id IN :new Map<Id, SObject>(rows).keySet() FOR UPDATE]);
        rows.addAll(Database.query(INVOICES_BY_DEAL, AccessLevel.USER_MODE));
        rows.addAll(
            Database.queryWithBinds(
                INVOICES_BY_DEAL,
                new Map<String, Object>{ 'dealId' => dealId },
                AccessLevel.USER_MODE
            )
        );
        return rows;
    }

    /**
     * Totals per status and month.
     * @return one row per status and month
     */
    public static List<AggregateResult> totals() {
        return [
            SELECT Status__c, CALENDAR_MONTH(CreatedDate) month, SUM(Total__c) total, MAX(Total__c) largest, COUNT(Id) n
            FROM Invoice__c
            WITH SYSTEM_MODE
            GROUP BY Status__c, CALENDAR_MONTH(CreatedDate)
            HAVING COUNT(Id) > 1
        ];
    }

    /**
     * How many invoices a deal has.
     * @param dealId the opportunity
     * @return the count
     */
    public static Integer countFor(Id dealId) {
        return [SELECT COUNT() FROM Invoice__c WHERE Opportunity__c = :dealId WITH USER_MODE] +
            Database.countQuery('SELECT COUNT() FROM Invoice__c WHERE Status__c = \\'Paid\\'');
    }
}
`;
const CLASS_META = `<?xml version="1.0" encoding="UTF-8" ?>
<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>66.0</apiVersion>
    <status>Active</status>
</ApexClass>
`;
const FIELDS = `${DEFAULT}/objects/Invoice__c/fields`;
const fieldXml = (body) => `<?xml version="1.0" encoding="UTF-8" ?>
<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">
${body}</CustomField>
`;
const NEW_FIELDS = {
  [`${FIELDS}/Notes__c.field-meta.xml`]: fieldXml(`    <fullName>Notes__c</fullName>
    <description>Free notes about the invoice.</description>
    <inlineHelpText>Anything Finance wants to remember about this invoice.</inlineHelpText>
    <label>Notes</label>
    <length>32768</length>
    <type>LongTextArea</type>
    <visibleLines>3</visibleLines>
`),
  [`${FIELDS}/Opportunity__c.field-meta.xml`]: fieldXml(`    <fullName>Opportunity__c</fullName>
    <deleteConstraint>SetNull</deleteConstraint>
    <description>The deal this invoice bills.</description>
    <inlineHelpText>The deal this invoice bills.</inlineHelpText>
    <label>Opportunity</label>
    <referenceTo>Opportunity</referenceTo>
    <relationshipLabel>Invoices</relationshipLabel>
    <relationshipName>Invoices</relationshipName>
    <required>false</required>
    <type>Lookup</type>
`),
  [`${FIELDS}/Total__c.field-meta.xml`]: fieldXml(`    <fullName>Total__c</fullName>
    <description>The invoice total.</description>
    <inlineHelpText>The invoice total, tax included.</inlineHelpText>
    <label>Total</label>
    <precision>16</precision>
    <required>false</required>
    <scale>2</scale>
    <type>Currency</type>
`)
};

/** The good project plus the fixture class and its fields, with `edit` applied to the class source. */
function project(t, edit = (src) => src) {
  return makeProject(t, { ...NEW_FIELDS, [CLASS_FILE]: edit(VALID_CLASS), [`${CLASS_FILE}-meta.xml`]: CLASS_META });
}

/** Line (1-based) of the first line of the class that contains `text`. */
const lineOf = (src, text) => src.split('\n').findIndex((l) => l.includes(text)) + 1;

function expectProblem(t, edit, where, pattern) {
  const source = edit(VALID_CLASS);
  assert.notEqual(source, VALID_CLASS, 'the edit changed nothing');
  const { code, out } = verify(project(t, edit), 'soql');
  assert.equal(code, 1, out);
  const line = lineOf(source, where);
  assert.ok(line > 0, `fixture has no line with ${where}`);
  const lines = problemLines(out, 'BillingQueries.cls');
  assert.ok(
    lines.some((l) => l.includes(`BillingQueries.cls:${line}: `) && pattern.test(l)),
    `expected BillingQueries.cls:${line} matching ${pattern}\n${out}`
  );
  return lines;
}

test('soql: the fixture class with valid SOQL passes every stage', (t) => {
  const { code, out } = verify(project(t));
  assert.equal(code, 0, out);
  assert.match(out, /soql\s.*9 queries in 3 Apex files/); // 5 static + 3 dynamic in BillingQueries, 1 in InvoiceSyncService
  assert.doesNotMatch(out, /not checked/);
});

test('soql: a long text area in WHERE fails, naming the file, line and field', (t) => {
  const lines = expectProblem(
    t,
    (src) => src.replace("WHERE Status__c = 'Open'", 'WHERE Notes__c != NULL'),
    'WHERE Notes__c != NULL',
    /SOQL: Invoice__c\.Notes__c is a long text area and cannot be used in WHERE/
  );
  assert.equal(lines.length, 1, lines.join('\n'));
});

test('soql: an unknown field on a standard object in SELECT fails', (t) => {
  expectProblem(
    t,
    (src) =>
      src.replace(
        '                    Owner.Email,',
        '                    Owner.Email,\n                    CloseDte,'
      ),
    'CloseDte',
    /SOQL: no field "CloseDte" on Opportunity/
  );
});

test('soql: an unknown relationship in SELECT fails', (t) => {
  expectProblem(
    t,
    (src) => src.replace('Opportunity__r.Account.Name\n', 'Opportunity__r.Acount.Name\n'),
    'Opportunity__r.Acount.Name',
    /SOQL: unknown relationship "Acount" on Opportunity in Opportunity__r\.Acount\.Name/
  );
});

test('soql: a lookup id used as a relationship fails with the relationship name to use', (t) => {
  expectProblem(
    t,
    (src) => src.replace('Opportunity__r.Account.Name\n', 'Opportunity__c.Account.Name\n'),
    'Opportunity__c.Account.Name',
    /unknown relationship "Opportunity__c" on Invoice__c .*use its relationship name Opportunity__r/
  );
});

test('soql: a custom field queried from the wrong object fails and says where the field is', (t) => {
  expectProblem(
    t,
    (src) =>
      src.replace(
        '                    Owner.Email,',
        '                    Owner.Email,\n                    Total__c,'
      ),
    '                    Total__c,',
    /SOQL: no field "Total__c" on Opportunity \(Total__c is a field of Invoice__c\)/
  );
});

test('soql: an unknown child relationship in a subquery fails', (t) => {
  expectProblem(
    t,
    (src) => src.replace('FROM Invoices__r', 'FROM Invoice__c'),
    'FROM Invoice__c WHERE Status__c',
    /SOQL: unknown child relationship "Invoice__c" on Opportunity/
  );
});

test('soql: SUM over a picklist fails', (t) => {
  expectProblem(
    t,
    (src) => src.replace('MAX(Total__c) largest', 'SUM(Status__c) largest'),
    'SUM(Status__c) largest',
    /SOQL: SUM\(\) needs a number, currency or percent field; Invoice__c\.Status__c is picklist/
  );
});

test('soql: GROUP BY a currency field fails', (t) => {
  expectProblem(
    t,
    (src) => src.replace('GROUP BY Status__c, CALENDAR_MONTH', 'GROUP BY Total__c, CALENDAR_MONTH'),
    'GROUP BY Total__c',
    /SOQL: Invoice__c\.Total__c is of type currency and cannot be grouped/
  );
});

test('soql: a long text area in ORDER BY fails', (t) => {
  expectProblem(
    t,
    (src) => src.replace('ORDER BY Total__c DESC', 'ORDER BY Notes__c DESC'),
    'ORDER BY Notes__c',
    /Invoice__c\.Notes__c is a long text area and cannot be used in ORDER BY/
  );
});

test('soql: a dynamic query built from constants is checked at the Database.query line', (t) => {
  expectProblem(
    t,
    (src) => src.replace("'Id, Name, Status__c, Total__c'", "'Id, Name, Status__c, Totl__c'"),
    'rows.addAll(Database.query(INVOICES_BY_DEAL, AccessLevel.USER_MODE));',
    /dynamic SOQL \(Database\.query\): no field "Totl__c" on Invoice__c/
  );
});

test('soql: an unknown object in FROM fails', (t) => {
  expectProblem(
    t,
    (src) =>
      src.replace(
        'SELECT COUNT() FROM Invoice__c WHERE Opportunity__c',
        'SELECT COUNT() FROM Invoices__c WHERE Opportunity__c'
      ),
    'SELECT COUNT() FROM Invoices__c',
    /SOQL: unknown object "Invoices__c" in FROM/
  );
});

test('soql: a query built at run time is counted as not checked, never as a problem', (t) => {
  const root = project(t, (src) =>
    src.replace('Database.query(INVOICES_BY_DEAL,', "Database.query(INVOICES_BY_DEAL + String.valueOf(' LIMIT 1'),")
  );
  const { code, out } = verify(root, 'soql');
  assert.equal(code, 0, out);
  assert.match(out, /1 dynamic queries built at run time not checked/);
});

const MORE_CLASS = `/**
 * Fixture: less common query shapes.
 */
public with sharing class BillingReports {
    /**
     * Rows for a report.
     * @param names account names
     * @return the rows
     */
    public static List<SObject> rows(Set<String> names) {
        List<SObject> rows = new List<SObject>();
        rows.addAll(
            [
                SELECT FIELDS(STANDARD), (SELECT Name FROM Contacts)
                FROM Account a // the alias prefixes fields below
                WHERE
                    a.Name IN :names
                    AND (NOT Industry = 'Retail')
                    AND Id NOT IN (SELECT AccountId FROM Opportunity WHERE IsWon = TRUE)
            ]
        );
        rows.addAll([SELECT Status__c, COUNT(Id) n FROM Invoice__c GROUP BY ROLLUP(Status__c)]);
        rows.addAll([SELECT Id FROM Opportunity WHERE CALENDAR_YEAR(CloseDate) = 2026 AND CloseDate = LAST_N_DAYS:30]);
        return rows;
    }
}
`;

test('soql: aliases, comments, FIELDS(STANDARD), semi-joins, NOT, ROLLUP and date literals are understood', (t) => {
  const root = makeProject(t, {
    ...NEW_FIELDS,
    [`${DEFAULT}/classes/BillingReports.cls`]: MORE_CLASS,
    [`${DEFAULT}/classes/BillingReports.cls-meta.xml`]: CLASS_META
  });
  const { code, out } = verify(root, 'soql', 'apex-syntax');
  assert.equal(code, 0, out);
  assert.match(out, /soql\s.*4 queries in 3 Apex files/);
});

for (const [type, words] of [
  ['Html', 'a rich text area'],
  ['EncryptedText', 'an encrypted field']
]) {
  test(`soql: ${words} in WHERE fails`, (t) => {
    const notes = `${FIELDS}/Notes__c.field-meta.xml`;
    const root = makeProject(t, {
      ...NEW_FIELDS,
      [notes]: NEW_FIELDS[notes].replace('<type>LongTextArea</type>', `<type>${type}</type>`),
      [CLASS_FILE]: VALID_CLASS.replace("WHERE Status__c = 'Open'", 'WHERE Notes__c != NULL'),
      [`${CLASS_FILE}-meta.xml`]: CLASS_META
    });
    const { code, out } = verify(root, 'soql');
    assert.equal(code, 1, out);
    const line = lineOf(VALID_CLASS, "WHERE Status__c = 'Open'");
    const expected = `BillingQueries.cls:${line}: SOQL: Invoice__c.Notes__c is ${words} and cannot be used in WHERE`;
    assert.ok(
      problemLines(out, 'BillingQueries.cls').some((l) => l.includes(expected)),
      out
    );
  });
}

test('soql: a dynamic query built from another class constant is checked', (t) => {
  const edited = VALID_CLASS.replace(
    "Database.countQuery('SELECT COUNT() FROM Invoice__c WHERE Status__c = \\'Paid\\'')",
    'Database.countQuery(InvoiceSyncService.PAID)'
  );
  assert.notEqual(edited, VALID_CLASS);
  const root = makeProject(t, {
    ...NEW_FIELDS,
    [CLASS_FILE]: edited,
    [`${CLASS_FILE}-meta.xml`]: CLASS_META,
    [`${DEFAULT}/classes/InvoiceSyncService.cls`]: (src) =>
      src.replace(
        'public with sharing class InvoiceSyncService {',
        "public with sharing class InvoiceSyncService {\n    public static final String PAID = 'SELECT COUNT() FROM Invoice__c WHERE Stat__c = \\'Paid\\'';"
      )
  });
  const { code, out } = verify(root, 'soql');
  assert.equal(code, 1, out);
  const line = lineOf(edited, 'Database.countQuery(InvoiceSyncService.PAID)');
  assert.ok(
    problemLines(out, 'BillingQueries.cls').some((l) =>
      l.includes(`BillingQueries.cls:${line}: dynamic SOQL (Database.countQuery): no field "Stat__c" on Invoice__c`)
    ),
    out
  );
});
