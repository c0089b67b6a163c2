import { assertQboId, assertReferences, isQboId } from './ids';

describe('QuickBooks id validation', () => {
  it('accepts 1 to 20 digits and nothing else', () => {
    expect(['1', '42', '9341453008787101', '1'.repeat(20)].every(isQboId)).toBe(true);
    expect(['', '1'.repeat(21), '1/../../555/companyinfo/555', '12 ', '-1', '1e3', '١٢'].some(isQboId)).toBe(false);
  });

  it('names the bad value and where to correct it', () => {
    expect(() => assertQboId('1/../../555/companyinfo/555', 'Customer')).toThrow(/"1\/\.\.\/\.\.\/555\/companyinfo\/555" is not a QuickBooks Customer id/);
    try {
      assertQboId('x', 'Customer');
    } catch (error) {
      expect(error).toMatchObject({ code: 'MAPPING_ERROR', retryable: false, fix: expect.stringContaining('Account.QuickBooks_Customer_Id__c') });
    }
  });

  it('checks entity references at any depth, but not tax codes or currencies', () => {
    const invoice = { CustomerRef: { value: '7' }, CurrencyRef: { value: 'EUR' }, Line: [{ SalesItemLineDetail: { ItemRef: { value: '3' }, TaxCodeRef: { value: 'TAX' } } }], LinkedTxn: [{ TxnId: '12', TxnType: 'Estimate' }] };
    expect(() => assertReferences(invoice)).not.toThrow();
    expect(() => assertReferences({ ...invoice, Line: [{ SalesItemLineDetail: { ItemRef: { value: '3/../9' } } }] })).toThrow(/not a QuickBooks Item id/);
    expect(() => assertReferences({ ...invoice, LinkedTxn: [{ TxnId: '../x' }] })).toThrow(/not a QuickBooks transaction id/);
  });
});
