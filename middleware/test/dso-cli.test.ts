import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { seedAccount } from './support/deals';
import { seedPaymentRows, seedSalesDocuments } from './support/sales-documents';
import { startStack, type Stack } from './support/stack';

/** Emulator records, read field by field. */
type Rec = Record<string, unknown>;

/**
 * DSO by month against the emulators: mirror rows and payment rows in the Salesforce emulator, `npm run cli
 * -- dso` (jsforce) writes Receivables_Month__c, and the emulator evaluates its DSO__c formula. Months are the
 * two complete months before today (the emulators run on the wall clock); the figures are worked out below.
 */
describe('DSO by month (npm run cli -- dso, Salesforce emulator)', () => {
  let stack: Stack;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-dso-cli-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}` } });
    await stack.connectQbo();
    env = Object.fromEntries(Object.entries(stack.ledgerline.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    env.LOG_LEVEL = 'silent';
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cli = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env, cwd: dir });
    return { code, stdout, stderr };
  };

  it('writes receivables at month end, invoicing and DSO for each complete month', async () => {
    const now = new Date();
    const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
    const days = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back + 1, 0)).getUTCDate();
    const [m2, m1, m0] = [month(2), month(1), month(0)];
    const r = stack.realmId;
    const accountId = seedAccount(stack.sf, { Name: 'DSO Customer Inc' });
    const [a, , c] = seedSalesDocuments(stack.sf, accountId, [
      { key: `${r}:5001`, type: 'Invoice', total: 1000, balance: 0, txnDate: `${m2}-05` }, // 400 paid in m2, 600 in m1
      { key: `${r}:5002`, type: null, total: 500, balance: 500, txnDate: `${m2}-25` }, // unpaid
      { key: `${r}:5003`, type: 'Invoice', total: 2000, balance: 500, txnDate: `${m1}-02` }, // 1500 paid on the 1st of this month
      { key: `${r}:5004`, type: 'Invoice', total: 700, balance: 700, txnDate: `${m1}-05`, voided: true },
      { key: `${r}:CreditMemo:5005`, type: 'Credit Memo', total: 100, balance: 100, txnDate: `${m1}-06` },
    ]);
    seedPaymentRows(stack.sf, [
      { key: `${r}:6001:5001`, invoiceRecordId: a!, amount: 400, date: `${m2}-20` },
      { key: `${r}:6002:5001`, invoiceRecordId: a!, amount: 600, date: `${m1}-10` },
      { key: `${r}:6003:5003`, invoiceRecordId: c!, amount: 1500, date: `${m0}-01` },
    ]);

    const { code, stdout, stderr } = await cli('dso');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Wrote 2 Receivables_Month__c rows');

    const rows = stack.sf.control.query('SELECT Key__c, Month__c, Billing_Entity__c, Currency__c, Invoiced__c, Receivables__c, Days__c, DSO__c FROM Receivables_Month__c ORDER BY Key__c') as Rec[];
    const round1 = (n: number) => Math.round(n * 10) / 10;
    expect(rows.map((row) => ({ ...row, DSO__c: round1(row.DSO__c as number) }))).toEqual([
      // m2: invoiced 1000 + 500; owed at its end: 5001's 600 paid later + 5002's 500 = 1100.
      expect.objectContaining({ Key__c: `${r}:USD:${m2}`, Month__c: `${m2}-01`, Billing_Entity__c: 'Default', Currency__c: 'USD', Invoiced__c: 1500, Receivables__c: 1100, Days__c: days(2), DSO__c: round1((1100 / 1500) * days(2)) }),
      // m1: invoiced 2000 (the voided 700 and the credit memo do not count); owed: 5002's 500 + 5003's 500 + 1500 paid later = 2500.
      expect.objectContaining({ Key__c: `${r}:USD:${m1}`, Month__c: `${m1}-01`, Invoiced__c: 2000, Receivables__c: 2500, Days__c: days(1), DSO__c: round1((2500 / 2000) * days(1)) }),
    ]);
    expect(stdout).toContain(`${m1}  Default USD  invoiced 2000.00  receivables 2500.00  DSO ${round1((2500 / 2000) * days(1)).toFixed(1)}`);

    // A second run rewrites the same rows (upsert by key): nothing doubles.
    expect((await cli('dso')).code).toBe(0);
    expect(stack.sf.control.query('SELECT Id FROM Receivables_Month__c')).toHaveLength(2);
  });
});
