import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import AccountReceivables from 'c/accountReceivables';
import getReceivables from '@salesforce/apex/AccountReceivablesController.getReceivables';
import RECEIVABLES from './data/receivables.json';
import EMPTY from './data/receivablesEmpty.json';
import { refreshApex } from '@salesforce/apex';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { jestMockActiveChannels, jestMockPublish, jestMockReset, jestMockSetEmpEnabled } from 'lightning/empApi';

jest.mock(
    '@salesforce/apex/AccountReceivablesController.getReceivables',
    () => {
        const { createApexTestWireAdapter } = jest.requireActual('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/label/c.Billing_Invoice_Days_Overdue', () => ({ default: '{0} days overdue' }), {
    virtual: true
});
jest.mock('@salesforce/label/c.Receivables_Aging_Days', () => ({ default: '{0} days' }), { virtual: true });
jest.mock('@salesforce/label/c.Receivables_Days_To_Pay', () => ({ default: 'Pays in {0} days on average' }), {
    virtual: true
});

jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), { virtual: true });

registerSa11yMatcher();

const ACCOUNT_ID = '0015g00000LLac1AAB';
/** Lets pending promise callbacks and the re-render they cause run (no timers: LWC lint forbids them). */
async function flushPromises() {
    for (let i = 0; i < 10; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

async function renderWith(data) {
    const element = createElement('c-account-receivables', { is: AccountReceivables });
    element.recordId = ACCOUNT_ID;
    document.body.appendChild(element);
    if (data) {
        getReceivables.emit(data);
        await flushPromises();
    }
    return element;
}

const amount = (element, selector) => element.shadowRoot.querySelector(`${selector} lightning-formatted-number`);

describe('c-account-receivables', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jestMockReset();
        jest.clearAllMocks();
    });

    describe('live updates', () => {
        const CHANNEL = '/event/Ledgerline_Billing_Update__e';
        const update = (accountIds) => ({
            data: { payload: { Opportunity_Ids__c: null, Account_Ids__c: accountIds, Change_Kinds__c: 'receivables' } }
        });

        it('refreshes the card and the page fields when an event names the Account, and only then', async () => {
            await renderWith(RECEIVABLES);
            expect(jestMockActiveChannels()).toEqual([CHANNEL]);

            jestMockPublish(CHANNEL, update('0015g00000ZZZzzAAA'));
            await flushPromises();
            expect(refreshApex).not.toHaveBeenCalled();

            jestMockPublish(CHANNEL, update(ACCOUNT_ID));
            await flushPromises();
            expect(refreshApex).toHaveBeenCalledTimes(1);
            expect(refreshApex.mock.calls[0][0].data).toEqual(RECEIVABLES);
            expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: ACCOUNT_ID }]);
        });

        it('unsubscribes when the page closes', async () => {
            const element = await renderWith(RECEIVABLES);
            document.body.removeChild(element);
            await flushPromises();
            expect(jestMockActiveChannels()).toEqual([]);
        });

        it('without streaming access refreshes from its button and shows no error', async () => {
            jestMockSetEmpEnabled(false);
            const element = await renderWith(RECEIVABLES);
            const button = element.shadowRoot.querySelector('lightning-button-icon.refresh');

            expect(button.title).toBe('c.Billing_Refresh_Manual');
            expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
            button.click();
            await flushPromises();
            expect(refreshApex).toHaveBeenCalledTimes(1);
        });
    });

    it('asks for its account and shows a spinner until the data arrives', async () => {
        const element = await renderWith(null);

        expect(getReceivables.getLastConfig()).toEqual({ accountId: ACCOUNT_ID });
        expect(element.shadowRoot.querySelector('lightning-spinner')).not.toBeNull();
    });

    it('shows open and overdue balance, their source, invoices by status and the most overdue', async () => {
        const element = await renderWith(RECEIVABLES);
        const root = element.shadowRoot;

        expect(amount(element, '.open-balance').value).toBe(5450);
        expect(amount(element, '.open-balance').currencyCode).toBe('USD');
        expect(amount(element, '.overdue-balance').value).toBe(4800);
        expect(root.querySelector('.overdue-balance').className).toContain('slds-text-color_error');
        expect(root.querySelector('.source').textContent).toBe('c.Receivables_Source_QuickBooks');
        const rows = root.querySelectorAll('.status-row');
        expect([...rows].map((row) => row.dataset.status)).toEqual(['Overdue', 'Partially Paid', 'Paid']);
        expect(rows[0].querySelector('span').className).toContain('slds-theme_error');
        expect(rows[2].children[1].textContent).toBe('2');
        expect(rows[1].querySelectorAll('lightning-formatted-number')[1].value).toBe(650);
        const overdue = root.querySelectorAll('.overdue-row');
        expect(overdue).toHaveLength(1);
        expect(overdue[0].textContent).toContain('1081');
        expect(overdue[0].textContent).toContain('37 days overdue');
        expect(root.querySelector('.truncated')).toBeNull();
    });

    it('shows the open balance by aging bucket, youngest first, and how fast the customer pays', async () => {
        const element = await renderWith(RECEIVABLES);
        const root = element.shadowRoot;

        const rows = [...root.querySelectorAll('.aging-row')];
        expect(rows.map((row) => row.dataset.bucket)).toEqual(['Current', '1-30', '31-60', '61-90', '90+']);
        expect(rows.map((row) => row.querySelector('th').textContent)).toEqual([
            'c.Receivables_Aging_Current',
            '1-30 days',
            '31-60 days',
            '61-90 days',
            '90+ days'
        ]);
        expect(rows.map((row) => row.querySelector('lightning-formatted-number').value)).toEqual([650, 0, 4800, 0, 0]);
        expect(rows[2].children[1].textContent).toBe('1');
        expect(rows[2].className).toContain('slds-text-color_error');
        expect(rows[0].className).not.toContain('slds-text-color_error');
        expect(rows[3].className).not.toContain('slds-text-color_error');
        expect(root.querySelector('.days-to-pay').textContent).toBe('Pays in 23.5 days on average');
        expect(root.querySelector('.last-payment lightning-formatted-date-time').value).toBe('2025-02-20');
    });

    it('says when no invoice is fully paid yet', async () => {
        const element = await renderWith({ ...RECEIVABLES, averageDaysToPay: null, lastPaymentDate: null });

        expect(element.shadowRoot.querySelector('.days-to-pay').textContent).toBe('c.Receivables_Days_To_Pay_None');
        expect(element.shadowRoot.querySelector('.last-payment')).toBeNull();
    });

    it('says when there are no invoices and the balances were summed in Salesforce', async () => {
        const element = await renderWith(EMPTY);

        expect(element.shadowRoot.querySelector('.no-invoices').textContent).toBe('c.Receivables_None');
        expect(element.shadowRoot.querySelector('.source').textContent).toBe('c.Receivables_Source_Invoices');
        expect(element.shadowRoot.querySelector('.overdue-balance').className).not.toContain('slds-text-color_error');
        expect(element.shadowRoot.querySelector('table')).toBeNull();
    });

    it('says when the invoice list was cut', async () => {
        const element = await renderWith({ ...RECEIVABLES, truncated: true, mostOverdue: [] });

        expect(element.shadowRoot.querySelector('.truncated').textContent).toBe('c.Receivables_Truncated');
        expect(element.shadowRoot.querySelector('.overdue-row')).toBeNull();
    });

    it('shows the error through the error panel', async () => {
        const element = await renderWith(null);
        getReceivables.error({ message: 'You cannot see the Ledgerline receivables fields.' });
        await flushPromises();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel.friendlyMessage).toBe('c.Receivables_Load_Error');
        expect(panel.errors.body.message).toBe('You cannot see the Ledgerline receivables fields.');
    });

    it('is accessible', async () => {
        const element = await renderWith(RECEIVABLES);

        expect(element.shadowRoot.querySelector('caption').textContent.trim()).toBe('c.Receivables_By_Status');
        await expect(element).toBeAccessible();
    });
});
