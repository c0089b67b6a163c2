import type { PlatformEventMessage } from '@ledgerline/emulators/salesforce';
import { createLogger } from '../src/logger';
import { BillingUpdatePublisher } from '../src/salesforce/billing-updates';
import { startStack, waitFor, type Stack } from './support/stack';
import { closeWon, seedAccount, seedCatalog, seedOpportunity, type Catalog } from './support/deals';

/**
 * Live updates, end to end: the middleware publishes Ledgerline_Billing_Update__e through jsforce after it writes
 * billing state, one event per write-back batch, and the Salesforce emulator delivers it to a subscriber.
 */
const CHANNEL = '/event/Ledgerline_Billing_Update__e';

describe('Live updates: one billing update event per write-back batch (Salesforce emulator, jsforce)', () => {
  let stack: Stack;
  let catalog: Catalog;
  const events: PlatformEventMessage[] = [];
  const logLines: Array<{ msg?: string; level?: number }> = [];

  beforeAll(async () => {
    const logger = createLogger({ level: 'warn' }, { write: (line: string) => void logLines.push(JSON.parse(line) as { msg?: string }) });
    stack = await startStack({ webhooks: true, logger });
    await stack.connectQbo();
    catalog = seedCatalog(stack.sf);
    stack.sf.control.subscribeEvents((message) => events.push(message), CHANNEL);
  });
  afterAll(async () => {
    await stack?.close();
  });
  beforeEach(() => {
    events.length = 0;
    logLines.length = 0;
  });

  const opp = (id: string) => stack.sf.control.record('Opportunity', id) as Record<string, unknown>;
  const idsOf = (message: PlatformEventMessage, field: 'Opportunity_Ids__c' | 'Account_Ids__c') => String(message.data.payload[field] ?? '').split(',').filter(Boolean);

  it('publishes a whole batch as one event in one call, and splits only ids that overflow the field', async () => {
    const publisher = new BillingUpdatePublisher(stack.ledgerline.salesforce, stack.logger, { windowMs: 60_000 });
    const opportunityId = (n: number) => `006${String(n).padStart(12, '0')}AAA`;
    for (let n = 0; n < 300; n += 1) publisher.note({ opportunityIds: [opportunityId(n)], accountIds: n % 3 === 0 ? [`001${String(n).padStart(12, '0')}AAA`] : [], kinds: n % 2 ? ['payment'] : ['invoice'] });
    await publisher.flush();
    expect(publisher.counts).toMatchObject({ calls: 1, published: 1, failed: 0 });
    expect(events).toHaveLength(1);
    expect(idsOf(events[0]!, 'Opportunity_Ids__c')).toHaveLength(300);
    expect(idsOf(events[0]!, 'Account_Ids__c')).toHaveLength(100);
    expect(events[0]!.data.payload.Change_Kinds__c).toBe('invoice,payment');

    // 2,000 ids of 18 characters do not fit 32,768: two events, still one sObject-collection call.
    events.length = 0;
    for (let n = 0; n < 2000; n += 1) publisher.note({ opportunityIds: [opportunityId(n)], accountIds: [], kinds: ['receivables'] });
    await publisher.flush();
    expect(publisher.counts).toMatchObject({ calls: 2, published: 3 });
    expect(events).toHaveLength(2);
    expect(events.flatMap((e) => idsOf(e, 'Opportunity_Ids__c'))).toEqual(Array.from({ length: 2000 }, (_v, n) => opportunityId(n)));
    expect(events.every((e) => String(e.data.payload.Opportunity_Ids__c).length <= 32_768)).toBe(true);
  });

  it('names every deal and Account of a Closed Won burst in fewer events than records written', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Batch Buyer Ltd' });
    const deals = [1, 2, 3].map((n) => seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: n }], { Name: `Batch deal ${n}` }));
    for (const id of deals) closeWon(stack.sf, id);
    await waitFor(() => deals.every((id) => opp(id).Billing_Sync_Status__c === 'Synced'), 30_000, 'the deals to sync');
    await waitFor(() => deals.every((id) => events.some((e) => idsOf(e, 'Opportunity_Ids__c').includes(id) && String(e.data.payload.Change_Kinds__c).includes('invoice'))), 10_000, 'events naming every deal');

    const named = events.filter((e) => deals.some((id) => idsOf(e, 'Opportunity_Ids__c').includes(id)));
    // Each deal writes an invoice mirror, its Account and itself (9 records): writes that land in the same window
    // share one event (how many windows a burst spans depends on the machine's load; the exact batching is
    // shown deterministically above).
    expect(named.length).toBeLessThan(deals.length * 3);
    expect(named.some((e) => idsOf(e, 'Account_Ids__c').includes(accountId))).toBe(true);
    // The emulator delivers an event when its insert commits, before the publisher has read the answer and counted it.
    await waitFor(() => stack.ledgerline.billingUpdates.counts.published > 0 || undefined, 10_000, 'the publisher to count its events');
    const metrics = await stack.ledgerline.metrics.registry.getSingleMetricAsString('ledgerline_billing_update_events_total');
    expect(metrics).toMatch(/ledgerline_billing_update_events_total\{outcome="published"\} [1-9]/);
  });

  it('publishes a payment that arrives through the QuickBooks webhook, naming the deal and its Account', async () => {
    const accountId = seedAccount(stack.sf, { Name: 'Prompt Payer plc' });
    const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
    closeWon(stack.sf, id);
    await waitFor(() => opp(id).Billing_Sync_Status__c === 'Synced', 30_000, 'the invoice');
    await waitFor(() => events.some((e) => idsOf(e, 'Opportunity_Ids__c').includes(id)), 10_000, 'the invoice event');
    events.length = 0;

    stack.qbo.control.applyPayment(stack.realmId, { invoices: [{ id: String(opp(id).QuickBooks_Invoice_Id__c), amount: 1000 }] });
    const event = await waitFor(() => events.find((e) => idsOf(e, 'Opportunity_Ids__c').includes(id)), 15_000, 'the payment event');
    expect(String(event.data.payload.Change_Kinds__c).split(',')).toContain('payment');
    await waitFor(() => events.some((e) => idsOf(e, 'Account_Ids__c').includes(accountId)), 10_000, 'the Account named');
    expect(opp(id).Invoice_Balance__c).toBe(4000);
  });

  it('a publish that fails (Salesforce 500) never fails the write-back job', async () => {
    stack.sf.control.addFault({ kind: 'SERVER_ERROR', path: 'Ledgerline_Billing_Update__e', times: 50 });
    try {
      const failedBefore = stack.ledgerline.billingUpdates.counts.failed;
      const accountId = seedAccount(stack.sf, { Name: 'Unlucky Timing Co' });
      const id = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
      closeWon(stack.sf, id);
      await waitFor(() => opp(id).Billing_Sync_Status__c === 'Synced', 30_000, 'the invoice');
      await waitFor(() => stack.ledgerline.billingUpdates.counts.failed > failedBefore, 10_000, 'the failed publish');
      expect(opp(id)).toMatchObject({ Billing_Sync_Status__c: 'Synced', Billing_Sync_Error__c: null });
      expect(events.filter((e) => idsOf(e, 'Opportunity_Ids__c').includes(id))).toEqual([]);
    } finally {
      stack.sf.control.clearFaults();
    }
  });

  // Last in this file: publishing stays paused for a while afterwards, as it would in an org.
  it('when the org has used up its hourly allocation, the write-back still succeeds, publishing pauses and it is logged once', async () => {
    stack.sf.control.setEventAllocation({ limit: 0 });
    const failedBefore = stack.ledgerline.billingUpdates.counts.failed;
    try {
      const accountId = seedAccount(stack.sf, { Name: 'Over Allocation GmbH' });
      const first = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 1 }]);
      closeWon(stack.sf, first);
      await waitFor(() => opp(first).Billing_Sync_Status__c === 'Synced', 30_000, 'the first invoice');
      await waitFor(() => stack.ledgerline.billingUpdates.counts.paused > 0, 10_000, 'the refused publish');
      const second = seedOpportunity(stack.sf, catalog, accountId, [{ code: 'IMPL-PKG', quantity: 2 }]);
      closeWon(stack.sf, second);
      await waitFor(() => opp(second).Billing_Sync_Status__c === 'Synced', 30_000, 'the second invoice');
      await stack.ledgerline.billingUpdates.flush();

      expect(events).toEqual([]);
      const warnings = logLines.filter((l) => String(l.msg).includes('hourly platform event allocation'));
      expect(warnings).toHaveLength(1);
      expect(stack.ledgerline.billingUpdates.counts.failed).toBe(failedBefore);
    } finally {
      stack.sf.control.setEventAllocation({ limit: 250_000, used: 0 });
    }
  });
});
