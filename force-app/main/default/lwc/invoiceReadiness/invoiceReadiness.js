import { LightningElement, api } from 'lwc';
import previewInvoice from '@salesforce/apex/OpportunityBillingController.previewInvoice';
import { formatLabel } from 'c/billingModel';
import READY from '@salesforce/label/c.Billing_Ready';
import BLOCKED from '@salesforce/label/c.Billing_Blocked';
import CHECK_AGAIN from '@salesforce/label/c.Billing_Check_Again';
import CHECKING from '@salesforce/label/c.Billing_Checking';
import PREVIEW_ERROR from '@salesforce/label/c.Billing_Preview_Error';

/** Before Closed Won: asks the middleware for the invoice it would create and shows what still blocks it. */
export default class InvoiceReadiness extends LightningElement {
    @api opportunityId;

    preview;
    error;
    loading = false;

    labels = { checkAgain: CHECK_AGAIN, checking: CHECKING, previewError: PREVIEW_ERROR };

    connectedCallback() {
        this.load();
    }

    /** Asks again, e.g. after the rep fixed a problem in another tab. */
    @api
    async load() {
        this.loading = true;
        this.error = undefined;
        try {
            this.preview = await previewInvoice({ opportunityId: this.opportunityId });
        } catch (error) {
            this.preview = undefined;
            this.error = error;
        } finally {
            this.loading = false;
        }
    }

    get problems() {
        return (this.preview && this.preview.problems) || [];
    }

    get isReady() {
        return Boolean(this.preview && this.preview.billable && this.problems.length === 0);
    }

    get verdict() {
        return this.isReady ? READY : formatLabel(BLOCKED, this.problems.length);
    }

    get verdictClass() {
        return this.isReady
            ? 'slds-text-color_success slds-text-title_bold verdict'
            : 'slds-text-color_error slds-text-title_bold verdict';
    }

    get hasDraft() {
        return Boolean(this.preview && this.preview.invoice);
    }

    handleCheckAgain() {
        this.load();
    }
}
