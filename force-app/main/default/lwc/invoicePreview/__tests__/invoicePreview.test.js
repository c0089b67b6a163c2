import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import InvoicePreview from 'c/invoicePreview';
import READY from '../../invoiceReadiness/__tests__/data/previewReady.json';
import BLOCKED from '../../invoiceReadiness/__tests__/data/previewBlocked.json';

registerSa11yMatcher();

function render(preview) {
    const element = createElement('c-invoice-preview', { is: InvoicePreview });
    element.preview = preview;
    document.body.appendChild(element);
    return element;
}

const text = (element, selector) => element.shadowRoot.querySelector(selector).textContent;
const value = (element, name) => element.shadowRoot.querySelector(`[data-field="${name}"]`).value;

describe('c-invoice-preview', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows the customer, how it was found, the billing entity and the terms', () => {
        const element = render(READY);

        expect(text(element, '.customer-name')).toBe('Umbrella Corporation');
        expect(text(element, '.customer-match')).toBe('c.Billing_Match_Name');
        expect(text(element, '.billing-entity')).toBe('Ledgerline US');
        expect(element.shadowRoot.textContent).toContain('Net 30');
        expect(element.shadowRoot.textContent).toContain('ap@umbrella.example.com');
        expect(element.shadowRoot.textContent).toContain('PO 4500012345');
    });

    it('lists every line with quantity, unit price, tax treatment and amount, discounts negative', () => {
        const element = render(READY);

        const rows = element.shadowRoot.querySelectorAll('.preview-line');
        expect(rows).toHaveLength(3);
        const cells = [...rows[0].children].map((cell) => cell.textContent);
        expect(cells[0]).toBe('Centrifuge C-20');
        expect(cells[1]).toBe('20');
        expect(rows[0].querySelectorAll('lightning-formatted-number')[1].value).toBe(2000);
        expect(cells[3]).toBe('c.Billing_Preview_Taxable');
        expect(rows[1].children[3].textContent).toBe('c.Billing_Preview_Not_Taxable');
        expect(rows[2].querySelectorAll('lightning-formatted-number')[1].value).toBe(-240);
    });

    it('shows subtotal, discount and the total before tax in the invoice currency', () => {
        const element = render(READY);

        expect(value(element, 'subtotal')).toBe(2400);
        expect(value(element, 'discount')).toBe(240);
        expect(value(element, 'net')).toBe(2160);
        expect(element.shadowRoot.querySelector('[data-field="net"]').currencyCode).toBe('USD');
    });

    it('hides the discount when there is none and names a customer still to be created', () => {
        const element = render({
            ...READY,
            customer: BLOCKED.customer,
            summary: { ...READY.summary, discount: 0 },
            invoice: { ...READY.invoice, SalesTermRef: undefined, BillEmail: undefined, CustomerMemo: undefined }
        });

        expect(element.shadowRoot.querySelector('[data-field="discount"]')).toBeNull();
        expect(text(element, '.customer-name')).toBe('c.Billing_Match_New');
        expect(text(element, '.customer-match')).toBe('new customer "Umbrella Corporation"');
    });

    it('copes with a preview that has no draft', () => {
        const element = render({ ...BLOCKED, customer: null });

        expect(element.shadowRoot.querySelectorAll('.preview-line')).toHaveLength(0);
        expect(text(element, '.customer-name')).toBe('c.Billing_Match_New');
    });

    it('is accessible', async () => {
        const element = render(READY);

        expect(element.shadowRoot.querySelector('caption').textContent).toBe('c.Billing_Preview_Lines');
        await expect(element).toBeAccessible();
    });
});
