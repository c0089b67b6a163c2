import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import OpportunityBilling from 'c/opportunityBilling';
import getBillingSummary from '@salesforce/apex/OpportunityBillingController.getBillingSummary';
import retrySync from '@salesforce/apex/OpportunityBillingController.retrySync';
import previewInvoice from '@salesforce/apex/OpportunityBillingController.previewInvoice';
import { refreshApex } from '@salesforce/apex';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import {
    jestMockActiveChannels,
    jestMockFailSubscribe,
    jestMockPublish,
    jestMockReset,
    jestMockSetEmpEnabled
} from 'lightning/empApi';
import PARTLY_PAID from './data/billingSummaryPartlyPaid.json';
import OVERDUE from './data/billingSummaryOverdue.json';
import ERROR from './data/billingSummaryError.json';
import OPEN from './data/billingSummaryOpen.json';
import READY from '../../invoiceReadiness/__tests__/data/previewReady.json';

jest.mock(
    '@salesforce/apex/OpportunityBillingController.getBillingSummary',
    () => {
        const { createApexTestWireAdapter } = jest.requireActual('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/OpportunityBillingController.retrySync', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex/OpportunityBillingController.previewInvoice', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

registerSa11yMatcher();

/** Lets pending promise callbacks and the re-render they cause run (no timers: LWC lint forbids them). */
async function flushPromises() {
    for (let i = 0; i < 10; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function render(recordId) {
    const element = createElement('c-opportunity-billing', { is: OpportunityBilling });
    element.recordId = recordId;
    document.body.appendChild(element);
    return element;
}

async function renderWith(summary) {
    const element = render(summary.opportunity.Id);
    getBillingSummary.emit(summary);
    await flushPromises();
    return element;
}

describe('c-opportunity-billing', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jestMockReset();
        jest.clearAllMocks();
    });

    describe('live updates', () => {
        const CHANNEL = '/event/Ledgerline_Billing_Update__e';
        const update = (opportunityIds) => ({
            data: { payload: { Opportunity_Ids__c: opportunityIds, Account_Ids__c: null, Change_Kinds__c: 'payment' } }
        });

        it('refreshes the panel and the page fields when an event names the deal, and only then', async () => {
            const element = await renderWith(PARTLY_PAID);
            expect(jestMockActiveChannels()).toEqual([CHANNEL]);

            jestMockPublish(CHANNEL, update('0065g00000ZZZzzAAA'));
            await flushPromises();
            expect(refreshApex).not.toHaveBeenCalled();
            expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();

            jestMockPublish(CHANNEL, update(`0065g00000ZZZzzAAA,${PARTLY_PAID.opportunity.Id}`));
            await flushPromises();
            expect(refreshApex).toHaveBeenCalledTimes(1);
            expect(refreshApex.mock.calls[0][0].data).toEqual(PARTLY_PAID);
            expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: PARTLY_PAID.opportunity.Id }]);
            expect(element.shadowRoot.querySelector('lightning-button-icon.refresh').title).toBe('c.Billing_Refresh');
        });

        it('reloads the readiness check of an open deal on an event', async () => {
            previewInvoice.mockResolvedValue(READY);
            await renderWith(OPEN);
            previewInvoice.mockClear();

            jestMockPublish(CHANNEL, update(OPEN.opportunity.Id));
            await flushPromises();
            expect(previewInvoice).toHaveBeenCalledTimes(1);
        });

        it('unsubscribes when the page closes', async () => {
            const element = await renderWith(PARTLY_PAID);
            document.body.removeChild(element);
            await flushPromises();

            expect(jestMockActiveChannels()).toEqual([]);
            jestMockPublish(CHANNEL, update(PARTLY_PAID.opportunity.Id));
            expect(refreshApex).not.toHaveBeenCalled();
        });

        it('without streaming access still works through its refresh button and shows no error', async () => {
            jestMockSetEmpEnabled(false);
            const element = await renderWith(PARTLY_PAID);
            const toast = jest.fn();
            element.addEventListener('lightning__showtoast', toast);
            const button = element.shadowRoot.querySelector('lightning-button-icon.refresh');

            expect(button.title).toBe('c.Billing_Refresh_Manual');
            expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
            button.click();
            await flushPromises();
            expect(refreshApex).toHaveBeenCalledTimes(1);
            expect(toast).not.toHaveBeenCalled();
        });

        it('treats a refused subscribe like no streaming access', async () => {
            jestMockFailSubscribe(new Error('403::Unknown client'));
            const element = await renderWith(PARTLY_PAID);

            expect(element.shadowRoot.querySelector('lightning-button-icon.refresh').title).toBe(
                'c.Billing_Refresh_Manual'
            );
            expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
            expect(element.shadowRoot.querySelectorAll('c-invoice-card')).toHaveLength(1);
        });
    });

    it('asks for the summary of its record and shows a spinner until it arrives', async () => {
        const element = render(PARTLY_PAID.opportunity.Id);
        await Promise.resolve();

        expect(getBillingSummary.getLastConfig()).toEqual({ opportunityId: PARTLY_PAID.opportunity.Id });
        expect(element.shadowRoot.querySelector('lightning-spinner').alternativeText).toBe('c.Billing_Loading');
    });

    it('shows the sync state and each invoice of a won deal with its own payments', async () => {
        const element = await renderWith(OVERDUE);
        const root = element.shadowRoot;

        const status = root.querySelector('c-billing-sync-status');
        expect(status.opportunity).toEqual(OVERDUE.opportunity);
        expect(status.canRetry).toBe(true);
        const cards = root.querySelectorAll('c-invoice-card');
        expect(cards).toHaveLength(2);
        expect(cards[0].invoice.Status__c).toBe('Overdue');
        expect(cards[0].invoice.payments).toEqual([]);
        expect(cards[1].invoice.Status__c).toBe('Paid');
        expect(cards[1].invoice.payments.map((p) => p.Amount__c)).toEqual([1200]);
        expect(root.querySelector('c-invoice-readiness')).toBeNull();
    });

    it('says when a won deal has no invoice yet', async () => {
        const element = await renderWith(ERROR);

        expect(element.shadowRoot.querySelector('c-invoice-card')).toBeNull();
        expect(element.shadowRoot.querySelector('.no-invoices').textContent).toBe('c.Billing_No_Invoices');
    });

    it('shows the readiness check for a deal that is not won yet', async () => {
        previewInvoice.mockResolvedValue(READY);

        const element = await renderWith(OPEN);

        const readiness = element.shadowRoot.querySelector('c-invoice-readiness');
        expect(readiness.opportunityId).toBe(OPEN.opportunity.Id);
        expect(element.shadowRoot.querySelector('c-billing-sync-status')).toBeNull();
    });

    it('shows the load error through the error panel', async () => {
        const element = render(PARTLY_PAID.opportunity.Id);
        getBillingSummary.error({ message: 'You cannot see the Ledgerline billing fields.' });
        await flushPromises();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel.friendlyMessage).toBe('c.Billing_Load_Error');
        expect(panel.errors.body.message).toBe('You cannot see the Ledgerline billing fields.');
        expect(element.shadowRoot.querySelector('lightning-spinner')).toBeNull();
    });

    it('retries a failed sync, confirms with a toast and refreshes the summary', async () => {
        retrySync.mockResolvedValue('Queued');
        const element = await renderWith(ERROR);
        const toast = jest.fn();
        element.addEventListener('lightning__showtoast', toast);

        element.shadowRoot.querySelector('c-billing-sync-status').dispatchEvent(new CustomEvent('retry'));
        await flushPromises();

        expect(retrySync).toHaveBeenCalledWith({ opportunityId: ERROR.opportunity.Id });
        expect(toast).toHaveBeenCalledTimes(1);
        expect(toast.mock.calls[0][0].detail).toMatchObject({ title: 'c.Billing_Retry_Queued', variant: 'success' });
        expect(refreshApex).toHaveBeenCalledTimes(1);
        expect(refreshApex.mock.calls[0][0].data).toEqual(ERROR);

        getBillingSummary.emit({
            ...ERROR,
            opportunity: { ...ERROR.opportunity, Billing_Sync_Status__c: 'Queued', Billing_Sync_Error__c: null }
        });
        await flushPromises();
        const status = element.shadowRoot.querySelector('c-billing-sync-status');
        expect(status.opportunity.Billing_Sync_Status__c).toBe('Queued');
        expect(status.retrying).toBe(false);
    });

    it('marks the retry as running until the server answers', async () => {
        let answer;
        retrySync.mockReturnValue(
            new Promise((resolve) => {
                answer = resolve;
            })
        );
        const element = await renderWith(ERROR);

        element.shadowRoot.querySelector('c-billing-sync-status').dispatchEvent(new CustomEvent('retry'));
        await Promise.resolve();
        expect(element.shadowRoot.querySelector('c-billing-sync-status').retrying).toBe(true);

        answer('Queued');
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-billing-sync-status').retrying).toBe(false);
    });

    it('shows why a retry was refused and does not refresh', async () => {
        retrySync.mockRejectedValue({ body: { message: 'Only Finance can retry billing sync.' } });
        const element = await renderWith(ERROR);

        element.shadowRoot.querySelector('c-billing-sync-status').dispatchEvent(new CustomEvent('retry'));
        await flushPromises();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel.friendlyMessage).toBe('c.Billing_Retry_Error');
        expect(panel.errors.body.message).toBe('Only Finance can retry billing sync.');
        expect(refreshApex).not.toHaveBeenCalled();
    });

    it('refreshes the summary, and the preview of an open deal, from the header button', async () => {
        previewInvoice.mockResolvedValue(READY);
        const element = await renderWith(OPEN);

        element.shadowRoot.querySelector('lightning-button-icon.refresh').click();
        await flushPromises();

        expect(refreshApex).toHaveBeenCalledTimes(1);
        expect(previewInvoice).toHaveBeenCalledTimes(2);
    });

    it('is accessible with invoices shown', async () => {
        const element = await renderWith(PARTLY_PAID);

        const list = element.shadowRoot.querySelector('ul.invoice-list');
        expect(list.getAttribute('aria-labelledby')).toBe(element.shadowRoot.querySelector('h3').id);
        expect(element.shadowRoot.querySelector('lightning-button-icon').alternativeText).toBe('c.Billing_Refresh');
        await expect(element).toBeAccessible();
    });
});
