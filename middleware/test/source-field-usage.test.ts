/**
 * Every Salesforce custom field or object the middleware's code names (queries, writes, mappings) must be
 * defined in force-app: a renamed or removed field fails here, not in production. Complements
 * metadata-fields.test.ts, which checks the catalog in src/salesforce/fields.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

const OBJECTS_DIR = path.resolve(__dirname, '../../force-app/main/default/objects');
const SRC = path.resolve(__dirname, '../src');

function definedNames(): Set<string> {
  const names = new Set<string>();
  for (const object of readdirSync(OBJECTS_DIR)) {
    names.add(object);
    const fields = path.join(OBJECTS_DIR, object, 'fields');
    if (!statSync(path.join(OBJECTS_DIR, object)).isDirectory()) continue;
    try {
      for (const file of readdirSync(fields)) {
        names.add(file.replace('.field-meta.xml', ''));
        // Child relationship names (`QuickBooks_Invoices__r` in a subquery) come from the lookup's metadata.
        const relationship = /<relationshipName>([^<]+)<\/relationshipName>/.exec(readFileSync(path.join(fields, file), 'utf8'));
        if (relationship) names.add(`${relationship[1]}__r`);
      }
    } catch {
      // an object without custom fields
    }
  }
  return names;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return entry === 'emulators' ? [] : sourceFiles(full);
    return full.endsWith('.ts') && !full.endsWith('.test.ts') ? [full] : [];
  });
}

/** Custom names in code: `Field__c`, and relationship paths `Field__r.X` (the lookup `Field__c` must exist). */
export function undefinedNames(code: string, defined: Set<string>): string[] {
  const missing = new Set<string>();
  for (const match of code.matchAll(/\b([A-Za-z][A-Za-z0-9_]*?__[cr])\b/g)) {
    const name = match[1]!;
    if (!defined.has(name) && !defined.has(name.replace(/__r$/, '__c'))) missing.add(name);
  }
  return [...missing];
}

describe('custom fields named in middleware code', () => {
  const defined = definedNames();

  it('are all defined in the force-app metadata', () => {
    const problems: string[] = [];
    for (const file of sourceFiles(SRC)) {
      for (const name of undefinedNames(readFileSync(file, 'utf8'), defined)) problems.push(`${path.relative(SRC, file)}: ${name}`);
    }
    expect(problems).toEqual([]);
  });

  it('finds the code that names a field the metadata lacks', () => {
    const code = "conn.query('SELECT Id, Billing_Email__c, Bogus_Total__c, Ghost_Contact__r.Email FROM Account')";
    expect(undefinedNames(code, defined)).toEqual(['Bogus_Total__c', 'Ghost_Contact__r']);
  });

  it('scans the files that really talk to Salesforce', () => {
    const scanned = sourceFiles(SRC).map((f) => path.relative(SRC, f));
    expect(scanned).toEqual(expect.arrayContaining(['salesforce/opportunity-query.ts', 'services/invoicing/invoice-recorder.ts', 'services/invoicing/sweeper.ts']));
    expect(defined.has('Billing_Sync_Status__c')).toBe(true);
  });
});
