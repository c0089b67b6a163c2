import { intuitSignature } from '../src/quickbooks/webhook-signature';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity } from './support/deals';

/**
 * Deliveries as Intuit may make them: out of order, repeated, replayed late, forged. The QBO emulator
 * signs the notifications but is paused, and the test delivers them itself in the order it chooses.
 */
const VERIFIER = 'webhooks-delivery-verifier';

describe('webhook deliveries out of order, repeated, replayed and forged converge to QBO\u2019s state', () => {
  let stack: Stack;
  let realm: string;

  beforeAll(async () => {
    stack = await startStack({ env: { QBO_WEBHOOK_VERIFIER_TOKEN: VERIFIER, CDC_INTERVAL_SECONDS: '0' } });
    stack.qbo.control.webhooks.configure({ url: `${stack.url}/webhooks/quickbooks`, verifierToken: VERIFIER, batchWindowMs: 10, maxEventsPerNotification: 1, format: 'legacy' });
    await stack.connectQbo();
    realm = stack.realmId;
  });
  afterAll(async () => {
    await stack?.close();
  });

  const post = (body: string, signature: string) =>
    fetch(`${stack.url}/webhooks/quickbooks`, { method: 'POST', headers: { 'content-type': 'application/json', 'intuit-signature': signature }, body });
  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as { Invoice_Balance__c: number | null; Last_Payment_Date__c: string | null; QuickBooks_Invoice_Id__c: string | null; Billing_Sync_Status__c: string | null };
  const eventJobs = async () => {
    await stack.ledgerline.payments.intake.idle();
    return (await stack.ledgerline.queue.list({ type: 'qbo.event', limit: 500 })).length;
  };
  const allDone = async () => {
    const jobs = await stack.ledgerline.queue.list({ type: 'qbo.event', limit: 500 });
    return jobs.every((j) => j.state === 'completed') || undefined;
  };

  it('applies reversed, repeated and late deliveries without ever showing an older balance', async () => {
    const catalog = seedCatalog(stack.sf);
    const accountId = seedAccount(stack.sf, { Name: 'Out Of Order Inc' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 2 }]);
    closeWon(stack.sf, id);
    const invoiceId = (await waitFor(() => opp(id).QuickBooks_Invoice_Id__c ?? undefined, 20_000, 'the invoice'))!;
    await stack.qbo.control.webhooks.flush();
    await waitFor(allDone, 10_000, 'the invoice events');

    stack.qbo.control.webhooks.pause();
    stack.qbo.control.webhooks.clearLog();
    stack.qbo.control.applyPayment(realm, { invoices: [{ id: invoiceId, amount: 1000 }], txnDate: '2026-11-20' });
    stack.qbo.control.applyPayment(realm, { invoices: [{ id: invoiceId, amount: 2500 }], txnDate: '2026-11-25' });
    await stack.qbo.control.webhooks.flush();
    const deliveries = stack.qbo.control.webhooks.deliveries();
    // Payment 1 create, invoice update, payment 2 create, invoice update: one notification each.
    expect(deliveries.length).toBeGreaterThanOrEqual(4);
    expect(deliveries.every((d) => d.outcome === 'pending')).toBe(true);
    // Changes to one record within the same second share Intuit's change time, so they collapse into one event.
    const distinct = new Set(deliveries.flatMap((d) => (JSON.parse(d.body) as { eventNotifications: Array<{ dataChangeEvent: { entities: Array<Record<string, string>> } }> }).eventNotifications.flatMap((n) => n.dataChangeEvent.entities.map((e) => `${e.name}:${e.id}:${e.operation}:${e.lastUpdated}`)))).size;
    const jobsBefore = await eventJobs();
    const readsBefore = stack.ledgerline.payments.refresher.reads;

    // Newest first: the first processed event already sees both payments.
    for (const d of [...deliveries].reverse()) expect((await post(d.body, d.signature)).status).toBe(200);
    await waitFor(async () => (await allDone()) && opp(id).Invoice_Balance__c === 6500, 10_000, 'the newest state');
    expect(opp(id).Last_Payment_Date__c).toBe('2026-11-25');
    const rows = () => stack.sf.control.query(`SELECT Amount__c FROM QuickBooks_Payment__c WHERE Invoice__r.QuickBooks_Key__c = '${realm}:${invoiceId}' ORDER BY Amount__c`).map((r) => r.Amount__c);
    expect(rows()).toEqual([1000, 2500]);
    expect(await eventJobs()).toBe(jobsBefore + distinct);

    // The same delivery ten times, and the oldest one replayed after the newest: no new work, no regression.
    for (let i = 0; i < 10; i++) expect((await post(deliveries[0]!.body, deliveries[0]!.signature)).status).toBe(200);
    for (const d of deliveries) expect((await post(d.body, d.signature)).status).toBe(200);
    expect(await eventJobs()).toBe(jobsBefore + distinct);
    const readsAfterFirstPass = stack.ledgerline.payments.refresher.reads;
    expect(readsAfterFirstPass).toBeGreaterThan(readsBefore);
    await new Promise((r) => setTimeout(r, 300));
    expect(stack.ledgerline.payments.refresher.reads).toBe(readsAfterFirstPass);
    expect(opp(id).Invoice_Balance__c).toBe(6500);
    expect(rows()).toEqual([1000, 2500]);

    // An old change time that was never seen (a late redelivery of an earlier state) is processed, re-reads QBO, and changes nothing.
    const late = JSON.stringify({ eventNotifications: [{ realmId: realm, dataChangeEvent: { entities: [{ name: 'Invoice', id: invoiceId, operation: 'Update', lastUpdated: '2026-11-01T09:00:00-0700' }] } }] });
    expect((await post(late, intuitSignature(late, VERIFIER))).status).toBe(200);
    await waitFor(async () => (await eventJobs()) === jobsBefore + distinct + 1 && (await allDone()), 10_000, 'the late event');
    expect(opp(id).Invoice_Balance__c).toBe(6500);
    expect(rows()).toEqual([1000, 2500]);
  });

  it('refuses a forged delivery: 401, nothing stored, nothing queued', async () => {
    const inboxBefore = (await stack.ledgerline.store.db.query<{ n: number }>('select count(*) as n from webhook_inbox')).rows[0]!.n;
    const jobsBefore = await eventJobs();
    const forged = JSON.stringify({ eventNotifications: [{ realmId: realm, dataChangeEvent: { entities: [{ name: 'Payment', id: '1', operation: 'Delete', lastUpdated: '2026-11-26T09:00:00-0700' }] } }] });
    const res = await post(forged, intuitSignature(forged, 'guessed-token'));
    expect(res.status).toBe(401);
    expect((await stack.ledgerline.store.db.query<{ n: number }>('select count(*) as n from webhook_inbox')).rows[0]!.n).toBe(inboxBefore);
    expect(await eventJobs()).toBe(jobsBefore);
  });
});
