import { changedFields, documentRow, latestPaymentDates, openAmount, paymentRecord, paymentRows, parseDocumentKey } from './sales-documents';

const REALM = '9130354674132';
const ACC = '001000000000001AAA';
const OPP = '006000000000001AAA';

describe('sales documents as mirror rows', () => {
  it('keys invoices as <realm>:<id> (the contract) and the other documents as <realm>:<Entity>:<id>, with their Type__c', () => {
    const doc = { Id: '77', TotalAmt: 100, Balance: 40, TxnDate: '2025-01-05', DueDate: '2025-02-04', DocNumber: '1077', CurrencyRef: { value: 'USD' } };
    expect(documentRow(REALM, 'Invoice', doc, { opportunityId: OPP, accountId: ACC })).toEqual({
      QuickBooks_Key__c: `${REALM}:77`, Type__c: 'Invoice', Opportunity__c: OPP, Account__c: ACC, Doc_Number__c: '1077', Txn_Date__c: '2025-01-05',
      Due_Date__c: '2025-02-04', Total__c: 100, Balance__c: 40, Currency__c: 'USD', Voided__c: false,
    });
    expect(documentRow(REALM, 'CreditMemo', { ...doc, RemainingCredit: 25 }, { opportunityId: null, accountId: ACC })).toMatchObject({ QuickBooks_Key__c: `${REALM}:CreditMemo:77`, Type__c: 'Credit Memo', Balance__c: 25, Due_Date__c: null });
    expect(documentRow(REALM, 'SalesReceipt', doc, { opportunityId: null, accountId: ACC })).toMatchObject({ QuickBooks_Key__c: `${REALM}:SalesReceipt:77`, Type__c: 'Sales Receipt', Balance__c: 0 });
    expect(documentRow(REALM, 'RefundReceipt', doc, { opportunityId: null, accountId: ACC })).toMatchObject({ Type__c: 'Refund Receipt', Balance__c: 0 });
    // No deal known: the field is not sent, so a row never loses the deal it has.
    expect(documentRow(REALM, 'SalesReceipt', doc, { opportunityId: null, accountId: ACC })).not.toHaveProperty('Opportunity__c');
    expect(parseDocumentKey(`${REALM}:77`)).toEqual({ realmId: REALM, entity: 'Invoice', id: '77' });
    expect(parseDocumentKey(`${REALM}:RefundReceipt:9`)).toEqual({ realmId: REALM, entity: 'RefundReceipt', id: '9' });
    expect(parseDocumentKey(`${REALM}:Invoice:9`)).toBeNull();
  });

  it('marks a voided document and keeps what is open per kind', () => {
    expect(documentRow(REALM, 'Invoice', { Id: '1', TotalAmt: 0, Balance: 0, PrivateNote: 'Voided' }, { opportunityId: null, accountId: ACC }).Voided__c).toBe(true);
    expect(openAmount('CreditMemo', { Id: '1', TotalAmt: 10, Balance: 10 })).toBe(10);
    expect(openAmount('RefundReceipt', { Id: '1', TotalAmt: 10, Balance: 10 })).toBe(0);
  });

  it('makes one payment row per invoice paid, adding the lines that pay the same invoice; credit lines are not money received', () => {
    const payment = {
      Id: '500', TxnDate: '2025-03-01', PaymentMethodRef: { value: '1', name: 'Check' },
      Line: [
        { Amount: 60.1, LinkedTxn: [{ TxnId: '77', TxnType: 'Invoice' }] },
        { Amount: 0.2, LinkedTxn: [{ TxnId: '77', TxnType: 'Invoice' }] },
        { Amount: 30, LinkedTxn: [{ TxnId: '78', TxnType: 'Invoice' }] },
        { Amount: 30, LinkedTxn: [{ TxnId: '12', TxnType: 'CreditMemo' }] },
        { Amount: 0, LinkedTxn: [{ TxnId: '79', TxnType: 'Invoice' }] },
      ],
    };
    const rows = paymentRows(REALM, payment);
    expect(rows).toEqual([
      { key: `${REALM}:500:77`, invoiceKey: `${REALM}:77`, paymentId: '500', invoiceId: '77', amount: 60.3, date: '2025-03-01', method: 'Check' },
      { key: `${REALM}:500:78`, invoiceKey: `${REALM}:78`, paymentId: '500', invoiceId: '78', amount: 30, date: '2025-03-01', method: 'Check' },
    ]);
    expect(paymentRecord(rows[0]!, 'a01000000000001AAA')).toEqual({ QuickBooks_Key__c: `${REALM}:500:77`, Invoice__c: 'a01000000000001AAA', Amount__c: 60.3, Payment_Date__c: '2025-03-01', Method__c: 'Check' });
    expect(paymentRecord(rows[0]!, null)).not.toHaveProperty('Invoice__c');
    expect(latestPaymentDates([...rows, { ...rows[0]!, date: '2025-04-01' }, { ...rows[1]!, date: null }])).toEqual(new Map([[`${REALM}:77`, '2025-04-01'], [`${REALM}:78`, '2025-03-01']]));
  });

  it('finds only the fields that differ: cents, 15/18-character ids, blanks and booleans compare as Salesforce stores them', () => {
    const wanted = { QuickBooks_Key__c: 'k', Total__c: 10.1, Account__c: '001000000000001', Due_Date__c: null, Voided__c: false, Doc_Number__c: '1001' };
    const same = { Id: 'a01', QuickBooks_Key__c: 'k', Total__c: 10.100000001, Account__c: '001000000000001AAA', Voided__c: false, Doc_Number__c: '1001' };
    expect(changedFields(wanted, same)).toEqual([]);
    expect(changedFields(wanted, { ...same, Total__c: 10.11, Doc_Number__c: '1002', Voided__c: true })).toEqual(['Total__c', 'Voided__c', 'Doc_Number__c']);
    expect(changedFields(wanted, undefined)).toEqual(['Total__c', 'Account__c', 'Due_Date__c', 'Voided__c', 'Doc_Number__c']);
  });
});
