import { lineItem, opportunity, usCompany } from '../../../test/support/opportunity-fixtures';
import { buildBillingSchedule } from '../../sync/billing-schedule';
import { buildInvoiceDraft, opportunityIdFromPrivateNote } from '../../sync/invoice-draft';
import { periodNote, periodOpportunity } from './subscription-invoices';

describe('periodOpportunity', () => {
  const seats = lineItem({ sku: 'SUB', Id: '00k000000000SUBAAA', Quantity: 3, UnitPrice: 333.34, Discount: 10, TotalPrice: 900.01, Billing_Frequency__c: 'Quarterly', Term_Months__c: 12 });
  const setup = lineItem({ sku: 'IMPL', Id: '00k000000000IMPAAA', Quantity: 1, UnitPrice: 500, TotalPrice: 500 });
  const opp = opportunity({ CloseDate: '2026-11-26' }, [seats, setup]);
  const schedule = buildBillingSchedule([seats, setup], '2026-11-26');
  const items = new Map([
    [seats.Product2Id, { id: '21', name: 'Seats' }],
    [setup.Product2Id, { id: '22', name: 'Setup' }],
  ]);
  const customer = { id: '58', displayName: 'Acme', currency: null };

  it('dates the invoice by the period and bills each line its share, to the cent, with its service dates', () => {
    const draft = buildInvoiceDraft(periodOpportunity(opp, schedule.periods[0]!), usCompany(), customer, items);
    if (!draft.ok) throw new Error(JSON.stringify(draft.problems));
    expect(draft.invoice.TxnDate).toBe('2026-11-26');
    expect(draft.invoice.Line.map((l) => l.Amount)).toEqual([500, 225]); // Salesforce order: SortOrder, then line id
    expect(draft.summary.netOfDiscount).toBe(725);
    const first = draft.invoice.Line[1]!;
    expect(first.DetailType === 'SalesItemLineDetail' && first.SalesItemLineDetail.ServiceDate).toBe('2026-11-26');
    expect(first.Description).toContain('(2026-11-26 to 2027-02-25, period 1 of 4)');

    const last = buildInvoiceDraft(periodOpportunity(opp, schedule.periods[3]!), usCompany(), customer, items);
    if (!last.ok) throw new Error('draft failed');
    expect(last.invoice.TxnDate).toBe('2027-08-26');
    expect(last.invoice.Line.map((l) => l.Amount)).toEqual([225.01]); // the cent remainder; no one-time line
  });

  it('refuses a period whose line was removed from the won deal', () => {
    const trimmed = opportunity({ CloseDate: '2026-11-26' }, [setup]);
    expect(() => periodOpportunity(trimmed, schedule.periods[1]!)).toThrow(/was removed after the deal was won/);
  });

  it('marks the invoice with the Opportunity and the period', () => {
    const note = periodNote('006000000000001AAA', { date: '2027-02-26', index: 1, count: 4 });
    expect(opportunityIdFromPrivateNote(note)).toBe('006000000000001AAA');
    expect(note).toContain('billing period 2 of 4 from 2027-02-26');
  });
});
