import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import { formatLabel } from 'c/billingModel';
import { reduceErrors } from 'c/ldsUtils';
import sendInvoice from '@salesforce/apex/OpportunityBillingController.sendInvoice';
import SEND from '@salesforce/label/c.Billing_Send_Invoice';
import TITLE from '@salesforce/label/c.Billing_Send_Title';
import SEND_TO from '@salesforce/label/c.Billing_Send_To';
import HELP from '@salesforce/label/c.Billing_Send_Help';
import CONFIRM from '@salesforce/label/c.Billing_Send_Confirm';
import CANCEL from '@salesforce/label/c.Billing_Send_Cancel';
import SUCCESS from '@salesforce/label/c.Billing_Send_Success';
import FAILED from '@salesforce/label/c.Billing_Send_Failed';

/**
 * Send on an invoice card: a small dialog with the address (the billing e-mail by default), then Apex has
 * QuickBooks e-mail the invoice. Fires `sent` with QuickBooks' answer (emailStatus, deliveryTime, sentTo).
 */
export default class InvoiceSend extends LightningElement {
    /** The QuickBooks_Invoice__c row (Id, Opportunity__c, Doc_Number__c). */
    @api invoice;
    /** Where the invoice goes unless the user types another address. */
    @api billingEmail;

    labels = { send: SEND, sendTo: SEND_TO, help: HELP, confirm: CONFIRM, cancel: CANCEL };
    open = false;
    sending = false;
    address = '';

    get number() {
        return this.invoice.Doc_Number__c || '';
    }

    get title() {
        return formatLabel(TITLE, this.number);
    }

    handleOpen() {
        this.address = this.billingEmail || '';
        this.open = true;
    }

    handleClose() {
        if (!this.sending) {
            this.open = false;
        }
    }

    handleKeyDown(event) {
        if (event.key === 'Escape') {
            this.handleClose();
        }
    }

    handleAddress(event) {
        this.address = event.target.value;
    }

    async handleSend() {
        // The dialog is open, so its address field is there: type=email and required check the address first.
        if (!this.template.querySelector('lightning-input').reportValidity()) {
            return;
        }
        this.sending = true;
        try {
            const answer = await sendInvoice({
                opportunityId: this.invoice.Opportunity__c,
                invoiceRecordId: this.invoice.Id,
                sendTo: this.address.trim()
            });
            const to = answer.sentTo || this.address;
            this.toast(formatLabel(SUCCESS, this.number, to), '', 'success', 'dismissible');
            this.dispatchEvent(new CustomEvent('sent', { detail: { ...answer, sentTo: to } }));
            this.open = false;
        } catch (error) {
            this.toast(FAILED, reduceErrors(error).join(' '), 'error', 'sticky');
        } finally {
            this.sending = false;
        }
    }

    toast(title, message, variant, mode) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant, mode }));
    }
}
