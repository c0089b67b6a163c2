import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import InvoiceReadiness from 'c/invoiceReadiness';
import previewInvoice from '@salesforce/apex/OpportunityBillingController.previewInvoice';
import READY from './data/previewReady.json';
import BLOCKED from './data/previewBlocked.json';

jest.mock('@salesforce/apex/OpportunityBillingController.previewInvoice', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/label/c.Billing_Blocked', () => ({ default: '{0} problem(s) block invoicing' }), {
    virtual: true
});

registerSa11yMatcher();

/** Lets pending promise callbacks and the re-render they cause run (no timers: LWC lint forbids them). */
async function flushPromises() {
    for (let i = 0; i < 10; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

async function render() {
    const element = createElement('c-invoice-readiness', { is: InvoiceReadiness });
    element.opportunityId = READY.opportunityId;
    document.body.appendChild(element);
    await flushPromises();
    return element;
}

describe('c-invoice-readiness', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('asks the middleware for the preview of this deal and says it is ready', async () => {
        previewInvoice.mockResolvedValue(READY);

        const element = await render();

        expect(previewInvoice).toHaveBeenCalledWith({ opportunityId: READY.opportunityId });
        const verdict = element.shadowRoot.querySelector('.verdict');
        expect(verdict.textContent).toBe('c.Billing_Ready');
        expect(verdict.className).toContain('slds-text-color_success');
        expect(element.shadowRoot.querySelector('c-readiness-checklist').problems).toEqual([]);
        expect(element.shadowRoot.querySelector('c-invoice-preview').preview).toEqual(READY);
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    });

    it('counts the blocking problems, passes them to the checklist and shows no draft', async () => {
        previewInvoice.mockResolvedValue(BLOCKED);

        const element = await render();

        const verdict = element.shadowRoot.querySelector('.verdict');
        expect(verdict.textContent).toBe('3 problem(s) block invoicing');
        expect(verdict.className).toContain('slds-text-color_error');
        expect(element.shadowRoot.querySelector('c-readiness-checklist').problems).toHaveLength(3);
        expect(element.shadowRoot.querySelector('c-invoice-preview')).toBeNull();
    });

    it('shows the actionable error when the preview fails, and recovers on Check again', async () => {
        previewInvoice.mockRejectedValueOnce({
            body: { message: 'The Ledgerline middleware did not answer (Read timed out).' }
        });
        const element = await render();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel.errors.body.message).toContain('did not answer');
        expect(panel.friendlyMessage).toBe('c.Billing_Preview_Error');
        expect(element.shadowRoot.querySelector('.verdict')).toBeNull();

        previewInvoice.mockResolvedValueOnce(READY);
        element.shadowRoot.querySelector('.check-again').click();
        await flushPromises();

        expect(previewInvoice).toHaveBeenCalledTimes(2);
        expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
        expect(element.shadowRoot.querySelector('.verdict').textContent).toBe('c.Billing_Ready');
    });

    it('shows a spinner while the middleware answers', async () => {
        let answer;
        previewInvoice.mockReturnValue(
            new Promise((resolve) => {
                answer = resolve;
            })
        );
        const element = createElement('c-invoice-readiness', { is: InvoiceReadiness });
        element.opportunityId = READY.opportunityId;
        document.body.appendChild(element);
        await Promise.resolve();

        expect(element.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('c.Billing_Checking');
        expect(element.shadowRoot.querySelector('.check-again').disabled).toBe(true);
        answer(READY);
        await flushPromises();
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    });

    it('is accessible and announces its verdict', async () => {
        previewInvoice.mockResolvedValue(BLOCKED);

        const element = await render();

        expect(element.shadowRoot.querySelector('.verdict').getAttribute('role')).toBe('status');
        await expect(element).toBeAccessible();
    });
});
