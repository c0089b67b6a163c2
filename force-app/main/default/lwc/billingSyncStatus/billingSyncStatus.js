import { LightningElement, api } from 'lwc';
import { splitSyncError, syncErrorHeading } from 'c/billingModel';
import HEADING from '@salesforce/label/c.Billing_Sync_Heading';
import QUEUED from '@salesforce/label/c.Billing_Sync_Queued';
import SYNCED from '@salesforce/label/c.Billing_Sync_Synced';
import ERROR from '@salesforce/label/c.Billing_Sync_Error';
import NOT_STARTED from '@salesforce/label/c.Billing_Sync_Not_Started';
import EXCLUDED from '@salesforce/label/c.Billing_Sync_Excluded';
import FIX from '@salesforce/label/c.Billing_Fix';
import RETRY from '@salesforce/label/c.Billing_Retry';
import RETRY_HELP from '@salesforce/label/c.Billing_Retry_Help';
import ASK_FINANCE from '@salesforce/label/c.Billing_Retry_Ask_Finance';

const STATES = {
    Queued: { label: QUEUED, icon: 'utility:clock', variant: null },
    Synced: { label: SYNCED, icon: 'utility:success', variant: 'success' },
    Error: { label: ERROR, icon: 'utility:error', variant: 'error' },
    Excluded: { label: EXCLUDED, icon: 'utility:ban', variant: null },
    'Not Started': { label: NOT_STARTED, icon: 'utility:info', variant: null }
};
const RETRYABLE = ['Error', 'Not Started'];

/** Where the deal's QuickBooks sync stands, the readable reason of a failure, and Retry for Finance. */
export default class BillingSyncStatus extends LightningElement {
    /** The Opportunity from getBillingSummary (sync status, error text, last sync time). */
    @api opportunity;
    /** True when the user holds the Ledgerline_Retry_Sync custom permission. */
    @api canRetry = false;
    /** True while a retry request is running. */
    @api retrying = false;

    labels = { heading: HEADING, fix: FIX, retry: RETRY, retryHelp: RETRY_HELP, askFinance: ASK_FINANCE };

    get statusValue() {
        return this.opportunity.Billing_Sync_Status__c || 'Not Started';
    }

    get state() {
        return STATES[this.statusValue] || { label: this.statusValue, icon: 'utility:info', variant: null };
    }

    get isSynced() {
        return this.statusValue === 'Synced' && Boolean(this.opportunity.Last_Billing_Sync__c);
    }

    get isError() {
        return this.statusValue === 'Error';
    }

    get errorHeading() {
        return syncErrorHeading(this.opportunity.Billing_Sync_Error__c);
    }

    get problems() {
        return splitSyncError(this.opportunity.Billing_Sync_Error__c);
    }

    get isRetryable() {
        return RETRYABLE.includes(this.statusValue);
    }

    get showRetry() {
        return this.isRetryable && this.canRetry === true;
    }

    get showAskFinance() {
        return this.isError && this.canRetry !== true;
    }

    get boxClass() {
        return this.isError
            ? 'slds-box slds-box_x-small slds-theme_shade slds-m-bottom_small sync-box sync-box_error'
            : 'slds-box slds-box_x-small slds-m-bottom_small sync-box';
    }

    handleRetry() {
        this.dispatchEvent(new CustomEvent('retry'));
    }
}
