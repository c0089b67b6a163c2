import { LightningElement, api } from 'lwc';
import CAPTION from '@salesforce/label/c.Billing_Payments_Caption';
import DATE from '@salesforce/label/c.Billing_Payment_Date';
import AMOUNT from '@salesforce/label/c.Billing_Payment_Amount';
import METHOD from '@salesforce/label/c.Billing_Payment_Method';
import NONE from '@salesforce/label/c.Billing_Payments_None';
import UNKNOWN_METHOD from '@salesforce/label/c.Billing_Payment_Method_Unknown';

/** The payments applied to one invoice: date, amount and method, as an accessible table. */
export default class PaymentList extends LightningElement {
    @api payments;
    @api currencyCode;

    labels = { caption: CAPTION, date: DATE, amount: AMOUNT, method: METHOD, none: NONE };

    get hasPayments() {
        return Array.isArray(this.payments) && this.payments.length > 0;
    }

    get rows() {
        return (this.payments || []).map((payment) => ({
            id: payment.Id,
            date: payment.Payment_Date__c,
            amount: payment.Amount__c,
            method: payment.Method__c || UNKNOWN_METHOD
        }));
    }
}
