import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../src/config';
import { runCli } from '../src/cli/main';
import { startStack, type Stack } from './support/stack';
import { seedAccount, seedCatalog, type Catalog } from './support/deals';

type Rec = Record<string, any>;

/** The middleware's settings as environment variables, so a second process opens the same store and emulators. */
function envOf(config: Config): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined || value === null || typeof value === 'object' && !Array.isArray(value)) continue;
    env[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return env;
}

function cli(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // As `npm run cli` does: run in middleware/, with the folder the command was typed in as INIT_CWD.
    const options = { cwd: join(__dirname, '..'), env: { PATH: process.env.PATH ?? '', ...env, INIT_CWD: cwd }, timeout: 60_000 };
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], options, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run cli -- match (real clients, emulators, a shared SQLite store)', () => {
  let stack: Stack;
  let dir: string;
  let env: Record<string, string>;
  let catalog: Catalog;
  const ids: Record<string, string> = {};
  const customer: Record<string, Rec> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ledgerline-cli-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${join(dir, 'ledgerline.db')}` }, startWorkers: false });
    await stack.connectQbo();
    env = { ...envOf(stack.ledgerline.config), LOG_LEVEL: 'warn' };
    catalog = seedCatalog(stack.sf); // product codes equal to the QBO emulator's item SKUs: exact item matches
    const create = (body: Rec) => stack.qbo.control.create(stack.realmId, 'Customer', body) as Rec;
    customer.acme = create({ DisplayName: 'Acme Corporation', PrimaryEmailAddr: { Address: 'ap@acme.example' }, BillAddr: { Line1: '1 Main St', City: 'Springfield', PostalCode: '62701' } });
    customer.initrode = create({ DisplayName: 'Initrode Inc.', PrimaryEmailAddr: { Address: 'billing@initrode.example' }, PrimaryPhone: { FreeFormNumber: '(512) 555-0142' } });
    customer.piper = create({ DisplayName: 'Pied Piper', PrimaryEmailAddr: { Address: 'richard@piedpiper.example' } });
    ids.acme = seedAccount(stack.sf, { Name: 'ACME Corp.' });
    ids.initrode = seedAccount(stack.sf, { Name: 'Initrode Group', Billing_Email__c: 'ap@initrode.example', Phone: '512-555-0142', BillingStreet: null, BillingPostalCode: null });
    ids.hooli = seedAccount(stack.sf, { Name: 'Hooli', Billing_Email__c: 'gavin@hooli.example', BillingStreet: '5 Valley Rd', BillingPostalCode: '94043' });
    ids.hooli2 = seedAccount(stack.sf, { Name: 'Hooli Inc', Billing_Email__c: 'gavin@hooli.example', BillingStreet: '5 Valley Rd', BillingPostalCode: '94043' });
  });
  afterAll(async () => {
    await stack?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const account = (id: string) => stack.sf.control.record('Account', id) as Rec;

  it('dry run: prints the summary, writes both reports, shows progress on stderr, links nothing', async () => {
    const { code, stdout, stderr } = await cli(['match', '--out', 'report.csv'], env, dir);
    expect(stderr).not.toMatch(/Error/);
    expect(code).toBe(0);
    expect(stdout).toContain('Read 4 Salesforce Accounts and 3 QuickBooks customers.');
    expect(stdout).toMatch(/exact matches \(safe to link\): +1\n/);
    expect(stdout).toMatch(/probable matches \(need a person\): +1\n/);
    expect(stdout).toMatch(/duplicate Accounts: +1 groups, 2 records/);
    expect(stdout).toContain('Nothing was linked');
    expect(stderr).toContain('read 4 Salesforce Accounts');
    expect(stderr).toContain('read 3 QuickBooks customers');
    expect(stderr).toContain('matching customers: done');

    const csv = await readFile(join(dir, 'report.csv'), 'utf8');
    expect(csv.split('\r\n')[0]).toBe('section,decision,score,account_id,account_name,customer_id,customer_name,reasons,group,note');
    expect(csv).toContain(`exact,link,`);
    expect(csv).toMatch(new RegExp(`exact,link,[0-9.]+,${ids.acme},ACME Corp\\.,${customer.acme!.Id},Acme Corporation,`));
    expect(csv).toMatch(new RegExp(`probable,,[0-9.]+,${ids.initrode},Initrode Group,${customer.initrode!.Id},Initrode Inc\\.,`));
    expect(csv).toContain(`unmatched-customer,'-,,,,${customer.piper!.Id},Pied Piper`); // formula-safe cell
    const items = await readFile(join(dir, 'report.items.csv'), 'utf8');
    expect(items.split('\r\n')[0]).toBe('section,decision,score,product_id,product_name,item_id,item_name,reasons,group,note');
    expect(items.split('\r\n').filter((l) => l.startsWith('exact,link,'))).toHaveLength(4);

    expect(account(ids.acme!).QuickBooks_Customer_Id__c ?? null).toBeNull();
    expect(await stack.ledgerline.store.links.get('customer', stack.realmId, ids.acme!)).toBeUndefined();
  }, 60_000);

  it('--apply links the exact matches only: Account and product ids, link table, audit log', async () => {
    const { code, stdout } = await cli(['match', '--apply', '--no-progress', '--out', 'after-apply.csv'], env, dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/customers: 1 linked, 0 already linked, 0 refused, 0 failed \(of 1 asked\)/);
    expect(stdout).toMatch(/items: 4 linked/);
    expect(stdout).not.toContain('Nothing was linked');

    expect(account(ids.acme!).QuickBooks_Customer_Id__c).toBe(customer.acme!.Id);
    expect(account(ids.initrode!).QuickBooks_Customer_Id__c ?? null).toBeNull(); // probable: a person decides
    const link = await stack.ledgerline.store.links.get<Rec>('customer', stack.realmId, ids.acme!);
    expect(link?.qboId).toBe(customer.acme!.Id);
    // The shape the invoice engine writes, so the next invoice needs no QBO read for this customer.
    expect(link?.extra).toEqual({ how: 'onboarding', displayName: 'Acme Corporation', currency: customer.acme!.CurrencyRef.value });
    const audit = await stack.ledgerline.store.audit.query({ salesforceId: ids.acme! });
    expect(audit.map((a) => [a.action, a.actor, a.field, a.newValue, a.sourceEvent])).toEqual([['customer.linked', 'cli', 'QuickBooks_Customer_Id__c', customer.acme!.Id, 'onboarding:exact']]);
    const sku = (stack.qbo.control.list(stack.realmId, 'Item') as Rec[]).find((i) => i.Sku === 'CONS-HR')!;
    expect((stack.sf.control.record('Product2', catalog.products['CONS-HR']!.productId) as Rec).QuickBooks_Item_Id__c).toBe(sku.Id);
    const itemLinks = await stack.ledgerline.store.db.query<{ n: number }>("select count(*) as n from record_links where kind = 'item'", []);
    expect(Number(itemLinks.rows[0]!.n)).toBe(4);
  }, 60_000);

  it('--apply-csv links the rows a person marked, refuses a file with errors as a whole, never overwrites the file', async () => {
    const path = join(dir, 'report.csv');
    const edited = (await readFile(path, 'utf8')).split('\r\n').map((l) => (l.startsWith('probable,,') && l.includes(ids.initrode!) ? l.replace('probable,,', 'probable,link,') : l));
    await writeFile(join(dir, 'edited.csv'), edited.join('\r\n'));
    await writeFile(join(dir, 'broken.csv'), edited.map((l) => l.replace(/^probable,link,/, 'probable,yes please,')).join('\r\n'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, env, cwd: dir };

    expect(await runCli(['match', '--apply-csv', 'broken.csv', '--no-progress'], io)).toBe(1);
    expect(err.join('')).toMatch(/decision "yes please" is not one of link, skip/);
    expect(account(ids.initrode!).QuickBooks_Customer_Id__c ?? null).toBeNull();

    expect(await runCli(['match', '--apply-csv', 'edited.csv', '--out', 'edited.csv'], io)).toBe(2);

    out.length = 0;
    expect(await runCli(['match', '--apply-csv', 'edited.csv', '--no-progress'], io)).toBe(0);
    const text = out.join('');
    // The exact row of the same file was applied before: it is now "already linked".
    expect(text).toMatch(/customers: 1 linked, 1 already linked, 0 refused, 0 failed \(of 2 asked\)/);
    expect(text).not.toContain('Report:');
    expect(account(ids.initrode!).QuickBooks_Customer_Id__c).toBe(customer.initrode!.Id);
    const audit = await stack.ledgerline.store.audit.query({ salesforceId: ids.initrode! });
    expect(audit.map((a) => a.sourceEvent)).toEqual(['onboarding:csv']);
    expect(await readFile(join(dir, 'edited.csv'), 'utf8')).toBe(edited.join('\r\n'));
  }, 60_000);

  it('answers usage errors with exit code 2 and the usage text', async () => {
    const err: string[] = [];
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => err.push(t) }, env, cwd: dir };
    expect(await runCli(['match', '--apply', '--apply-csv', 'x.csv'], io)).toBe(2);
    expect(await runCli(['frobnicate'], io)).toBe(2);
    expect(await runCli(['match', '--realm', 'abc'], io)).toBe(2);
    expect(err.join('')).toContain('use --apply or --apply-csv, not both');
    expect(err.join('')).toContain('Unknown command "frobnicate"');
    expect(err.join('')).toContain('Usage: npm run cli -- <command>');
  });
});
