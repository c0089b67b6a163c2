import { buildInvoiceDraft, checkBillable, opportunityIdFromPrivateNote, privateNoteFor, type ResolvedItem } from './invoice-draft';
import { lineItem, opportunity, usCompany } from '../../test/support/opportunity-fixtures';

const customer = { id: '58', displayName: 'Acme Corporation', currency: 'USD' };

function itemsFor(...skus: string[]): Map<string, ResolvedItem> {
  return new Map(skus.map((sku, i) => [lineItem({ sku }).Product2Id, { id: String(10 + i), name: sku }]));
}

describe('buildInvoiceDraft', () => {
  const threeLines = [
    lineItem({ sku: 'PLAT', Quantity: 2, UnitPrice: 1200, Discount: 10, TotalPrice: 2160, SortOrder: 1 }),
    lineItem({ sku: 'ONB', Quantity: 1, UnitPrice: 1500, Discount: 10, TotalPrice: 1350, SortOrder: 2, taxable: false }),
    lineItem({ sku: 'HW', Quantity: 3, UnitPrice: 99.99, Discount: 10, TotalPrice: 269.97, SortOrder: 3 }),
  ];

  it('shows one shared discount as a percent line when QBO rounding reproduces the Salesforce total', () => {
    const result = buildInvoiceDraft(opportunity({}, threeLines), usCompany(), customer, itemsFor('PLAT', 'ONB', 'HW'));
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    // 2×1200 + 1500 + 3×99.99 = 4199.97; 10% = 420.00 (419.997 rounded); net 3779.97 = 2160 + 1350 + 269.97
    expect(result.summary).toEqual({ subtotal: 4199.97, discount: 420, netOfDiscount: 3779.97, currency: 'USD', discountStyle: 'invoice-percent' });
    const [a, b, c, discount] = result.invoice.Line;
    expect(a).toMatchObject({ Amount: 2400, SalesItemLineDetail: { Qty: 2, UnitPrice: 1200, ItemRef: { value: '10' }, TaxCodeRef: { value: 'TAX' } } });
    expect(b).toMatchObject({ Amount: 1500, SalesItemLineDetail: { TaxCodeRef: { value: 'NON' } } });
    expect(c).toMatchObject({ Amount: 299.97, SalesItemLineDetail: { Qty: 3, UnitPrice: 99.99 } });
    expect(discount).toEqual({ DetailType: 'DiscountLineDetail', Amount: 420, Description: 'Discount 10%', DiscountLineDetail: { PercentBased: true, DiscountPercent: 10 } });
    expect(result.invoice.ApplyTaxAfterDiscount).toBe(true);
  });

  it('carries different line discounts in the unit price and notes them', () => {
    const lines = [
      lineItem({ sku: 'PLAT', Quantity: 3, UnitPrice: 33.33, Discount: 10, TotalPrice: 89.99, SortOrder: 1 }),
      lineItem({ sku: 'ONB', Quantity: 1, UnitPrice: 500, Discount: 0, TotalPrice: 500, SortOrder: 2 }),
    ];
    const result = buildInvoiceDraft(opportunity({}, lines), usCompany(), customer, itemsFor('PLAT', 'ONB'));
    if (!result.ok) throw new Error('expected a draft');
    expect(result.summary.discountStyle).toBe('line-price');
    expect(result.summary.netOfDiscount).toBe(589.99);
    expect(result.summary.discount).toBe(10);
    const first = result.invoice.Line[0]!;
    expect(first).toMatchObject({ Amount: 89.99, SalesItemLineDetail: { Qty: 3, UnitPrice: 29.997 } });
    expect(first.Description).toContain('less 10% discount');
    expect(result.invoice.Line).toHaveLength(2);
  });

  it('falls back to line prices when one shared percent would round away from the Salesforce total', () => {
    // Each line 1 × 0.05 at 50% → Salesforce 0.03 + 0.03 = 0.06 (half-up per line); one 50% line on 0.10 gives 0.05.
    const lines = [
      lineItem({ sku: 'AAA', Quantity: 1, UnitPrice: 0.05, Discount: 50, TotalPrice: 0.03 }),
      lineItem({ sku: 'BBB', Quantity: 1, UnitPrice: 0.05, Discount: 50, TotalPrice: 0.03 }),
    ];
    const result = buildInvoiceDraft(opportunity({}, lines), usCompany(), customer, itemsFor('AAA', 'BBB'));
    if (!result.ok) throw new Error('expected a draft');
    expect(result.summary.discountStyle).toBe('line-price');
    expect(result.summary.netOfDiscount).toBe(0.06);
  });

  it('sets terms, due date, dates, memo, PO, e-mail and the traceable private note', () => {
    const opp = opportunity({ PO_Number__c: 'PO-7781', Invoice_Memo__c: 'Thank you for your business.' }, [lineItem({ sku: 'PLAT' })]);
    const result = buildInvoiceDraft(opp, usCompany(), customer, itemsFor('PLAT'));
    if (!result.ok) throw new Error('expected a draft');
    expect(result.invoice).toMatchObject({
      CustomerRef: { value: '58' },
      TxnDate: '2026-11-20',
      DueDate: '2026-12-20',
      SalesTermRef: { value: '3', name: 'Net 30' },
      BillEmail: { Address: 'ap@acme.example' },
      CustomerMemo: { value: 'PO PO-7781\nThank you for your business.' },
    });
    expect(opportunityIdFromPrivateNote(result.invoice.PrivateNote)).toBe(opp.Id);
    expect(result.invoice.CurrencyRef).toBeUndefined();
  });

  it('puts the PO number in the sales-form custom field when the company has one', () => {
    const opp = opportunity({ PO_Number__c: 'PO-1' }, [lineItem({ sku: 'PLAT' })]);
    const company = usCompany({ poCustomField: { definitionId: '1', name: 'P.O. Number' } });
    const result = buildInvoiceDraft(opp, company, customer, itemsFor('PLAT'));
    if (!result.ok) throw new Error('expected a draft');
    expect(result.invoice.CustomField).toEqual([{ DefinitionId: '1', Name: 'P.O. Number', Type: 'StringType', StringValue: 'PO-1' }]);
    expect(result.invoice.CustomerMemo).toBeUndefined();
  });

  it('prefers the billing contact e-mail over the Account e-mail', () => {
    const opp = opportunity({ Billing_Contact__r: { Name: 'Pat', Email: 'pat@acme.example' } }, [lineItem({ sku: 'PLAT' })]);
    const result = buildInvoiceDraft(opp, usCompany(), customer, itemsFor('PLAT'));
    expect(result.ok && result.invoice.BillEmail.Address).toBe('pat@acme.example');
  });

  it('marks every line non-taxable for a tax-exempt Account, and uses mapped codes on non-automated companies', () => {
    const base = opportunity({}, [lineItem({ sku: 'PLAT', taxable: true })]);
    const exempt = { ...base, Account: { ...base.Account!, Tax_Exempt__c: true } };
    const r1 = buildInvoiceDraft(exempt, usCompany(), customer, itemsFor('PLAT'));
    expect(r1.ok && r1.invoice.Line[0]).toMatchObject({ SalesItemLineDetail: { TaxCodeRef: { value: 'NON' } } });
    const codes = usCompany({ taxMode: 'codes', taxCodes: { taxable: '7', nonTaxable: '9' } });
    const r2 = buildInvoiceDraft(base, codes, customer, itemsFor('PLAT'));
    expect(r2.ok && r2.invoice.Line[0]).toMatchObject({ SalesItemLineDetail: { TaxCodeRef: { value: '7' } } });
  });

  it('refuses an unmapped product, naming it and the fix, and never drops the line', () => {
    const lines = [lineItem({ sku: 'PLAT' }), lineItem({ sku: 'GHOST', name: 'Ghost Widget' })];
    const result = buildInvoiceDraft(opportunity({}, lines), usCompany(), customer, itemsFor('PLAT'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ code: 'UNMAPPED_PRODUCT', recordId: lines[1]!.Product2Id });
    expect(result.problems[0]!.message).toContain('Ghost Widget');
    expect(result.problems[0]!.fix).toContain('"GHOST"');
  });

  it('refuses a currency that differs from the customer’s, and a foreign currency without multicurrency', () => {
    const eur = opportunity({ CurrencyIsoCode: 'EUR' }, [lineItem({ sku: 'PLAT' })]);
    const off = buildInvoiceDraft(eur, usCompany(), customer, itemsFor('PLAT'));
    expect(!off.ok && off.problems.map((p) => p.code)).toEqual(['CURRENCY_NOT_ENABLED', 'CURRENCY_MISMATCH']);
    const on = buildInvoiceDraft(eur, usCompany({ multiCurrency: true }), customer, itemsFor('PLAT'));
    expect(!on.ok && on.problems.map((p) => p.code)).toEqual(['CURRENCY_MISMATCH']);
    const eurCustomer = { ...customer, currency: 'EUR' };
    const ok = buildInvoiceDraft(eur, usCompany({ multiCurrency: true }), eurCustomer, itemsFor('PLAT'));
    expect(ok.ok && ok.invoice.CurrencyRef).toEqual({ value: 'EUR' });
  });
});

describe('checkBillable', () => {
  it('lists every blocking problem with the record it concerns', () => {
    const opp = opportunity({ IsWon: false, StageName: 'Negotiation' }, []);
    const account = { ...opp.Account!, Billing_Email__c: null, Payment_Terms__c: null };
    const codes = checkBillable({ ...opp, Account: account }, usCompany()).map((p) => `${p.code}@${p.recordId}`);
    expect(codes).toEqual([`NOT_WON@${opp.Id}`, `NO_BILLING_EMAIL@${account.Id}`, `NO_PAYMENT_TERMS@${account.Id}`, `NO_LINE_ITEMS@${opp.Id}`]);
  });

  it('names unknown terms and lists the ones that exist', () => {
    const opp = opportunity({}, [lineItem({ sku: 'PLAT' })]);
    const problems = checkBillable({ ...opp, Account: { ...opp.Account!, Payment_Terms__c: 'Net 90' } }, usCompany());
    expect(problems).toHaveLength(1);
    expect(problems[0]!.fix).toContain('Due on receipt, Net 15, Net 30');
  });

  it('flags bad lines and products without SKU', () => {
    const noSku = lineItem({ sku: 'X', Quantity: 0, Discount: 120 });
    noSku.Product2 = { ...noSku.Product2!, ProductCode: null };
    const codes = checkBillable(opportunity({}, [noSku]), usCompany()).map((p) => p.code);
    expect(codes).toEqual(['PRODUCT_WITHOUT_SKU', 'INVALID_QUANTITY', 'INVALID_DISCOUNT']);
  });
});

describe('private note', () => {
  it('round-trips the Opportunity id and ignores other notes', () => {
    expect(opportunityIdFromPrivateNote(privateNoteFor('006000000000001AAA'))).toBe('006000000000001AAA');
    expect(opportunityIdFromPrivateNote('Voided')).toBeNull();
    expect(opportunityIdFromPrivateNote(undefined)).toBeNull();
  });
});
