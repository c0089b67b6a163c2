import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import InvoiceCard from 'c/invoiceCard';
import { attachPayments } from 'c/billingModel';
import PARTLY_PAID from '../../opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';
import OVERDUE from '../../opportunityBilling/__tests__/data/billingSummaryOverdue.json';
import getInvoicePdf from '@salesforce/apex/OpportunityBillingController.getInvoicePdf';

jest.mock('@salesforce/apex/OpportunityBillingController.getInvoicePdf', () => ({ default: jest.fn() }), {
    virtual: true
});

// A Finance user: the custom permission Ledgerline_Send_Invoice is granted.
jest.mock('@salesforce/customPermission/Ledgerline_Send_Invoice', () => ({ default: true }), { virtual: true });

jest.mock('@salesforce/label/c.Billing_Invoice_Title', () => ({ default: 'Invoice {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.Billing_Invoice_Days_Overdue', () => ({ default: '{0} days overdue' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.Billing_Invoice_Percent_Paid', () => ({ default: '{0}% paid' }), { virtual: true });

registerSa11yMatcher();

function render(invoice) {
    const element = createElement('c-invoice-card', { is: InvoiceCard });
    element.invoice = invoice;
    document.body.appendChild(element);
    return element;
}

async function flushPromises() {
    for (let i = 0; i < 5; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}
// "%PDF-1.4" as the base64 that Apex returns.
const PDF_BASE64 = 'JVBERi0xLjQ=';

const field = (element, name) => element.shadowRoot.querySelector(`[data-field="${name}"]`).value;

describe('c-invoice-card', () => {
    beforeEach(() => {
        URL.createObjectURL = jest.fn(() => 'blob:pdf-1');
    });

    afterEach(() => {
        jest.clearAllMocks();
        jest.restoreAllMocks();
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows a partly paid invoice: number, badge, amounts, paid share, payments and QuickBooks link', () => {
        const [invoice] = attachPayments(PARTLY_PAID.invoices, PARTLY_PAID.payments);
        const element = render(invoice);
        const root = element.shadowRoot;

        expect(root.querySelector('.invoice-title').textContent).toBe('Invoice 1077');
        const badge = root.querySelector('.invoice-status');
        expect(badge.textContent).toContain('Partially Paid');
        expect(badge.className).toContain('slds-theme_warning');
        expect(field(element, 'total')).toBe(2150);
        expect(field(element, 'paid')).toBe(1500);
        expect(field(element, 'balance')).toBe(650);
        expect(field(element, 'due-date')).toBe('2025-04-02');
        expect(root.querySelector('.percent-paid').textContent).toBe('70% paid');
        expect(root.querySelector('lightning-progress-bar').value).toBe(70);
        expect(root.querySelector('.days-overdue')).toBeNull();
        expect(root.querySelector('c-payment-list').payments).toHaveLength(2);
        const link = root.querySelector('a.quickbooks-link');
        expect(link.href).toBe('https://app.qbo.intuit.com/app/invoice?txnId=145');
        expect(link.target).toBe('_blank');
        expect(link.rel).toBe('noopener noreferrer');
    });

    it('shows an overdue invoice with its days overdue in the error colour', () => {
        const element = render({ ...OVERDUE.invoices[0], payments: [] });
        const root = element.shadowRoot;

        expect(root.querySelector('.invoice-status').className).toContain('slds-theme_error');
        expect(root.querySelector('.days-overdue').textContent).toBe('37 days overdue');
        expect(root.querySelector('lightning-progress-bar').value).toBe(0);
        expect(field(element, 'balance')).toBe(4800);
    });

    it('shows no link when the QuickBooks address is missing or not an Intuit address', () => {
        const element = render({ ...OVERDUE.invoices[1], QuickBooks_Url__c: '<a href="http://example.com">x</a>' });

        expect(element.shadowRoot.querySelector('a')).toBeNull();
        expect(element.shadowRoot.querySelector('.invoice-status').className).toContain('slds-theme_success');
    });

    it('names an invoice that has no number yet', () => {
        const element = render({ ...OVERDUE.invoices[1], Doc_Number__c: null });

        expect(element.shadowRoot.querySelector('.invoice-title').textContent).toBe(
            'Invoice c.Billing_Invoice_No_Number'
        );
    });

    it('is accessible: labelled article, status spelled out for screen readers, new-tab link announced', async () => {
        const [invoice] = attachPayments(PARTLY_PAID.invoices, PARTLY_PAID.payments);
        const element = render(invoice);
        const root = element.shadowRoot;

        const article = root.querySelector('article');
        const heading = root.querySelector('h3');
        expect(article.getAttribute('aria-labelledby')).toBe(heading.id);
        expect(root.querySelector('.invoice-status .slds-assistive-text').textContent).toBe(
            'c.Billing_Invoice_Status:'
        );
        expect(root.querySelector('a .slds-assistive-text').textContent).toBe('c.Billing_Opens_New_Tab');
        await expect(element).toBeAccessible();
    });

    it('shows that QuickBooks has not e-mailed the invoice, offers Send with the billing e-mail, and shows the send once made', async () => {
        const element = render({
            ...PARTLY_PAID.invoices[0],
            payments: [],
            Email_Status__c: 'NotSet',
            Sent_At__c: null
        });
        element.billingEmail = 'ap@acme.example';
        await flushPromises();
        const root = element.shadowRoot;

        expect(root.querySelector('.email-status').textContent).toContain('c.Billing_Invoice_Not_Sent');
        expect(root.querySelector('.sent-at')).toBeNull();
        const send = root.querySelector('c-invoice-send');
        expect(send.billingEmail).toBe('ap@acme.example');
        expect(send.invoice.Id).toBe(PARTLY_PAID.invoices[0].Id);

        send.dispatchEvent(
            new CustomEvent('sent', { detail: { emailStatus: 'EmailSent', deliveryTime: '2026-12-03T04:05:06-08:00' } })
        );
        await flushPromises();

        expect(root.querySelector('.email-status').textContent).toContain('c.Billing_Invoice_Sent');
        expect(root.querySelector('.sent-at').value).toBe('2026-12-03T04:05:06-08:00');
    });

    it('View PDF fetches the invoice PDF through Apex and opens it in a new tab', async () => {
        const [invoice] = attachPayments(PARTLY_PAID.invoices, PARTLY_PAID.payments);
        getInvoicePdf.mockResolvedValue(PDF_BASE64);
        const open = jest.spyOn(window, 'open').mockReturnValue({});
        const element = render(invoice);

        element.shadowRoot.querySelector('.view-pdf-button').click();
        await flushPromises();

        expect(getInvoicePdf).toHaveBeenCalledWith({ invoiceRecordId: invoice.Id });
        const blob = URL.createObjectURL.mock.calls[0][0];
        expect(blob.type).toBe('application/pdf');
        expect(blob.size).toBe(8);
        expect(open).toHaveBeenCalledWith('blob:pdf-1', '_blank');
        expect(element.shadowRoot.querySelector('.pdf-link')).toBeNull();
        expect(element.shadowRoot.querySelector('.pdf-error')).toBeNull();
        expect(element.shadowRoot.querySelector('.view-pdf-button').disabled).toBe(false);
    });

    it('offers a plain link when the browser blocks the new tab', async () => {
        const [invoice] = attachPayments(PARTLY_PAID.invoices, PARTLY_PAID.payments);
        getInvoicePdf.mockResolvedValue(PDF_BASE64);
        jest.spyOn(window, 'open').mockReturnValue(null);
        const element = render(invoice);

        element.shadowRoot.querySelector('.view-pdf-button').click();
        await flushPromises();

        const link = element.shadowRoot.querySelector('.pdf-link');
        expect(link.getAttribute('href')).toBe('blob:pdf-1');
        expect(link.textContent).toBe('c.Billing_Pdf_Blocked');
        await expect(element).toBeAccessible();
    });

    it("shows Apex's reason when the PDF cannot be fetched", async () => {
        const [invoice] = attachPayments(PARTLY_PAID.invoices, PARTLY_PAID.payments);
        getInvoicePdf.mockRejectedValue({
            status: 500,
            body: { message: 'The invoice PDF could not be fetched. The middleware answered HTTP 404.' }
        });
        const open = jest.spyOn(window, 'open');
        const element = render(invoice);

        element.shadowRoot.querySelector('.view-pdf-button').click();
        await flushPromises();

        const error = element.shadowRoot.querySelector('.pdf-error');
        expect(error.getAttribute('role')).toBe('alert');
        expect(error.textContent).toContain('c.Billing_Pdf_Failed');
        expect(error.textContent).toContain('The middleware answered HTTP 404.');
        expect(open).not.toHaveBeenCalled();
        await expect(element).toBeAccessible();
    });
});
