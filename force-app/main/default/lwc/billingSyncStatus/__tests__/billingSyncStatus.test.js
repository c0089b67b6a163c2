import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import BillingSyncStatus from 'c/billingSyncStatus';
import PARTLY_PAID from '../../opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';
import ERROR from '../../opportunityBilling/__tests__/data/billingSummaryError.json';

registerSa11yMatcher();

function render(opportunity, canRetry, retrying = false) {
    const element = createElement('c-billing-sync-status', { is: BillingSyncStatus });
    Object.assign(element, { opportunity, canRetry, retrying });
    document.body.appendChild(element);
    return element;
}

describe('c-billing-sync-status', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows a synced deal with the time of its last sync and no Retry', () => {
        const element = render(PARTLY_PAID.opportunity, true);
        const root = element.shadowRoot;

        expect(root.querySelector('.sync-state').textContent).toBe('c.Billing_Sync_Synced');
        expect(root.querySelector('.last-sync').value).toBe('2025-03-03T14:05:00.000Z');
        expect(root.querySelector('lightning-icon').iconName).toBe('utility:success');
        expect(root.querySelector('.retry-button')).toBeNull();
    });

    it('shows a queued deal without Retry', () => {
        const element = render({ ...PARTLY_PAID.opportunity, Billing_Sync_Status__c: 'Queued' }, true);

        expect(element.shadowRoot.querySelector('.sync-state').textContent).toBe('c.Billing_Sync_Queued');
        expect(element.shadowRoot.querySelector('.last-sync')).toBeNull();
        expect(element.shadowRoot.querySelector('.retry-button')).toBeNull();
    });

    it('shows the introducing line of a multi-problem error as a sentence, not as a problem', () => {
        const text =
            'Opportunity 006A cannot be invoiced:\nNo billing e-mail. Fix: Add one.\nNo terms. Fix: Pick Net 30.';
        const element = render({ ...ERROR.opportunity, Billing_Sync_Error__c: text }, true);
        const root = element.shadowRoot;

        expect(root.querySelector('.sync-error-heading').textContent).toBe('Opportunity 006A cannot be invoiced:');
        const problems = root.querySelectorAll('.sync-problem');
        expect(problems).toHaveLength(2);
        expect(problems[0].textContent).toContain('No billing e-mail.');
    });

    it('shows every sync problem with its fix and a Retry button for Finance', () => {
        const element = render(ERROR.opportunity, true);
        const root = element.shadowRoot;

        expect(root.querySelector('.sync-state').textContent).toBe('c.Billing_Sync_Error');
        const problems = root.querySelectorAll('.sync-problem');
        expect(problems).toHaveLength(2);
        expect(problems[0].textContent).toContain('No QuickBooks item has SKU PRN-200 (product Printer 200).');
        expect(problems[0].textContent).toContain('Create an item with SKU PRN-200 in QuickBooks');
        expect(problems[1].querySelector('strong').textContent).toBe('c.Billing_Fix');
        const retry = root.querySelector('.retry-button');
        expect(retry.label).toBe('c.Billing_Retry');
        expect(retry.disabled).toBe(false);
        expect(root.querySelector('.ask-finance')).toBeNull();
    });

    it('hides Retry from users without the Finance permission and tells them whom to ask', () => {
        const element = render(ERROR.opportunity, false);

        expect(element.shadowRoot.querySelector('.retry-button')).toBeNull();
        expect(element.shadowRoot.querySelector('.ask-finance').textContent).toBe('c.Billing_Retry_Ask_Finance');
    });

    it('asks its parent to retry when Retry is clicked, and disables it while retrying', async () => {
        const element = render(ERROR.opportunity, true);
        const handler = jest.fn();
        element.addEventListener('retry', handler);

        element.shadowRoot.querySelector('.retry-button').click();
        element.retrying = true;
        await Promise.resolve();

        expect(handler).toHaveBeenCalledTimes(1);
        expect(element.shadowRoot.querySelector('.retry-button').disabled).toBe(true);
    });

    it('treats a won deal that was never sent as Not Started, which Finance may send', () => {
        const element = render({ ...ERROR.opportunity, Billing_Sync_Status__c: null }, true);

        expect(element.shadowRoot.querySelector('.sync-state').textContent).toBe('c.Billing_Sync_Not_Started');
        expect(element.shadowRoot.querySelector('.retry-button')).not.toBeNull();
    });

    it('shows excluded and unknown states without Retry', () => {
        const excluded = render({ ...ERROR.opportunity, Billing_Sync_Status__c: 'Excluded' }, true);
        const future = render({ ...ERROR.opportunity, Billing_Sync_Status__c: 'Archived' }, true);

        expect(excluded.shadowRoot.querySelector('.sync-state').textContent).toBe('c.Billing_Sync_Excluded');
        expect(excluded.shadowRoot.querySelector('.retry-button')).toBeNull();
        expect(future.shadowRoot.querySelector('.sync-state').textContent).toBe('Archived');
    });

    it('announces status changes politely and is accessible', async () => {
        const element = render(ERROR.opportunity, true);

        const status = element.shadowRoot.querySelector('[role="status"]');
        expect(status.getAttribute('aria-live')).toBe('polite');
        const section = element.shadowRoot.querySelector('section');
        expect(section.getAttribute('aria-labelledby')).toBe(element.shadowRoot.querySelector('h3').id);
        await expect(element).toBeAccessible();
    });
});
