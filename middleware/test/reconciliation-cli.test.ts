import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../src/cli/main';
import { billingSettled, closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';
import { seedSalesDocuments } from './support/sales-documents';
import { startStack, type Stack } from './support/stack';

// CLI JSON and API answers are read field by field.
type Rec = Record<string, any>;

/**
 * The month-end reconciliation against the emulators: one deal billed through the real flow (node-quickbooks,
 * jsforce) agrees with its invoice; seeded records make one finding of each kind. `npm run cli -- reconcile`
 * prints them, and the ops API (admin only) answers the same.
 */
describe('reconciliation report (npm run cli -- reconcile, GET /api/v1/reconciliation)', () => {
  let stack: Stack;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-reconcile-cli-'));
    stack = await startStack({ env: { DATABASE_URL: `sqlite:${path.join(dir, 'ledgerline.db')}` } });
    await stack.connectQbo();
    env = Object.fromEntries(Object.entries(stack.ledgerline.config).filter(([, v]) => v !== undefined).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]));
    env.LOG_LEVEL = 'silent';
    const r = stack.realmId;

    ids.account = seedAccount(stack.sf, { Name: 'Reconcile Co' });
    ids.billed = seedOpportunity(stack.sf, seedCatalog(stack.sf), ids.account, [{ code: 'IMPL-PKG', quantity: 1 }], { Name: 'Billed deal' });
    closeWon(stack.sf, ids.billed);
    expect((await billingSettled(stack.sf, ids.billed)).Billing_Sync_Status__c).toBe('Synced');

    const won = (over: Rec) => ({ AccountId: ids.account, StageName: 'Closed Won', CloseDate: '2026-10-15', ...over });
    [ids.unbilled, ids.excluded, ids.differs] = stack.sf.control.seed({
      Opportunity: [
        won({ Name: 'Never invoiced', Amount: 1200, Billing_Sync_Status__c: 'Error' }),
        won({ Name: 'Excluded deal', Amount: 300, Billing_Sync_Status__c: 'Excluded' }),
        won({ Name: 'Discounted in QuickBooks', Amount: 1000, Billing_Sync_Status__c: 'Synced' }),
      ],
    }).Opportunity as string[];
    seedSalesDocuments(stack.sf, ids.account, [
      { key: `${r}:7001`, type: 'Invoice', total: 450, balance: 450, txnDate: '2026-10-20' }, // no deal
      { key: `${r}:7002`, type: 'Invoice', total: 900, balance: 0, txnDate: '2026-10-16', opportunityId: ids.differs },
      { key: `${r}:CreditMemo:7003`, type: 'Credit Memo', total: 50, balance: 50, txnDate: '2026-10-21' }, // not an invoice
      { key: `${r}:7004`, type: 'Invoice', total: 999, balance: 0, txnDate: '2026-10-22', voided: true }, // voided
    ]);
    // Two Accounts carry customer 58 of the default company; the link table ties customer 77 to two others.
    [ids.twinA, ids.twinB, ids.linkA, ids.linkB] = stack.sf.control.seed({
      Account: [{ Name: 'Twin A', QuickBooks_Customer_Id__c: '58' }, { Name: 'Twin B', QuickBooks_Customer_Id__c: '58' }, { Name: 'Linked A' }, { Name: 'Linked B' }],
    }).Account as string[];
    await stack.ledgerline.store.links.put({ kind: 'customer', realmId: r, salesforceId: ids.linkA!, qboId: '77' });
    await stack.ledgerline.store.links.put({ kind: 'customer', realmId: r, salesforceId: ids.linkB!, qboId: '77' });
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

  it('prints each kind of drift with the record and the fix, and nothing for the deal that agrees', async () => {
    const { code, stdout, stderr } = await cli('reconcile');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = stack.realmId;
    expect(stdout).toContain(`Reconciliation of Default (${r})`);
    expect(stdout).toContain('Closed Won deals without an invoice: 1');
    expect(stdout).toContain(`${ids.unbilled}  2026-10-15  Never invoiced  Reconcile Co  amount 1200.00  status Error`);
    expect(stdout).toContain('Invoices without a deal: 1');
    expect(stdout).toContain(`${r}:7001  2026-10-20  #7001  Reconcile Co  total 450.00  balance 450.00`);
    expect(stdout).toContain('Deal amounts that differ from their invoices: 1');
    expect(stdout).toContain(`${ids.differs}  Discounted in QuickBooks  deal 1000.00  invoiced 900.00  difference -100.00  (${r}:7002)`);
    expect(stdout).toContain('QuickBooks customers linked to several Accounts: 2');
    expect(stdout).toContain(`company ${r} customer 58: ${ids.twinA} Twin A; ${ids.twinB} Twin B`);
    expect(stdout).toContain(`company ${r} customer 77: ${ids.linkA} Linked A; ${ids.linkB} Linked B`);
    for (const quiet of [ids.billed, ids.excluded, `${r}:CreditMemo:7003`, `${r}:7004`]) expect(stdout).not.toContain(quiet);

    const json = JSON.parse((await cli('reconcile', '--json', '--realm', r)).stdout) as Rec;
    expect(json.companies).toEqual([{ realmId: r, billingEntity: 'Default' }]);
    expect(json.wonWithoutInvoice.map((d: Rec) => d.id)).toEqual([ids.unbilled]);
    expect(json.invoicesWithoutDeal.map((i: Rec) => i.key)).toEqual([`${r}:7001`]);
    expect(json.amountMismatches).toEqual([{ opportunityId: ids.differs, name: 'Discounted in QuickBooks', amount: 1000, invoiced: 900, difference: -100, invoiceKeys: [`${r}:7002`] }]);
    expect(json.customersOnSeveralAccounts.map((c: Rec) => c.customerId).sort()).toEqual(['58', '77']);
  });

  it('names the connected companies when --realm is not one of them', async () => {
    const { code, stderr } = await cli('reconcile', '--realm', '123');
    expect(code).toBe(1);
    expect(stderr).toContain('QuickBooks company 123 is not connected.');
    expect(stderr).toContain(`Fix: Use one of: ${stack.realmId} (Default).`);
    expect((await cli('reconcile', '--realm', 'abc')).code).toBe(2);
  });

  it('the ops API answers the same to an admin only', async () => {
    expect((await fetch(`${stack.url}/api/v1/reconciliation`)).status).toBe(401);
    const admin = `Basic ${Buffer.from(`ops:${stack.adminKey}`).toString('base64')}`;
    const res = await fetch(`${stack.url}/api/v1/reconciliation`, { headers: { authorization: admin } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Rec;
    expect(body.wonWithoutInvoice.map((d: Rec) => d.id)).toEqual([ids.unbilled]);
    expect(body.amountMismatches.map((m: Rec) => m.difference)).toEqual([-100]);
    expect((await fetch(`${stack.url}/api/v1/reconciliation?realm=x1`, { headers: { authorization: admin } })).status).toBe(400);
  });
});
