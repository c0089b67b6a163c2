import { createElement } from 'lwc';
import { registerSa11yMatcher } from '@sa11y/jest';
import PaymentList from 'c/paymentList';
import SUMMARY from '../../opportunityBilling/__tests__/data/billingSummaryPartlyPaid.json';

registerSa11yMatcher();

function render(payments) {
    const element = createElement('c-payment-list', { is: PaymentList });
    element.payments = payments;
    element.currencyCode = 'USD';
    document.body.appendChild(element);
    return element;
}

describe('c-payment-list', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
    });

    it('shows each payment with its date, amount and method', () => {
        const element = render(SUMMARY.payments);

        const rows = element.shadowRoot.querySelectorAll('.payment-row');
        expect(rows).toHaveLength(2);
        expect(rows[0].querySelector('lightning-formatted-date-time').value).toBe('2025-03-20');
        const amount = rows[0].querySelector('lightning-formatted-number');
        expect(amount.value).toBe(1000);
        expect(amount.currencyCode).toBe('USD');
        expect(rows[0].lastElementChild.textContent).toBe('Check');
        expect(rows[1].lastElementChild.textContent).toBe('Credit Card');
    });

    it('says when the payment method was not recorded', () => {
        const element = render([{ Id: 'p1', Amount__c: 5, Payment_Date__c: '2025-01-01' }]);

        expect(element.shadowRoot.querySelector('.payment-row').lastElementChild.textContent).toBe(
            'c.Billing_Payment_Method_Unknown'
        );
    });

    it('says so when nothing was paid yet', () => {
        const element = render([]);

        expect(element.shadowRoot.querySelector('table')).toBeNull();
        expect(element.shadowRoot.querySelector('p').textContent).toBe('c.Billing_Payments_None');
    });

    it('is an accessible table with a caption and header cells', async () => {
        const element = render(SUMMARY.payments);

        expect(element.shadowRoot.querySelector('caption').textContent).toBe('c.Billing_Payments_Caption');
        expect(element.shadowRoot.querySelectorAll('th[scope="col"]')).toHaveLength(3);
        await expect(element).toBeAccessible();
    });
});
