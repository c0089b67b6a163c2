import { BillingUpdatePublisher, billingChangeOf, eventRecords, packIds } from './billing-updates';

const OPP = '0068d00000001AbAAI';
const ACC = '0018d00000001AbAAI';

describe('billing update events: what a write says, and how ids are packed', () => {
  it('reads the kind of change from the written fields', () => {
    expect(billingChangeOf('Opportunity', { Id: OPP, Billing_Sync_Status__c: 'Error', Billing_Sync_Error__c: 'x' })).toEqual({ opportunityIds: [OPP], accountIds: [], kinds: ['error'] });
    expect(billingChangeOf('Opportunity', { Id: OPP, Billing_Sync_Status__c: 'Synced', QuickBooks_Invoice_Id__c: '145' })?.kinds).toEqual(['invoice']);
    expect(billingChangeOf('Opportunity', { Id: OPP, Billing_Sync_Status__c: 'Queued' })?.kinds).toEqual(['queued']);
    expect(billingChangeOf('Opportunity', { Id: OPP, Invoice_Balance__c: 10, Last_Payment_Date__c: '2026-12-01' })?.kinds).toEqual(['payment']);
    expect(billingChangeOf('Account', { Id: ACC, Open_Balance__c: 1, Overdue_Balance__c: 0 })).toEqual({ opportunityIds: [], accountIds: [ACC], kinds: ['receivables'] });
    expect(billingChangeOf('Account', { Id: ACC, QuickBooks_Customer_Id__c: '58' })?.kinds).toEqual(['invoice']);
    expect(billingChangeOf('QuickBooks_Invoice__c', { QuickBooks_Key__c: '1:2', Opportunity__c: OPP, Account__c: ACC })).toEqual({ opportunityIds: [OPP], accountIds: [ACC], kinds: ['invoice'] });
  });

  it('ignores writes that are not billing state', () => {
    expect(billingChangeOf('Account', { Id: ACC, Name: 'Acme' })).toBeNull();
    expect(billingChangeOf('Product2', { Id: '01t8d00000001AbAAI', QuickBooks_Item_Id__c: '7' })).toBeNull();
    expect(billingChangeOf('QuickBooks_Payment__c', { QuickBooks_Key__c: '1:2:3' })).toBeNull();
  });

  it('puts a whole batch in one event, and splits only when the ids do not fit the field', () => {
    const opportunities = Array.from({ length: 10 }, (_v, i) => `006${String(i).padStart(15, '0')}`);
    const one = eventRecords({ opportunityIds: opportunities, accountIds: [ACC], kinds: ['payment', 'invoice', 'payment'] });
    expect(one).toEqual([{ Opportunity_Ids__c: opportunities.join(','), Account_Ids__c: ACC, Change_Kinds__c: 'invoice,payment' }]);

    // 18 characters a id plus a comma: 3 ids fit 56 characters, so 10 ids need 4 events.
    const split = eventRecords({ opportunityIds: opportunities, accountIds: [ACC], kinds: ['payment'] }, 56);
    expect(split).toHaveLength(4);
    expect(split.flatMap((e) => String(e.Opportunity_Ids__c).split(','))).toEqual(opportunities);
    expect(split.every((e) => String(e.Opportunity_Ids__c).length <= 56)).toBe(true);
    expect(split.map((e) => e.Account_Ids__c)).toEqual([ACC, null, null, null]);
    expect(packIds([], 56)).toEqual([]);
  });
});

describe('billing update events: one event for a burst of write-backs', () => {
  /** A Salesforce connection whose event inserts all succeed, keeping what each call published. */
  const recordingConnection = () => {
    const published: Array<Array<Record<string, unknown>>> = [];
    const conn = async () =>
      ({
        sobject: () => ({
          create: async (records: Record<string, unknown> | Array<Record<string, unknown>>) => {
            const list = Array.isArray(records) ? records : [records];
            published.push(list);
            return Array.isArray(records) ? list.map(() => ({ success: true })) : { success: true };
          },
        }),
      }) as never;
    return { published, conn };
  };

  it('publishes the first change after the window, and the changes that follow together after the least interval', async () => {
    const { published, conn } = recordingConnection();
    const logger = { warn: () => undefined } as never;
    const publisher = new BillingUpdatePublisher(conn, logger, { windowMs: 5, minIntervalMs: 400 });
    const second = `${OPP.slice(0, 15)}BAA`;
    const started = Date.now();
    publisher.note({ opportunityIds: [OPP], accountIds: [], kinds: ['invoice'] });
    while (published.length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    expect(published).toEqual([[{ Opportunity_Ids__c: OPP, Account_Ids__c: null, Change_Kinds__c: 'invoice' }]]);
    const firstAt = Date.now();
    publisher.note({ opportunityIds: [second], accountIds: [], kinds: ['invoice'] });
    await new Promise((r) => setTimeout(r, 50));
    publisher.note({ opportunityIds: [], accountIds: [ACC], kinds: ['receivables'] });
    while (published.length === 1 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - firstAt).toBeGreaterThanOrEqual(300);
    expect(published[1]).toEqual([{ Opportunity_Ids__c: second, Account_Ids__c: ACC, Change_Kinds__c: 'invoice,receivables' }]);
    expect(published).toHaveLength(2);
  });
  it('sends a payment after the window even right after another event (the least interval spaces out invoices only)', async () => {
    const { published, conn } = recordingConnection();
    const publisher = new BillingUpdatePublisher(conn, { warn: () => undefined } as never, { windowMs: 5, minIntervalMs: 60_000 });
    const started = Date.now();
    publisher.note({ opportunityIds: [OPP], accountIds: [], kinds: ['invoice'] });
    while (published.length === 0 && Date.now() - started < 10_000) await new Promise((r) => setTimeout(r, 5));
    const firstAt = Date.now();
    // A payment on the deal: its invoice mirror row is written first (an invoice change), then the deal's balance.
    publisher.note({ opportunityIds: [OPP], accountIds: [], kinds: ['invoice'] });
    publisher.note({ opportunityIds: [OPP], accountIds: [ACC], kinds: ['payment'] });
    while (published.length === 1 && Date.now() - firstAt < 20_000) await new Promise((r) => setTimeout(r, 5));
    expect(Date.now() - firstAt).toBeLessThan(20_000);
    expect(published[1]).toEqual([{ Opportunity_Ids__c: OPP, Account_Ids__c: ACC, Change_Kinds__c: 'invoice,payment' }]);
    // An invoice change right after still waits for the least interval.
    publisher.note({ opportunityIds: [OPP], accountIds: [], kinds: ['invoice'] });
    await new Promise((r) => setTimeout(r, 300));
    expect(published).toHaveLength(2);
    await publisher.flush();
  });
});
