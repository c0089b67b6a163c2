/**
 * The sync policy's invoiceDelivery.sendWhenCreated: each invoice Ledgerline creates is e-mailed by QuickBooks
 * once, even when QuickBooks' answer to the send is lost and the job runs again.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DEFAULT_POLICY_PATH } from '../src/policy';
import { settledJobs, startStack, waitFor, type Stack } from './support/stack';
import { billingSettled, closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

describe('sync policy invoiceDelivery.sendWhenCreated', () => {
  let stack: Stack;
  let catalog: Catalog;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'ledgerline-send-policy-'));
    const policy = JSON.parse(readFileSync(DEFAULT_POLICY_PATH, 'utf8')) as { invoiceDelivery: { sendWhenCreated: boolean } };
    expect(policy.invoiceDelivery.sendWhenCreated).toBe(false); // off by default
    policy.invoiceDelivery.sendWhenCreated = true;
    writeFileSync(path.join(dir, 'sync-policy.json'), JSON.stringify(policy));
    stack = await startStack({ env: { SYNC_POLICY_PATH: path.join(dir, 'sync-policy.json'), JOB_BACKOFF_BASE_MS: '50', JOB_BACKOFF_CAP_MS: '200' } });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const mailsOf = (invoiceId: string) => stack.qbo.control.sentEmails(stack.realmId).filter((m) => m.id === invoiceId);
  const sendJobs = (invoiceId: string) => settledJobs(stack, `invoice-send:${stack.realmId}:${invoiceId}`);
  const auditOf = (invoiceId: string) => stack.ledgerline.store.audit.query({ qboId: invoiceId });

  async function wonDeal(name: string): Promise<{ id: string; invoiceId: string }> {
    const accountId = seedAccount(stack.sf, { Name: name, Billing_Email__c: `ap@${name.toLowerCase().replace(/\W+/g, '')}.example` });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
    closeWon(stack.sf, id);
    const opp = await billingSettled(stack.sf, id);
    expect(opp.Billing_Sync_Status__c).toBe('Synced');
    return { id, invoiceId: String(opp.QuickBooks_Invoice_Id__c) };
  }

  it('e-mails a new invoice once to its billing e-mail, shows it on the mirror row, audits it, and a Retry of the deal sends nothing more', async () => {
    const deal = await wonDeal('Auto Send Co');
    const [job] = await sendJobs(deal.invoiceId);
    expect(job!.state).toBe('completed');
    expect(mailsOf(deal.invoiceId).map((m) => m.to)).toEqual(['ap@autosendco.example']);
    const row = await waitFor(() => stack.sf.control.query(`SELECT Email_Status__c, Sent_At__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${stack.realmId}:${deal.invoiceId}'`).find((r) => r.Email_Status__c === 'EmailSent'), 20_000, 'the mirror row to show EmailSent');
    expect(row.Sent_At__c).toEqual(expect.any(String));
    expect((await auditOf(deal.invoiceId)).filter((e) => e.action === 'invoice.sent')).toEqual([expect.objectContaining({ actor: 'ledgerline', sourceEvent: 'auto-send', salesforceId: deal.id })]);

    // A Retry of the deal finds its invoice (nothing new is created) and so sends nothing.
    const retry = await fetch(`${stack.url}/api/v1/sync/opportunities`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ opportunityIds: [deal.id], reason: 'retry' }) });
    expect(retry.status).toBe(202);
    await settledJobs(stack, `opportunity:${deal.id}`);
    expect(await sendJobs(deal.invoiceId)).toHaveLength(1);
    expect(mailsOf(deal.invoiceId)).toHaveLength(1);
  });

  it("sends exactly once when QuickBooks' answer to the send is lost: the retry reads EmailSent and records it without a second e-mail", async () => {
    stack.qbo.control.injectFault({ kind: 'lost-response', entity: 'Invoice', operation: 'send', mode: 'hang-up' });
    const deal = await wonDeal('Lost Answer Co');
    const jobs = await waitFor(async () => {
      const list = await sendJobs(deal.invoiceId);
      return list[0]?.state === 'completed' ? list : undefined;
    }, 30_000, 'the send job to complete on its retry');
    expect(jobs[0]!.attempts).toBe(2);
    expect(stack.qbo.control.sentEmails(stack.realmId).filter((m) => m.id === deal.invoiceId)).toHaveLength(1);
    expect(stack.qbo.control.counters().byOperation['Invoice.send']).toBeGreaterThanOrEqual(1);
    const sent = (await auditOf(deal.invoiceId)).filter((e) => e.action === 'invoice.sent');
    expect(sent).toEqual([expect.objectContaining({ sourceEvent: 'auto-send (earlier attempt, answer lost)' })]);
  });

  it('sends again on the retry when the first send never reached QuickBooks (a 503 before anything happened)', async () => {
    stack.qbo.control.injectFault({ kind: 'service-unavailable', entity: 'Invoice', operation: 'send' });
    const deal = await wonDeal('Unavailable Co');
    await waitFor(async () => (await sendJobs(deal.invoiceId))[0]?.state === 'completed', 30_000, 'the send job to complete on its retry');
    expect(mailsOf(deal.invoiceId)).toHaveLength(1);
    expect((await auditOf(deal.invoiceId)).filter((e) => e.action === 'invoice.sent')).toEqual([expect.objectContaining({ sourceEvent: 'auto-send' })]);
  });
});
