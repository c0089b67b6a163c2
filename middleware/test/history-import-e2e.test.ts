import { IMPORT_JOB, RECONCILE_JOB } from '../src/services/history/history-import';
import { asPlain, expectedFigures, FULL_SIZE, mirroredFigures, seedHistoryScenario, type HistoryScenario, type HistorySize } from '../src/demo/history-scenario';
import { startStack, waitFor, type Stack } from './support/stack';

/**
 * The history import end to end: node-quickbooks reads the QBO emulator's history through the middleware's
 * per-company limiter, jsforce writes the Salesforce emulator's mirror. CI runs a smaller company; the full
 * size of issue #18 (300 customers, 5,000 documents, 200 linked) runs with LEDGERLINE_HISTORY_FULL=1.
 */
const SIZE: HistorySize = process.env.LEDGERLINE_HISTORY_FULL === '1' ? FULL_SIZE : { customers: 90, documents: 1500, linked: 60, months: 24 };
const DEADLINE_MS = process.env.LEDGERLINE_HISTORY_FULL === '1' ? 600_000 : 240_000;

type Rec = Record<string, any>;

describe(`history import (${SIZE.documents} documents, ${SIZE.customers} customers, ${SIZE.linked} linked)`, () => {
  let stack: Stack;
  let scenario: HistoryScenario;
  let since: string;

  beforeAll(async () => {
    stack = await startStack({ env: { IMPORT_MONTHS: '24', RECONCILE_INTERVAL_HOURS: '0', QBO_TIMEOUT_MS: '60000' } });
    scenario = seedHistoryScenario(stack.qbo, stack.sf, stack.realmId, SIZE);
    for (const [customerId, accountId] of scenario.linked) await stack.ledgerline.store.links.put({ kind: 'customer', realmId: stack.realmId, salesforceId: accountId, qboId: customerId, extra: { how: 'onboarding' } });
    stack.qbo.control.resetCounters();
    since = stack.ledgerline.history.defaultSince();
  }, DEADLINE_MS);
  afterAll(async () => {
    await stack?.close();
  });

  async function finished(runs: number): Promise<Rec[]> {
    return waitFor(
      async () => {
        const jobs = await stack.ledgerline.queue.list({ type: IMPORT_JOB });
        return jobs.length >= runs && jobs.every((j) => j.state === 'completed' || j.state === 'failed' || j.state === 'dead') ? jobs : undefined;
      },
      DEADLINE_MS,
      `${runs} import jobs to finish`,
    );
  }

  it('imports every document of the linked customers when the company connects: counts and sums per Account equal QBO', async () => {
    const started = Date.now();
    await stack.connectQbo();
    const [job] = await finished(1);
    expect(job).toMatchObject({ state: 'completed', payload: expect.objectContaining({ reason: 'connect', since }) });
    const seconds = (Date.now() - started) / 1000;

    const expected = expectedFigures(stack.qbo, stack.realmId, scenario.linked, since);
    const actual = mirroredFigures(stack.sf, stack.realmId);
    expect(expected.size).toBeGreaterThan(SIZE.linked * 0.9);
    expect(asPlain(actual)).toEqual(asPlain(expected));
    // Every kind of document is there, and invoices naming a deal are attached to it.
    const all = [...actual.values()];
    for (const type of ['Invoice', 'Credit Memo', 'Sales Receipt', 'Refund Receipt']) expect(all.some((f) => (f.documents[type] ?? 0) > 0)).toBe(true);
    expect(all.reduce((n, f) => n + f.withDeal, 0)).toBeGreaterThan(0);
    const withDeal = stack.sf.control.query(`SELECT Opportunity__c, Opportunity__r.AccountId, Account__c FROM QuickBooks_Invoice__c WHERE Opportunity__c != null`) as Rec[];
    expect(withDeal.every((r) => r.Opportunity__r?.AccountId === r.Account__c)).toBe(true);

    // The Account's figures tell the documents apart (Type__c): invoices are invoiced, credit memos credited,
    // and what is owed is the invoices' balances less the credit not yet applied, as QuickBooks states it.
    for (const [accountId, figures] of [...expected.entries()].filter(([, f]) => (f.balances['Credit Memo'] ?? 0) > 0).slice(0, 5)) {
      const account = stack.sf.control.record('Account', accountId) as Rec;
      expect(Math.round(Number(account.Open_Balance__c) * 100)).toBe((figures.balances.Invoice ?? 0) - (figures.balances['Credit Memo'] ?? 0));
      expect(Math.round(Number(account.Total_Invoiced__c) * 100)).toBe(figures.totals.Invoice ?? 0);
      expect(Math.round(Number(account.Total_Credited__c) * 100)).toBe(figures.totals['Credit Memo'] ?? 0);
    }
    const deal = withDeal[0]!;
    const dealInvoices = stack.sf.control.query(`SELECT Total__c, Type__c FROM QuickBooks_Invoice__c WHERE Opportunity__c = '${deal.Opportunity__c}'`) as Rec[];
    const opportunity = stack.sf.control.record('Opportunity', deal.Opportunity__c) as Rec;
    expect(Math.round(Number(opportunity.Invoice_Total__c) * 100)).toBe(dealInvoices.filter((r) => r.Type__c === 'Invoice').reduce((n, r) => n + Math.round(r.Total__c * 100), 0));

    // Within the company's budget, as the emulator counts it: no request was refused with 429.
    const counters = stack.qbo.control.counters();
    expect(counters.throttled).toBe(0);
    expect(counters.byStatus['429']).toBeUndefined();
    const progress = (await stack.ledgerline.history.status(stack.realmId)).historyImport!;
    expect(progress).toMatchObject({ state: 'completed', refusals: [] });
    const read = Object.values(progress.entities).reduce((n, e) => n + e.read, 0);
    expect(read).toBe(Object.values(scenario.counts).reduce((n, c) => n + c, 0) - olderThan(stack, since));
    process.stdout.write(`history import: ${read} documents read in ${seconds.toFixed(1)} s with ${counters.total} QuickBooks requests (0 throttled)\n`);
  }, DEADLINE_MS);

  it('a second import changes nothing', async () => {
    const before = stack.sf.control.query(`SELECT QuickBooks_Key__c, SystemModstamp FROM QuickBooks_Invoice__c`) as Rec[];
    const payments = stack.sf.control.query(`SELECT QuickBooks_Key__c, SystemModstamp FROM QuickBooks_Payment__c`) as Rec[];
    const writes = stack.ledgerline.writeBack.calls;
    await stack.ledgerline.history.requestImport({ realmId: stack.realmId, reason: 'on-demand' });
    await finished(2);
    const progress = (await stack.ledgerline.history.status(stack.realmId)).historyImport!;
    expect(progress.state).toBe('completed');
    expect(Object.values(progress.entities).map((e) => e.written)).toEqual([0, 0, 0, 0, 0]);
    expect(stack.ledgerline.writeBack.calls).toBe(writes);
    expect(stack.sf.control.query(`SELECT QuickBooks_Key__c, SystemModstamp FROM QuickBooks_Invoice__c`)).toEqual(before);
    expect(stack.sf.control.query(`SELECT QuickBooks_Key__c, SystemModstamp FROM QuickBooks_Payment__c`)).toEqual(payments);
  }, DEADLINE_MS);

  it('the reconciliation repairs drift QuickBooks reported no event for, and audits each repair', async () => {
    const linkedIds = new Set(scenario.linked.keys());
    const ours = (entity: string) => (stack.qbo.control.list(stack.realmId, entity) as Rec[]).filter((d) => linkedIds.has(d.CustomerRef?.value) && d.TxnDate >= since);
    // No webhook is configured and CDC is off: these changes reach Salesforce only through the reconciliation.
    const invoice = ours('Invoice').find((i) => i.Balance === i.TotalAmt && !i.PrivateNote)!;
    stack.qbo.control.edit(stack.realmId, 'Invoice', invoice.Id, { Line: [{ Amount: 123.45, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: 123.45 } }] });
    const receipt = ours('SalesReceipt')[0]!;
    stack.qbo.control.remove(stack.realmId, 'SalesReceipt', receipt.Id);
    const payment = ours('Payment').find((p) => p.Line.length === 1)!;
    stack.qbo.control.remove(stack.realmId, 'Payment', payment.Id);
    const paidInvoice = payment.Line[0].LinkedTxn[0].TxnId as string;
    expect(asPlain(mirroredFigures(stack.sf, stack.realmId))).not.toEqual(asPlain(expectedFigures(stack.qbo, stack.realmId, scenario.linked, since)));

    const { jobId } = await stack.ledgerline.history.requestReconcile(stack.realmId);
    const job = await waitFor(async () => {
      const j = await stack.ledgerline.queue.get(jobId);
      return j && j.state !== 'queued' && j.state !== 'running' ? j : undefined;
    }, DEADLINE_MS, 'the reconciliation');
    expect(job.type).toBe(RECONCILE_JOB);
    expect(job.state).toBe('completed');
    expect(asPlain(mirroredFigures(stack.sf, stack.realmId))).toEqual(asPlain(expectedFigures(stack.qbo, stack.realmId, scenario.linked, since)));

    const audit = async (key: string) => (await stack.ledgerline.store.audit.query({ qboId: key })).map((e) => `${e.action} ${e.field}`);
    expect(await audit(`${stack.realmId}:${invoice.Id}`)).toEqual(expect.arrayContaining(['reconcile.repaired QuickBooks_Invoice__c.Total__c', 'reconcile.repaired QuickBooks_Invoice__c.Balance__c']));
    expect(await audit(`${stack.realmId}:SalesReceipt:${receipt.Id}`)).toEqual(['reconcile.deleted QuickBooks_Invoice__c (SalesReceipt deleted in QuickBooks)']);
    expect(await audit(`${stack.realmId}:${payment.Id}:${paidInvoice}`)).toEqual(['reconcile.deleted QuickBooks_Payment__c (payment deleted in QuickBooks)']);
    const progress = (await stack.ledgerline.history.status(stack.realmId)).reconciliation!;
    expect(progress).toMatchObject({ state: 'completed', deleted: 2 });
  }, DEADLINE_MS);

  it('a throttled QuickBooks answer mid-import fails the attempt; the retry goes on from the cursors and ends as QuickBooks is', async () => {
    const linkedIds = new Set(scenario.linked.keys());
    const receipt = (stack.qbo.control.list(stack.realmId, 'SalesReceipt') as Rec[]).find((d) => linkedIds.has(d.CustomerRef?.value) && d.TxnDate >= since)!;
    stack.qbo.control.edit(stack.realmId, 'SalesReceipt', receipt.Id, { Line: [{ Amount: 77.7, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 1, UnitPrice: 77.7 } }] });
    stack.qbo.control.resetCounters();
    // The payments' count and their first page both answer 429: the count only feeds the progress bar, the page fails the attempt.
    stack.qbo.control.injectFault({ kind: 'throttle', entity: 'Payment', operation: 'query', times: 2 });
    // A 429 is normally resent within the attempt; here it reaches the job at once, so the attempt fails.
    const throttleRetryMs = stack.ledgerline.qbo.options.throttleRetryMs;
    stack.ledgerline.qbo.options.throttleRetryMs = 0;
    let job;
    try {
      const { jobId } = await stack.ledgerline.history.requestImport({ realmId: stack.realmId, reason: 'on-demand' });
      job = await waitFor(async () => {
        const j = await stack.ledgerline.queue.get(jobId);
        return j && j.state !== 'queued' && j.state !== 'running' ? j : undefined;
      }, DEADLINE_MS, 'the import to finish');
    } finally {
      stack.ledgerline.qbo.options.throttleRetryMs = throttleRetryMs;
    }
    expect(job).toMatchObject({ state: 'completed', attempts: 2 });
    expect(job.lastError).toMatch(/429|throttl|rate/i);
    const counters = stack.qbo.control.counters();
    // Invoices were read once (count + one page): the retry started at the payments.
    expect(counters.byOperation['Invoice.query']).toBe(2);
    expect(counters.throttled).toBe(2);
    expect((stack.sf.control.query(`SELECT Total__c FROM QuickBooks_Invoice__c WHERE QuickBooks_Key__c = '${stack.realmId}:SalesReceipt:${receipt.Id}'`) as Rec[])[0]!.Total__c).toBe(77.7);
    expect(asPlain(mirroredFigures(stack.sf, stack.realmId))).toEqual(asPlain(expectedFigures(stack.qbo, stack.realmId, scenario.linked, since)));
  }, DEADLINE_MS);
});

/** Documents the seeding dated before the period (none with 24 months seeded and imported). */
function olderThan(stack: Stack, since: string): number {
  let n = 0;
  for (const entity of ['Invoice', 'Payment', 'CreditMemo', 'SalesReceipt', 'RefundReceipt']) n += (stack.qbo.control.list(stack.realmId, entity) as Rec[]).filter((d) => d.TxnDate < since).length;
  return n;
}
