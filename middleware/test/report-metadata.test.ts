/**
 * Cross-references between the leadership reports and dashboards in force-app, which the Metadata API schema
 * check cannot see: every column, grouping, filter and aggregate of a report names a column its custom report
 * type offers (or one of its bucket fields), every field a report type offers exists on its object, and every
 * dashboard component names an existing report and columns that report groups or summarises.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { XMLParser } from 'fast-xml-parser';

const ROOT = path.resolve(__dirname, '../../force-app/main/default');
const parser = new XMLParser({ ignoreAttributes: true, isArray: (name) => ['columns', 'criteriaItems', 'groupingsDown', 'buckets', 'sections', 'dashboardGridComponents', 'groupingColumn', 'chartSummary', 'aggregateTypes'].includes(name) });
/** Parsed metadata XML, read element by element. */
type Node = Record<string, any>;

const read = (file: string): Node => parser.parse(readFileSync(file, 'utf8')) as Node;
const files = (dir: string, suffix: string): string[] =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(suffix)).map((f) => path.join(dir, f));

/** Standard fields a Ledgerline report type may offer (no metadata file in force-app). */
const STANDARD = new Set(['Name', 'Account', 'Owner', 'StageName', 'CloseDate', 'Amount', 'ExpectedRevenue', 'Probability', 'IsClosed', 'IsWon', 'ProductCode', 'IsActive', 'Family', 'CreatedDate', 'LastModifiedDate']);

/** `Table$Field` columns a report type offers, e.g. `QuickBooks_Invoice__c.Payments__r$Amount__c`. */
function reportTypeColumns(name: string): { columns: Set<string>; problems: string[] } {
  const type = read(path.join(ROOT, 'reportTypes', `${name}.reportType-meta.xml`)).ReportType as Node;
  const columns = new Set<string>();
  const problems: string[] = [];
  for (const section of type.sections as Node[]) {
    for (const column of section.columns as Node[]) {
      columns.add(`${column.table}$${column.field}`);
      const object = childObject(String(column.table));
      if (object === undefined) {
        problems.push(`${name}: table ${column.table} is no child relationship of force-app's objects`);
        continue;
      }
      const custom = String(column.field).endsWith('__c');
      if (custom && !existsSync(path.join(ROOT, 'objects', object, 'fields', `${column.field}.field-meta.xml`))) problems.push(`${name}: ${object}.${column.field} does not exist`);
      if (!custom && !STANDARD.has(String(column.field))) problems.push(`${name}: ${column.field} is not a known standard field`);
    }
  }
  return { columns, problems };
}

/**
 * Child relationships of force-app's objects, from their lookup and master-detail fields: `Parent.Name__r` is
 * the object whose field has `relationshipName` Name and points at Parent, as the platform resolves a report
 * type's child table.
 */
const CHILD_RELATIONSHIPS: Map<string, string> = (() => {
  const children = new Map<string, string>();
  for (const object of readdirSync(path.join(ROOT, 'objects'))) {
    const fieldDir = path.join(ROOT, 'objects', object, 'fields');
    if (!existsSync(fieldDir)) continue;
    for (const file of files(fieldDir, '.field-meta.xml')) {
      const field = read(file).CustomField as Node;
      if (!field.relationshipName || !field.referenceTo) continue;
      children.set(`${field.referenceTo}.${field.relationshipName}__r`, object);
    }
  }
  return children;
})();

/** The object behind a child table such as `QuickBooks_Invoice__c.Payments__r` (the last hop of the path). */
function childObject(table: string): string | undefined {
  const hops = table.split('.');
  let object: string | undefined = hops[0];
  for (const hop of hops.slice(1)) object = object === undefined ? undefined : CHILD_RELATIONSHIPS.get(`${object}.${hop}`);
  return object;
}

describe('reports and dashboards reference what exists', () => {
  const reports = new Map<string, Node>();
  for (const file of files(path.join(ROOT, 'reports'), '.report-meta.xml')) {
    reports.set(`${path.basename(path.dirname(file))}/${path.basename(file, '.report-meta.xml')}`, read(file).Report as Node);
  }

  it('finds the leadership reports of issue 18 among them', () => {
    for (const name of ['Bookings_by_Month', 'Receivables_Aging', 'DSO_by_Month', 'Top_Overdue_Accounts', 'Collected_by_Entity_and_Currency', 'Receipts_by_Month']) {
      expect(reports.has(`Ledgerline_Revenue_Reports/Ledgerline_${name}`)).toBe(true);
    }
  });

  it('each report names only columns of its report type', () => {
    const problems: string[] = [];
    for (const [name, report] of reports) {
      const { columns, problems: typeProblems } = reportTypeColumns(String(report.reportType).replace(/__c$/, ''));
      problems.push(...typeProblems);
      const buckets = new Set(((report.buckets ?? []) as Node[]).map((b) => String(b.developerName)));
      for (const b of (report.buckets ?? []) as Node[]) if (!columns.has(String(b.sourceColumnName))) problems.push(`${name}: bucket source ${b.sourceColumnName}`);
      const used = [
        ...((report.columns ?? []) as Node[]).map((c) => c.field),
        ...((report.groupingsDown ?? []) as Node[]).map((g) => g.field),
        ...((report.filter?.criteriaItems ?? []) as Node[]).map((c) => c.column),
        ...(report.timeFrameFilter ? [report.timeFrameFilter.dateColumn] : []),
      ].map(String);
      for (const field of used) if (!columns.has(field) && !buckets.has(field)) problems.push(`${name}: ${field} is not offered by ${report.reportType}`);
      for (const g of (report.groupingsDown ?? []) as Node[]) {
        if (g.sortByName && !columns.has(String(g.sortByName).replace(/^s!/, ''))) problems.push(`${name}: sorts by ${g.sortByName}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('each report and dashboard fits the lengths the org stores (a longer one fails the deploy)', () => {
    // Report.Name 40 and Report.Description 255; Dashboard.Title 80 and Dashboard.Description 255.
    const problems: string[] = [];
    const over = (what: string, value: unknown, max: number): void => {
      const text = value === undefined ? '' : String(value);
      if (text.length > max) problems.push(`${what}: ${text.length} characters, at most ${max}`);
    };
    for (const [name, report] of reports) {
      over(`${name} name`, report.name, 40);
      over(`${name} description`, report.description, 255);
    }
    for (const file of files(path.join(ROOT, 'dashboards'), '.dashboard-meta.xml')) {
      const dashboard = read(file).Dashboard as Node;
      over(`${path.basename(file)} title`, dashboard.title, 80);
      over(`${path.basename(file)} description`, dashboard.description, 255);
    }
    expect(problems).toEqual([]);
  });

  it('each dashboard component charts an existing report by its groupings and summarised columns', () => {
    const problems: string[] = [];
    for (const file of files(path.join(ROOT, 'dashboards'), '.dashboard-meta.xml')) {
      const dashboard = read(file).Dashboard as Node;
      for (const cell of dashboard.dashboardGridLayout.dashboardGridComponents as Node[]) {
        const component = cell.dashboardComponent as Node;
        const report = reports.get(String(component.report));
        if (!report) {
          problems.push(`${path.basename(file)}: no report ${component.report}`);
          continue;
        }
        const groupings = new Set(((report.groupingsDown ?? []) as Node[]).map((g) => String(g.field)));
        const summed = new Map(((report.columns ?? []) as Node[]).filter((c) => c.aggregateTypes).map((c) => [String(c.field), (c.aggregateTypes as string[]).map(String)]));
        for (const g of (component.groupingColumn ?? []) as string[]) if (!groupings.has(String(g))) problems.push(`${component.header}: ${g} is not a grouping of ${component.report}`);
        for (const s of (component.chartSummary ?? []) as Node[]) {
          if (s.column === 'RowCount') continue;
          const aggregates = summed.get(String(s.column));
          if (!aggregates || (s.aggregate && !aggregates.includes(String(s.aggregate)))) problems.push(`${component.header}: ${s.aggregate ?? ''} ${s.column} is not summarised by ${component.report}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});
