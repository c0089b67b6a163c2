import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import InvoiceSend from 'c/invoiceSend';
import sendInvoice from '@salesforce/apex/OpportunityBillingController.sendInvoice';

jest.mock('@salesforce/apex/OpportunityBillingController.sendInvoice', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/label/c.Billing_Send_Title', () => ({ default: 'E-mail invoice {0}' }), { virtual: true });
jest.mock('@salesforce/label/c.Billing_Send_Success', () => ({ default: 'Invoice {0} was e-mailed to {1}.' }), {
    virtual: true
});

registerSa11yMatcher();

const INVOICE = { Id: 'a01000000000001AAA', Opportunity__c: '006000000000001AAA', Doc_Number__c: '1077' };

function render(billingEmail = 'ap@acme.example') {
    const element = createElement('c-invoice-send', { is: InvoiceSend });
    element.invoice = INVOICE;
    element.billingEmail = billingEmail;
    document.body.appendChild(element);
    return element;
}

async function flushPromises() {
    for (let i = 0; i < 5; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

/** Opens the dialog; `valid` is what the address field's own validation (type=email, required) answers. */
async function openDialog(element, valid = true) {
    element.shadowRoot.querySelector('.send-button').click();
    await flushPromises();
    element.shadowRoot.querySelector('lightning-input').reportValidity = jest.fn(() => valid);
    return element.shadowRoot.querySelector('section[role="dialog"]');
}

function typeAddress(element, value) {
    const input = element.shadowRoot.querySelector('lightning-input');
    input.value = value;
    input.dispatchEvent(new CustomEvent('change'));
}

describe('c-invoice-send', () => {
    afterEach(() => {
        jest.clearAllMocks();
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('opens a dialog with the billing e-mail filled in', async () => {
        const element = render();
        expect(element.shadowRoot.querySelector('section[role="dialog"]')).toBeNull();

        const dialog = await openDialog(element);

        expect(dialog.getAttribute('aria-modal')).toBe('true');
        expect(element.shadowRoot.querySelector('h2').textContent).toBe('E-mail invoice 1077');
        expect(element.shadowRoot.querySelector('lightning-input').value).toBe('ap@acme.example');
        expect(sendInvoice).not.toHaveBeenCalled();
    });

    it('sends through Apex to the typed address, toasts success, fires sent and closes', async () => {
        const answer = {
            emailStatus: 'EmailSent',
            deliveryTime: '2026-12-03T04:05:06-08:00',
            sentTo: 'billing@acme.example'
        };
        sendInvoice.mockResolvedValue(answer);
        const element = render();
        const toasts = [];
        const sent = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        element.addEventListener('sent', (event) => sent.push(event.detail));
        await openDialog(element);

        typeAddress(element, ' billing@acme.example ');
        element.shadowRoot.querySelector('.confirm-button').click();
        await flushPromises();

        expect(sendInvoice).toHaveBeenCalledWith({
            opportunityId: INVOICE.Opportunity__c,
            invoiceRecordId: INVOICE.Id,
            sendTo: 'billing@acme.example'
        });
        expect(toasts).toEqual([
            expect.objectContaining({ title: 'Invoice 1077 was e-mailed to billing@acme.example.', variant: 'success' })
        ]);
        expect(sent).toEqual([answer]);
        expect(element.shadowRoot.querySelector('section[role="dialog"]')).toBeNull();
    });

    it('names the typed address in the toast when the answer has none, and an invoice without a number', async () => {
        sendInvoice.mockResolvedValue({ emailStatus: 'EmailSent', deliveryTime: '2026-12-03T04:05:06-08:00' });
        const element = createElement('c-invoice-send', { is: InvoiceSend });
        element.invoice = { ...INVOICE, Doc_Number__c: null };
        document.body.appendChild(element);
        const toasts = [];
        const sent = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        element.addEventListener('sent', (event) => sent.push(event.detail));
        await openDialog(element);
        expect(element.shadowRoot.querySelector('lightning-input').value).toBe('');
        expect(element.shadowRoot.querySelector('h2').textContent).toBe('E-mail invoice ');

        typeAddress(element, 'ap@acme.example');
        element.shadowRoot.querySelector('.confirm-button').click();
        await flushPromises();

        expect(toasts).toEqual([
            expect.objectContaining({ title: 'Invoice  was e-mailed to ap@acme.example.', mode: 'dismissible' })
        ]);
        expect(sent[0].sentTo).toBe('ap@acme.example');
    });

    it('shows why a send failed in an error toast and keeps the dialog open', async () => {
        sendInvoice.mockRejectedValue({
            body: { message: 'Invoice 1077 was not sent. No billing e-mail. Fix: Enter an address.' }
        });
        const element = render();
        const toasts = [];
        element.addEventListener('lightning__showtoast', (event) => toasts.push(event.detail));
        await openDialog(element);

        element.shadowRoot.querySelector('.confirm-button').click();
        await flushPromises();

        expect(toasts).toEqual([
            expect.objectContaining({
                title: 'c.Billing_Send_Failed',
                message: 'Invoice 1077 was not sent. No billing e-mail. Fix: Enter an address.',
                variant: 'error',
                mode: 'sticky'
            })
        ]);
        expect(element.shadowRoot.querySelector('section[role="dialog"]')).not.toBeNull();
        expect(element.shadowRoot.querySelector('.confirm-button').disabled).toBe(false);
    });

    it('does not call Apex while the address field is invalid', async () => {
        const element = render('');
        await openDialog(element, false);

        element.shadowRoot.querySelector('.confirm-button').click();
        await flushPromises();

        expect(element.shadowRoot.querySelector('lightning-input').reportValidity).toHaveBeenCalled();
        expect(sendInvoice).not.toHaveBeenCalled();
        expect(element.shadowRoot.querySelector('section[role="dialog"]')).not.toBeNull();
    });

    it('Cancel and Escape close the dialog without sending', async () => {
        const element = render();
        await openDialog(element);
        element.shadowRoot.querySelector('.cancel-button').click();
        await flushPromises();
        expect(element.shadowRoot.querySelector('section[role="dialog"]')).toBeNull();

        const dialog = await openDialog(element);
        dialog.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
        await flushPromises();
        expect(element.shadowRoot.querySelector('section[role="dialog"]')).toBeNull();
        expect(sendInvoice).not.toHaveBeenCalled();
    });

    it('is accessible: the dialog is labelled by its heading', async () => {
        const element = render();
        const dialog = await openDialog(element);

        expect(dialog.getAttribute('aria-labelledby')).toBe(element.shadowRoot.querySelector('h2').id);
        await expect(element).toBeAccessible();
    });
});
