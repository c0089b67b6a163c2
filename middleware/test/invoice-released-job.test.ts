import { INVOICE_JOB } from '../src/container';
import { buildInvoiceDraft } from '../src/sync/invoice-draft';
import type { SfOpportunity } from '../src/sync/source';
import { settledJobs, startStack, waitFor, type Stack } from './support/stack';
import { billingSettled, closeWon, invoicesOf, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

/**
 * A rolling deploy: instance A claimed an invoicing job, its batch create reached QBO (a batch carries no
 * per-invoice requestid, so QBO cannot replay it), then A shut down and released the job before saving the
 * link. The release gives the attempt back, so the next claim runs as attempt 1 again: it must still look
 * for the invoice A created and adopt it, never create a second one.
 */
describe('an invoicing job released on shutdown after its create reached QBO', () => {
  let stack: Stack;
  let catalog: Catalog;

  beforeAll(async () => {
    stack = await startStack({ startWorkers: false });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('runs again as attempt 1, adopts the invoice the earlier claim created, and creates no second one', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Released Job Traders' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'CONS-HR', quantity: 3 }]);
    closeWon(stack.sf, id);
    const { queue } = stack.ledgerline;
    await waitFor(async () => (await queue.list({ key: `opportunity:${id}` })).find((j) => j.state === 'queued'), 20_000, 'the invoicing job to be queued');

    // Instance A claims the job and sends the create as a batch would: the same body, a batch's own request id.
    const [claimed] = await queue.claim('instance-a', [INVOICE_JOB], 60_000);
    expect(claimed?.attempts).toBe(1);
    const opp = (await stack.ledgerline.opportunityLoader.load(id)) as SfOpportunity;
    const company = stack.ledgerline.qbo.company(stack.realmId);
    const prepared = await stack.ledgerline.invoices.prepare(company, opp);
    const draft = buildInvoiceDraft(prepared.opp, prepared.context, prepared.customer, prepared.items);
    if (!draft.ok) throw new Error('the test deal should be billable');
    await company.create('Invoice', draft.invoice, 'llb-released-job-test');
    expect(invoicesOf(stack.qbo, stack.realmId, id)).toHaveLength(1);
    // A shuts down before saving the link: the job goes back without counting the attempt.
    expect(await queue.release(claimed!.id, claimed!.lease)).toBe(true);

    stack.ledgerline.start();
    expect((await billingSettled(stack.sf, id)).Billing_Sync_Status__c).toBe('Synced');
    const [job] = await settledJobs(stack, `opportunity:${id}`);
    expect(job!.state).toBe('completed');
    expect(job!.attempts).toBe(1);
    expect((job!.result as { action: string }).action).toBe('adopted');
    const invoices = invoicesOf(stack.qbo, stack.realmId, id);
    expect(invoices).toHaveLength(1);
    expect((stack.sf.control.record('Opportunity', id) as Record<string, unknown>).QuickBooks_Invoice_Id__c).toBe(invoices[0]!.Id);
  });
});
