import { LightningElement, api } from 'lwc';
import { badgeClass, formatLabel, percentPaid, quickBooksHref } from 'c/billingModel';
import INVOICE_TITLE from '@salesforce/label/c.Billing_Invoice_Title';
import INVOICE_NO_NUMBER from '@salesforce/label/c.Billing_Invoice_No_Number';
import STATUS from '@salesforce/label/c.Billing_Invoice_Status';
import TOTAL from '@salesforce/label/c.Billing_Invoice_Total';
import PAID from '@salesforce/label/c.Billing_Invoice_Amount_Paid';
import BALANCE from '@salesforce/label/c.Billing_Invoice_Balance';
import INVOICE_DATE from '@salesforce/label/c.Billing_Invoice_Date';
import DUE_DATE from '@salesforce/label/c.Billing_Invoice_Due_Date';
import DAYS_OVERDUE from '@salesforce/label/c.Billing_Invoice_Days_Overdue';
import PERCENT_PAID from '@salesforce/label/c.Billing_Invoice_Percent_Paid';
import OPEN_IN_QUICKBOOKS from '@salesforce/label/c.Billing_Open_In_QuickBooks';
import NEW_TAB from '@salesforce/label/c.Billing_Opens_New_Tab';

/** One QuickBooks invoice: status, total, paid share, balance, due date, overdue days, payments, link. */
export default class InvoiceCard extends LightningElement {
    /** A QuickBooks_Invoice__c row from getBillingSummary with its payments under `payments`. */
    @api invoice;

    labels = {
        status: STATUS,
        total: TOTAL,
        paid: PAID,
        balance: BALANCE,
        invoiceDate: INVOICE_DATE,
        dueDate: DUE_DATE,
        openInQuickBooks: OPEN_IN_QUICKBOOKS,
        newTab: NEW_TAB
    };

    get title() {
        return formatLabel(INVOICE_TITLE, this.invoice.Doc_Number__c || INVOICE_NO_NUMBER);
    }

    get status() {
        return this.invoice.Status__c;
    }

    get badgeClass() {
        return `${badgeClass(this.status)} invoice-status`;
    }

    get percentPaid() {
        return percentPaid(this.invoice);
    }

    get percentPaidText() {
        return formatLabel(PERCENT_PAID, this.percentPaid);
    }

    get isOverdue() {
        return this.invoice.Days_Overdue__c > 0;
    }

    get daysOverdueText() {
        return formatLabel(DAYS_OVERDUE, this.invoice.Days_Overdue__c);
    }

    get quickBooksUrl() {
        return quickBooksHref(this.invoice.QuickBooks_Url__c);
    }
}
