import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import getBillingSummary from '@salesforce/apex/OpportunityBillingController.getBillingSummary';
import retrySync from '@salesforce/apex/OpportunityBillingController.retrySync';
import { attachPayments } from 'c/billingModel';
import { followRecord } from 'c/billingUpdates';
import TITLE from '@salesforce/label/c.Billing_Title';
import LOADING from '@salesforce/label/c.Billing_Loading';
import REFRESH from '@salesforce/label/c.Billing_Refresh';
import REFRESH_MANUAL from '@salesforce/label/c.Billing_Refresh_Manual';
import LOAD_ERROR from '@salesforce/label/c.Billing_Load_Error';
import RETRY_ERROR from '@salesforce/label/c.Billing_Retry_Error';
import RETRY_QUEUED from '@salesforce/label/c.Billing_Retry_Queued';
import NO_INVOICES from '@salesforce/label/c.Billing_No_Invoices';
import INVOICES from '@salesforce/label/c.Billing_Invoices_Heading';

/**
 * Billing panel of the Opportunity page. Before Closed Won: the readiness checklist and invoice preview.
 * After: sync state (with Retry for Finance) and every QuickBooks invoice with its payments.
 * Live: refreshes itself (and the page's standard fields) when a billing update event names the deal.
 */
export default class OpportunityBilling extends LightningElement {
    @api recordId;

    summary;
    error;
    retryError;
    retrying = false;
    wiredSummary;
    live = false;

    labels = {
        title: TITLE,
        loading: LOADING,
        refresh: REFRESH,
        loadError: LOAD_ERROR,
        retryError: RETRY_ERROR,
        noInvoices: NO_INVOICES,
        invoices: INVOICES
    };

    @wire(getBillingSummary, { opportunityId: '$recordId' })
    receiveSummary(result) {
        this.wiredSummary = result;
        if (result.data) {
            this.summary = result.data;
            this.error = undefined;
        } else if (result.error) {
            this.summary = undefined;
            this.error = result.error;
        }
    }

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

    /** The middleware wrote this deal's billing state: reload the panel and the page's standard fields. */
    handleBillingUpdate() {
        notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
        return this.handleRefresh();
    }

    /** Without streaming access the refresh button says that changes show on refresh (no error, no toast). */
    get refreshLabel() {
        return this.live ? REFRESH : REFRESH_MANUAL;
    }

    get isLoading() {
        return !this.summary && !this.error;
    }

    get isWon() {
        return Boolean(this.summary && this.summary.opportunity && this.summary.opportunity.IsWon);
    }

    /** Where an invoice card's Send goes by default (given to users who may send). */
    get billingEmail() {
        return this.summary ? this.summary.billingEmail : undefined;
    }

    get invoices() {
        return attachPayments(this.summary.invoices, this.summary.payments);
    }

    get hasInvoices() {
        return this.invoices.length > 0;
    }

    async handleRetry() {
        this.retrying = true;
        this.retryError = undefined;
        try {
            await retrySync({ opportunityId: this.recordId });
            this.dispatchEvent(new ShowToastEvent({ title: RETRY_QUEUED, message: '', variant: 'success' }));
            await refreshApex(this.wiredSummary);
        } catch (error) {
            this.retryError = error;
        } finally {
            this.retrying = false;
        }
    }

    handleRefresh() {
        const readiness = this.template.querySelector('c-invoice-readiness');
        if (readiness) {
            readiness.load();
        }
        return refreshApex(this.wiredSummary);
    }
}
