import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import getReceivables from '@salesforce/apex/AccountReceivablesController.getReceivables';
import { badgeClass, formatLabel } from 'c/billingModel';
import { followRecord } from 'c/billingUpdates';
import REFRESH from '@salesforce/label/c.Billing_Refresh';
import REFRESH_MANUAL from '@salesforce/label/c.Billing_Refresh_Manual';
import TITLE from '@salesforce/label/c.Receivables_Title';
import LOADING from '@salesforce/label/c.Billing_Loading';
import LOAD_ERROR from '@salesforce/label/c.Receivables_Load_Error';
import OPEN_BALANCE from '@salesforce/label/c.Receivables_Open_Balance';
import OVERDUE_BALANCE from '@salesforce/label/c.Receivables_Overdue_Balance';
import FROM_QUICKBOOKS from '@salesforce/label/c.Receivables_Source_QuickBooks';
import FROM_INVOICES from '@salesforce/label/c.Receivables_Source_Invoices';
import BY_STATUS from '@salesforce/label/c.Receivables_By_Status';
import STATUS from '@salesforce/label/c.Billing_Invoice_Status';
import COUNT from '@salesforce/label/c.Receivables_Count';
import TOTAL from '@salesforce/label/c.Billing_Invoice_Total';
import BALANCE from '@salesforce/label/c.Billing_Invoice_Balance';
import MOST_OVERDUE from '@salesforce/label/c.Receivables_Most_Overdue';
import DAYS_OVERDUE from '@salesforce/label/c.Billing_Invoice_Days_Overdue';
import NONE from '@salesforce/label/c.Receivables_None';
import TRUNCATED from '@salesforce/label/c.Receivables_Truncated';
import AGING from '@salesforce/label/c.Receivables_Aging';
import AGING_BUCKET from '@salesforce/label/c.Receivables_Aging_Bucket';
import AGING_CURRENT from '@salesforce/label/c.Receivables_Aging_Current';
import AGING_DAYS from '@salesforce/label/c.Receivables_Aging_Days';
import DAYS_TO_PAY from '@salesforce/label/c.Receivables_Days_To_Pay';
import DAYS_TO_PAY_NONE from '@salesforce/label/c.Receivables_Days_To_Pay_None';
import LAST_PAYMENT from '@salesforce/label/c.Receivables_Last_Payment';

/**
 * Account page card: open and overdue receivables, aging, days to pay and the customer's QuickBooks invoices
 * by status. Live: refreshes itself (and the page's standard fields) when a billing update event names the
 * Account.
 */
export default class AccountReceivables extends LightningElement {
    @api recordId;

    live = false;

    labels = {
        title: TITLE,
        loading: LOADING,
        loadError: LOAD_ERROR,
        openBalance: OPEN_BALANCE,
        overdueBalance: OVERDUE_BALANCE,
        byStatus: BY_STATUS,
        status: STATUS,
        count: COUNT,
        total: TOTAL,
        balance: BALANCE,
        mostOverdue: MOST_OVERDUE,
        none: NONE,
        truncated: TRUNCATED,
        aging: AGING,
        agingBucket: AGING_BUCKET,
        lastPayment: LAST_PAYMENT
    };

    @wire(getReceivables, { accountId: '$recordId' })
    receivables;

    connectedCallback() {
        this.stopUpdates = followRecord(
            () => this.recordId,
            () => this.handleBillingUpdate(),
            (live) => {
                this.live = live;
            }
        );
    }

    disconnectedCallback() {
        this.stopUpdates();
    }

    /** The middleware wrote this Account's receivables: reload the card and the page's standard fields. */
    handleBillingUpdate() {
        notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
        return this.handleRefresh();
    }

    handleRefresh() {
        return refreshApex(this.receivables);
    }

    /** Without streaming access the refresh button says that changes show on refresh (no error, no toast). */
    get refreshLabel() {
        return this.live ? REFRESH : REFRESH_MANUAL;
    }

    get data() {
        return this.receivables && this.receivables.data;
    }

    get error() {
        return this.receivables && this.receivables.error;
    }

    get isLoading() {
        return !this.data && !this.error;
    }

    get hasInvoices() {
        return this.data.invoiceCount > 0;
    }

    get sourceText() {
        return this.data.fromQuickBooks ? FROM_QUICKBOOKS : FROM_INVOICES;
    }

    get overdueClass() {
        return this.data.overdueBalance > 0
            ? 'slds-text-heading_medium slds-text-color_error overdue-balance'
            : 'slds-text-heading_medium overdue-balance';
    }

    get statusRows() {
        return (this.data.byStatus || []).map((row) => ({ ...row, badgeClass: badgeClass(row.status) }));
    }

    get overdueRows() {
        return (this.data.mostOverdue || []).map((invoice) => ({
            id: invoice.Id,
            number: invoice.Doc_Number__c,
            balance: invoice.Balance__c,
            days: formatLabel(DAYS_OVERDUE, invoice.Days_Overdue__c)
        }));
    }

    get agingRows() {
        return (this.data.aging || []).map((row) => ({
            ...row,
            label: row.bucket === 'Current' ? AGING_CURRENT : formatLabel(AGING_DAYS, row.bucket),
            rowClass: row.bucket !== 'Current' && row.balance > 0 ? 'aging-row slds-text-color_error' : 'aging-row'
        }));
    }

    get daysToPayText() {
        const days = this.data.averageDaysToPay;
        return days === null || days === undefined ? DAYS_TO_PAY_NONE : formatLabel(DAYS_TO_PAY, days);
    }

    get hasOverdueRows() {
        return this.overdueRows.length > 0;
    }
}
