import { createElement } from 'lwc';
import InvoiceCard from 'c/invoiceCard';
import PARTLY_PAID from '../../opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';

// A user without the custom permission Ledgerline_Send_Invoice (Sales).
jest.mock('@salesforce/customPermission/Ledgerline_Send_Invoice', () => ({ default: false }), { virtual: true });

describe('c-invoice-card without Ledgerline_Send_Invoice', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('offers no Send, and still shows the e-mail status', () => {
        const element = createElement('c-invoice-card', { is: InvoiceCard });
        element.invoice = {
            ...PARTLY_PAID.invoices[0],
            payments: [],
            Email_Status__c: 'EmailSent',
            Sent_At__c: '2025-03-04T10:00:00.000Z'
        };
        document.body.appendChild(element);

        expect(element.shadowRoot.querySelector('c-invoice-send')).toBeNull();
        expect(element.shadowRoot.querySelector('.view-pdf-button')).not.toBeNull();
        expect(element.shadowRoot.querySelector('.email-status').textContent).toContain('c.Billing_Invoice_Sent');
        expect(element.shadowRoot.querySelector('.sent-at').value).toBe('2025-03-04T10:00:00.000Z');
    });
});
