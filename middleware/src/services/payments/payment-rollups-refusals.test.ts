import type { Connection } from 'jsforce';
import { createLogger } from '../../logger';
import { singleCurrency, type CurrencyRates } from '../../sync/currency';
import { GATHERING_STAGES, Gathering } from '../../util/gathering';
import type { RollupInvoice } from './payment-mirror';
import { PaymentRollups } from './payment-rollups';
import { SalesforceWriteBack } from '../write-back';

const OPP = '006000000000001AAA';
const OPP2 = '006000000000002AAA';
const ACC = '001000000000001AAA';
const ACC2 = '001000000000002AAA';
const row = (over: Partial<RollupInvoice>): RollupInvoice => ({ key: 'r:1', realmId: 'r', invoiceId: '1', opportunityId: OPP, accountId: ACC, docNumber: '1001', total: 100, balance: 100, dueDate: '2026-12-01', lastPaymentDate: null, voided: false, currency: 'USD', accountCurrency: null, ...over });
const usdOrg = { isMultiCurrency: async () => false, rates: async (): Promise<CurrencyRates> => singleCurrency('USD') };
const mirror = [row({}), row({ key: 'r:2', invoiceId: '2', opportunityId: OPP2, accountId: ACC2, docNumber: '1002', total: 250, balance: 250 })];
const synced = (id: string) => ({ sobject: 'Opportunity' as const, record: { Id: id, Billing_Sync_Status__c: 'Synced' } });
const link = (id: string) => ({ sobject: 'Account' as const, record: { Id: id, QuickBooks_Customer_Id__c: '58' } });

/** Roll-ups whose Account write of `refused` is refused by Salesforce; records every write made. */
function refusing(refused: string, gathering: Gathering) {
  const writes: Array<[string, Record<string, unknown>]> = [];
  const rollups = new PaymentRollups(
    { invoicesOf: async () => mirror },
    {
      update: async (sobject, record) => {
        writes.push([sobject, record]);
        if (record.Id === refused) throw new Error(`FIELD_CUSTOM_VALIDATION_EXCEPTION on ${sobject} ${record.Id}`);
        return true as const;
      },
    },
    createLogger({ level: 'silent' }),
    () => '2026-11-26',
    usdOrg,
    gathering,
  );
  return { rollups, writes };
}

describe('PaymentRollups when Salesforce refuses some writes', () => {
  it('does not mark a deal Synced when its Account\u2019s write was refused, and tells its caller', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { rollups, writes } = refusing(ACC, gathering);
    await expect(gathering.job('j1', () => rollups.request([OPP], [ACC], { with: [link(ACC), synced(OPP)] }))).rejects.toThrow(`Account ${ACC}`);
    const opp = writes.find(([sobject]) => sobject === 'Opportunity')?.[1];
    // The deal's roll-up figures are still written; its Synced is not.
    expect(opp).toMatchObject({ Id: OPP, Invoice_Balance__c: 100 });
    expect(opp).not.toHaveProperty('Billing_Sync_Status__c');
  });

  it('rejects only the callers whose own records were refused, each with its own record\u2019s error', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { rollups, writes } = refusing(ACC, gathering);
    const [first, second] = await Promise.allSettled([
      gathering.job('j1', () => rollups.request([OPP], [ACC], { with: [link(ACC), synced(OPP)] })),
      gathering.job('j2', () => rollups.request([OPP2], [ACC2], { with: [link(ACC2), synced(OPP2)] })),
    ]);
    expect(rollups.runs).toBe(1);
    expect(first.status).toBe('rejected');
    expect(String((first as PromiseRejectedResult).reason)).toContain(`Account ${ACC}`);
    expect(second.status).toBe('fulfilled');
    expect(writes.find(([sobject, record]) => sobject === 'Opportunity' && record.Id === OPP2)?.[1]).toMatchObject({ Billing_Sync_Status__c: 'Synced' });
  });

  it('sends a run\u2019s writes at once instead of holding them while another job is busy elsewhere', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { conn, calls } = compositeConnection(() => true);
    const stageOf = (sobject: string) => (sobject === 'Account' ? GATHERING_STAGES.accounts : GATHERING_STAGES.opportunities);
    const writeBack = new SalesforceWriteBack(async () => conn, 25, undefined, undefined, gathering, stageOf);
    const rollups = new PaymentRollups({ invoicesOf: async () => mirror }, writeBack, createLogger({ level: 'silent' }), () => '2026-11-26', usdOrg, gathering);
    let open!: () => void;
    const busy = gathering.job('busy', () => new Promise<void>((resolve) => (open = resolve)));
    const done = gathering.job('j1', () => rollups.request([OPP], [ACC], { with: [synced(OPP)] }));
    // The run starts (as when the maximum wait runs out) while the other job is still at QuickBooks.
    await new Promise((resolve) => setImmediate(resolve));
    rollups.flush();
    const deadline = new Promise<string>((resolve) => setTimeout(() => resolve('writes still held after 5 s'), 5_000).unref());
    await expect(Promise.race([done.then(() => 'written'), deadline])).resolves.toBe('written');
    // One combined request: the Account, then the Opportunity.
    expect(calls.map((c) => c.map((r) => `${r.type} ${r.id}`))).toEqual([[`Account ${ACC}`, `Opportunity ${OPP}`]]);
    open();
    await busy;
  });

  it('in one combined request, marks Error a deal whose Account was refused and tells only its caller', async () => {
    const gathering = new Gathering({ maxWaitMs: 60_000 });
    const { conn, calls } = compositeConnection((type, id) => !(type === 'Account' && id === ACC));
    const writeBack = new SalesforceWriteBack(async () => conn, 25, undefined, undefined, gathering);
    const rollups = new PaymentRollups({ invoicesOf: async () => mirror }, writeBack, createLogger({ level: 'silent' }), () => '2026-11-26', usdOrg, gathering);
    const [first, second] = await Promise.allSettled([
      gathering.job('j1', () => rollups.request([OPP], [ACC], { with: [link(ACC), synced(OPP)] })),
      gathering.job('j2', () => rollups.request([OPP2], [ACC2], { with: [link(ACC2), synced(OPP2)] })),
    ]);
    expect(rollups.runs).toBe(1);
    expect(first.status).toBe('rejected');
    expect(String((first as PromiseRejectedResult).reason)).toContain(`Account ${ACC}`);
    expect(second.status).toBe('fulfilled');
    expect(calls).toHaveLength(2);
    // The refused deal's Synced went with the combined request; the next one shows the refusal instead.
    expect(calls[1]).toEqual([{ type: 'Opportunity', id: OPP, record: expect.objectContaining({ Billing_Sync_Status__c: 'Error', Billing_Sync_Error__c: expect.stringContaining(`Account ${ACC}`) }) }]);
  });
});

/** A connection answering /composite requests of collection updates; `accept` says which records succeed. */
function compositeConnection(accept: (type: string, id: string) => boolean) {
  const calls: Array<Array<{ type: string; id: string; record: Record<string, unknown> }>> = [];
  const conn = {
    version: '59.0',
    requestPost: async (url: string, body: { allOrNone: boolean; compositeRequest: Array<{ method: string; url: string; body: { records: Array<Record<string, unknown> & { attributes: { type: string }; Id: string }> } }> }) => {
      expect(url).toBe('/services/data/v59.0/composite');
      expect(body.allOrNone).toBe(false);
      const call: Array<{ type: string; id: string; record: Record<string, unknown> }> = [];
      const compositeResponse = body.compositeRequest.map((sub, n) => {
        expect(sub).toMatchObject({ method: 'PATCH', url: '/services/data/v59.0/composite/sobjects', body: { allOrNone: false } });
        return {
          referenceId: `w${n}`,
          httpStatusCode: 200,
          httpHeaders: {},
          body: sub.body.records.map(({ attributes, ...record }) => {
            call.push({ type: attributes.type, id: record.Id, record });
            return accept(attributes.type, record.Id) ? { id: record.Id, success: true, errors: [] } : { success: false, errors: [{ statusCode: 'FIELD_CUSTOM_VALIDATION_EXCEPTION', message: 'refused', fields: [] }] };
          }),
        };
      });
      calls.push(call);
      return { compositeResponse };
    },
  } as unknown as Connection;
  return { conn, calls };
}
