import { createLogger } from '../../logger';
import { singleCurrency, type CurrencyRates } from '../../sync/currency';
import type { SfOpportunity } from '../../sync/source';
import type { RollupInvoice } from '../payments/payment-mirror';
import { PaymentRollups } from '../payments/payment-rollups';
import type { CombinedWrite, SalesforceWriteBack } from '../write-back';
import { InvoiceRecorder, type InvoiceLinks, type QboInvoice } from './invoice-recorder';

const OPP = '006000000000001AAA';
const ACC = '001000000000001AAA';
const usdOrg = { isMultiCurrency: async () => false, rates: async (): Promise<CurrencyRates> => singleCurrency('USD') };

/** A Retry of a deal already invoiced (action `refreshed`), recorded through the real roll-ups over an in-memory mirror. */
async function retry(mirrorRow: RollupInvoice, invoice: QboInvoice) {
  const calls: CombinedWrite[][] = [];
  const mirror = { invoicesOf: async () => [{ ...mirrorRow }] };
  const writeBack = {
    update: async () => true as const,
    upsert: async () => true as const,
    together: async (writes: CombinedWrite[]) => (calls.push(writes), writes.map(() => true as const)),
  };
  const rollups = new PaymentRollups(mirror, writeBack, createLogger({ level: 'silent' }), () => '2026-11-26', usdOrg);
  const unused = () => {
    throw new Error('a refresh does not link or audit');
  };
  const recorder = new InvoiceRecorder({ invoicesOf: unused, saveInvoice: unused } as unknown as InvoiceLinks, { append: unused }, writeBack as unknown as SalesforceWriteBack, createLogger({ level: 'silent' }), () => new Date('2026-11-26T10:00:00Z'), rollups);
  const opp = { Id: OPP, AccountId: ACC, Account: { Id: ACC, QuickBooks_Customer_Id__c: '58' }, Billing_Entity__c: null } as unknown as SfOpportunity;
  await recorder.record(opp, { realmId: 'r', name: 'Main', isDefault: true }, invoice, { action: 'refreshed', prefetched: recorder.prefetch(opp) });
  const of = (sobject: string) => calls.flat().filter((w) => w.sobject === sobject).map((w) => w.record);
  return { invoiceRecords: of('QuickBooks_Invoice__c'), accounts: of('Account'), opportunities: of('Opportunity') };
}

describe('InvoiceRecorder: a Retry of an invoiced deal (refreshed)', () => {
  const paidRow: RollupInvoice = { key: 'r:1', realmId: 'r', invoiceId: '1', opportunityId: OPP, accountId: ACC, docNumber: '1001', total: 250, balance: 0, dueDate: '2026-12-01', lastPaymentDate: '2026-11-20', voided: false, currency: 'USD', txnDate: '2026-11-01', accountCurrency: null };

  it('keeps the payment figures of a paid invoice (its last payment date and the days it took to pay)', async () => {
    const { opportunities, accounts } = await retry(paidRow, { Id: '1', DocNumber: '1001', TxnDate: '2026-11-01', DueDate: '2026-12-01', TotalAmt: 250, Balance: 0 });
    expect(opportunities.at(-1)).toMatchObject({ Id: OPP, Last_Payment_Date__c: '2026-11-20', Billing_Sync_Status__c: 'Synced' });
    expect(accounts.at(-1)).toMatchObject({ Id: ACC, Last_Payment_Date__c: '2026-11-20', Average_Days_To_Pay__c: 19, Total_Paid__c: 250, Open_Balance__c: 0 });
  });

  it('marks an invoice voided in QuickBooks as voided, in its record and in the roll-ups', async () => {
    const openRow = { ...paidRow, balance: 250, lastPaymentDate: null };
    const { invoiceRecords, accounts } = await retry(openRow, { Id: '1', DocNumber: '1001', TxnDate: '2026-11-01', DueDate: '2026-12-01', TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' });
    expect(invoiceRecords.at(-1)).toMatchObject({ QuickBooks_Key__c: 'r:1', Voided__c: true });
    expect(accounts.at(-1)).toMatchObject({ Id: ACC, Open_Balance__c: 0, Total_Invoiced__c: 0 });
  });
});
